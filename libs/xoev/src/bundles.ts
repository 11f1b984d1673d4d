import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type CatalogMap, readCatalog } from './catalog';

/**
 * The official schema publications Amtsbote validates against. They are others' publications (KoSIT, the
 * xdomea working group, FITKO): the project never commits them, it reads them from a schema directory
 * (`XOEV_SCHEMA_DIR`; in development and CI the steering repo's `shared/fixtures`).
 */
export interface SchemaBundle {
  id:
    | 'xdomea-3.0.0'
    | 'xoev-basisnachricht-g2g-1.1'
    | 'fitconnect-metadata-1.0.0'
    | 'fitconnect-metadata-2.1.0';
  title: string;
  /** Files that must exist, relative to the schema directory; the first one is the entry point. */
  files: readonly string[];
  /** Where to get the bundle when it is missing. */
  source: string;
}

export const SCHEMA_BUNDLES = {
  xdomea: {
    id: 'xdomea-3.0.0',
    title: 'xdomea 3.0.0 XSDs (with xoev-code 1.0)',
    files: [
      'xdomea/xdomea_3.0.0/xdomea.xsd',
      'xdomea/xdomea_3.0.0/xdomea-Baukasten.xsd',
      'xdomea/xdomea_3.0.0/xdomea-Datentypen.xsd',
      'xdomea/xdomea_3.0.0/xdomea-Nachrichten-GeschaeftsgangDurchfuehren.xsd',
      'xdomea/xoev/code/1_0/xoev-code.xsd',
    ],
    source:
      'xdomea 3.0.0 from the XRepository (https://www.xrepository.de, kennung urn:xoev-de:xdomea:kosit:standard:xdomea) ' +
      'or the MIT-licensed copy in github.com/Landesarchiv-Thueringen/xdomea_toolkit (message_generation/schemes/xdomea_3.0.0 ' +
      'and message_generation/schemes/xoev): put the XSDs into <dir>/xdomea/xdomea_3.0.0 and xoev-code.xsd into ' +
      '<dir>/xdomea/xoev/code/1_0.',
  },
  g2g: {
    id: 'xoev-basisnachricht-g2g-1.1',
    title:
      'XÖV Basisnachricht G2G 1.1 (unqualified) with xoev-code 1.0 and DIN 91379 datatypes, and catalog.xml',
    files: [
      'xoev-xwasser/catalog.xml',
      'xoev-xwasser/schemas/remote/0fd6e3cbcdf3573e93d05085f352b4ac',
      'xoev-xwasser/schemas/remote/5c6293afe2285cfd958bb469742a6ebe',
      'xoev-xwasser/schemas/remote/0b049ee8a5305212b4fe17d175d54461',
    ],
    source:
      'the XÖV-Bibliothek (https://www.xoev.de/de/bibliothek): xoev-basisnachricht-unqualified-g2g_1.1.xsd, xoev-code.xsd 1.0 and ' +
      'din-norm-91379-datatypes.xsd (2022-08), e.g. as vendored in github.com/hd-gmbh-dev/xoev-xwasser-rs (schemas/remote); ' +
      'put them under <dir>/xoev-xwasser/schemas/remote and list their official URLs in <dir>/xoev-xwasser/catalog.xml (OASIS XML catalog).',
  },
  fitconnect: {
    id: 'fitconnect-metadata-1.0.0',
    title: 'FIT-Connect metadata JSON Schema 1.0.0',
    files: ['fitconnect/metadata.schema.v1.0.0.json'],
    source:
      'FITKO (https://schema.fitko.de/fit-connect/metadata/1.0.0/metadata.schema.json), also vendored unchanged in ' +
      'github.com/codedust/fitconnect-sdk-python (fitconnect/schema): put it at <dir>/fitconnect/metadata.schema.v1.0.0.json.',
  },
  fitconnect2: {
    id: 'fitconnect-metadata-2.1.0',
    title: 'FIT-Connect metadata JSON Schema 2.1.0',
    files: ['fitconnect/metadata.schema.v2.1.0.json'],
    source:
      'FITKO (https://schema.fitko.de/fit-connect/metadata/2.1.0/metadata.schema.json): put it at ' +
      '<dir>/fitconnect/metadata.schema.v2.1.0.json.',
  },
} as const satisfies Record<string, SchemaBundle>;

export type SchemaBundleKey = keyof typeof SCHEMA_BUNDLES;

export interface MissingBundle {
  bundle: SchemaBundle;
  missingFiles: string[];
  /** One line for the start-up log: what is missing, where it was looked for, where to get it. */
  message: string;
}

export class SchemaBundleMissingError extends Error {
  override name = 'SchemaBundleMissingError';
  constructor(readonly missing: MissingBundle) {
    super(missing.message);
  }
}

/** Checks one bundle in the schema directory. */
export function checkBundle(dir: string, bundle: SchemaBundle): MissingBundle | undefined {
  const missingFiles = bundle.files.filter((f) => !existsSync(join(dir, f)));
  if (missingFiles.length === 0) return undefined;
  return {
    bundle,
    missingFiles,
    message:
      `schema bundle ${bundle.id} (${bundle.title}) is missing in ${dir}: ${missingFiles.join(', ')} not found. ` +
      `Get it from ${bundle.source.replace(/<dir>/g, dir)}`,
  };
}

/** Every bundle missing in the schema directory (empty when all are there). */
export function checkSchemaDir(dir: string): MissingBundle[] {
  if (!existsSync(dir) || readdirSync(dir).length === 0) {
    return Object.values(SCHEMA_BUNDLES).map((bundle) => ({
      bundle,
      missingFiles: [...bundle.files],
      message:
        `schema directory ${dir} does not exist or is empty, so schema bundle ${bundle.id} (${bundle.title}) is missing. ` +
        `Set XOEV_SCHEMA_DIR and get the bundle from ${bundle.source.replace(/<dir>/g, dir)}`,
    }));
  }
  return Object.values(SCHEMA_BUNDLES)
    .map((b) => checkBundle(dir, b))
    .filter((m): m is MissingBundle => m !== undefined);
}

export function requireBundle(dir: string, bundle: SchemaBundle): void {
  const missing = checkBundle(dir, bundle);
  if (missing) throw new SchemaBundleMissingError(missing);
}

/** File URL of a path in the schema directory. */
export function schemaFileUrl(dir: string, relative: string): string {
  return pathToFileURL(join(dir, relative)).href;
}

/** The catalog of the XÖV Basisnachricht bundle (official URL → local file URL). */
export function g2gCatalog(dir: string): CatalogMap {
  requireBundle(dir, SCHEMA_BUNDLES.g2g);
  return readCatalog(join(dir, 'xoev-xwasser', 'catalog.xml'));
}

/** Official location of the Basisnachricht G2G 1.1 header XSD (resolved through the catalog). */
export const G2G_HEADER_XSD_URL =
  'http://xoev.de/schemata/basisnachricht/unqualified/g2g/1_1/xoev-basisnachricht-unqualified-g2g_1.1.xsd';
export const G2G_NAMESPACE = 'http://xoev.de/schemata/basisnachricht/unqualified/g2g/1_1';
