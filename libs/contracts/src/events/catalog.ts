import { z } from 'zod';
import { defineEvent } from '../contract';
import { inlineDocument } from '../inline-document';
import { TOPICS } from '../topics';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * A FIM schema published in intake's catalog; routing keeps a projection to build XML/XSD from it.
 * Superseded by v2 (the whole XML inline made schemas over ~256 KB unannounceable); still consumed, because
 * older events may remain in the topic.
 */
export const catalogSchemaPublishedV1 = defineEvent(
  'de.amtsbote.catalog.schema-published.v1',
  TOPICS.catalog,
  z.object({
    schemaId: z.string(),
    version: z.string(),
    /** The uploaded XDatenfelder XML (xdf2 or xdf3), unchanged. */
    xdf: z.string().max(900_000),
    publishedAt: z.string().datetime(),
    /** XDatenfelder generation of `xdf` (added later; optional). */
    generation: z.enum(['xdf2', 'xdf3']).optional(),
    /** Name of the Stammdatenschema (added later; optional). */
    name: z.string().optional(),
    /** SHA-256 (hex) of `xdf` as uploaded, to check a projection (added later; optional). */
    xdfSha256: sha256.optional(),
  }),
  'A FIM Stammdatenschema version became available in the catalog (XML inline; superseded by v2).',
);

/** A code list a schema was compiled with and which does not ship with @amtsbote/fim. */
const catalogCodeListRef = z.object({
  canonicalVersionUri: z.string().min(1).max(1000),
  /** SHA-256 of the genericode document, as in `catalog.code-list-published`. */
  sha256,
});

/**
 * A FIM schema version published in intake's catalog, with everything routing needs to compile it exactly as
 * intake did: the XML (gzip, base64), the code-list resolution intake pinned, and whether unknown lists were
 * allowed. The lists themselves travel as `catalog.code-list-published`; a consumer that lacks one of
 * `codeLists` treats the schema as not yet known.
 */
export const catalogSchemaPublishedV2 = defineEvent(
  'de.amtsbote.catalog.schema-published.v2',
  TOPICS.catalog,
  z.object({
    schemaId: z.string().min(1).max(200),
    version: z.string().min(1).max(200),
    name: z.string().max(2000),
    generation: z.enum(['xdf2', 'xdf3']),
    publishedAt: z.string().datetime(),
    /** The uploaded XDatenfelder XML, unchanged (its `sha256` is the catalog's `xdfSha256`). */
    xdf: inlineDocument,
    /** Select fields whose list was unavailable accept any code (the upload's `allowUnknownCodeLists`). */
    allowUnknownCodeLists: z.boolean(),
    /** The code-list resolution at upload: requested URI -> canonicalVersionUri (`codeListPins` of @amtsbote/fim). */
    codeListPins: z.record(z.string().min(1).max(1000), z.string().min(1).max(1000)),
    /** The pinned lists that are not bundled with @amtsbote/fim, with the content they were pinned with. */
    codeLists: z.array(catalogCodeListRef).max(1000),
  }),
  'A FIM Stammdatenschema version became available in the catalog, with the code lists it was compiled with.',
);

/**
 * A genericode code list that intake's catalog holds (uploaded by an admin, or from intake's code-list
 * directory when a schema pinned it). Versions are immutable while a schema pins them; consumers key the
 * projection by canonicalVersionUri and content hash, so a copy or a late event changes nothing.
 */
export const catalogCodeListPublishedV1 = defineEvent(
  'de.amtsbote.catalog.code-list-published.v1',
  TOPICS.catalog,
  z.object({
    canonicalUri: z.string().min(1).max(1000),
    version: z.string().min(1).max(200),
    canonicalVersionUri: z.string().min(1).max(1000),
    /** The genericode document, unchanged (gzip, base64). */
    genericode: inlineDocument,
    publishedAt: z.string().datetime(),
  }),
  'A genericode code list became available in the catalog (gzip inline).',
);
