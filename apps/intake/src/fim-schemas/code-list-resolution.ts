import type { InlineDocument } from '@amtsbote/contracts';
import type { FimSchemaError, PlannedCodeList } from '@amtsbote/fim';
import type { FieldProblem } from '@amtsbote/platform';
import type { CodeListSources } from '../code-lists/code-list-catalog.service';
import type { StoredCodeListResolution, StoredIssue } from './fim-schemas.entity';

/** What a new schema version is pinned to, and what routing needs to compile it the same way. */
export interface CodeListPinning {
  /** requested URI -> canonicalVersionUri, for every list that resolved. */
  pins: Record<string, string>;
  resolutions: StoredCodeListResolution[];
  /** Stored lists (database) the version uses, with their content hash. */
  catalog: Array<{ canonicalVersionUri: string; sha256: string }>;
  /** Lists from INTAKE_CODELIST_DIR the version uses, as the catalog event carries them. */
  directory: Array<{
    canonicalVersionUri: string;
    canonicalUri: string;
    version: string;
    genericode: InlineDocument;
  }>;
  /** A warning per list used in another version than the schema names. */
  warnings: StoredIssue[];
}

function resolution(p: PlannedCodeList): StoredCodeListResolution {
  const r: StoredCodeListResolution = { requested: p.requested, status: p.status, fields: [...p.fields] };
  if (p.canonicalUri !== undefined) r.canonicalUri = p.canonicalUri;
  if (p.version !== undefined) r.version = p.version;
  if (p.resolved !== undefined) r.resolved = p.resolved;
  if (p.resolvedVersion !== undefined) r.resolvedVersion = p.resolvedVersion;
  return r;
}

function newerVersionWarning(r: StoredCodeListResolution): StoredIssue {
  const named = r.version === undefined ? 'names no version' : `is not stored in version ${r.version}`;
  return {
    code: 'CODE_LIST_NEWER_VERSION',
    message: `code list ${r.canonicalUri ?? r.requested} ${named}; the newest stored version ${r.resolvedVersion ?? '?'} (${r.resolved ?? '?'}) is used for ${r.fields.join(', ')}`,
    elementId: r.fields[0],
    codeList: r,
  };
}

/** Turns the plan's code-list resolutions into the pins stored with the schema and announced to routing. */
export function pinCodeLists(planned: readonly PlannedCodeList[], sources: CodeListSources): CodeListPinning {
  const out: CodeListPinning = { pins: {}, resolutions: [], catalog: [], directory: [], warnings: [] };
  for (const p of planned) {
    const r = resolution(p);
    out.resolutions.push(r);
    if (r.status === 'newest') out.warnings.push(newerVersionWarning(r));
    if (r.resolved === undefined) continue;
    out.pins[r.requested] = r.resolved;
    const origin = sources.origin(r.resolved);
    const sha256 = sources.catalog.get(r.resolved);
    const list = sources.registry.get(r.resolved);
    const document = sources.directoryDocument(r.resolved);
    if (origin === 'catalog' && sha256 !== undefined) {
      out.catalog.push({ canonicalVersionUri: r.resolved, sha256 });
    } else if (origin === 'directory' && document !== undefined && list !== undefined) {
      out.directory.push({
        canonicalVersionUri: r.resolved,
        canonicalUri: list.canonicalUri,
        version: list.version,
        genericode: document,
      });
    }
  }
  // Several references may resolve to one list; pin and announce it once.
  out.catalog = [...new Map(out.catalog.map((c) => [c.canonicalVersionUri, c])).values()];
  out.directory = [...new Map(out.directory.map((d) => [d.canonicalVersionUri, d])).values()];
  return out;
}

const PROBLEM_AT = /^(\S+) \((\/[^)]*)\): /;

/**
 * A reason the schema cannot be enforced as a field problem. The library prefixes each with the field id and
 * its path in the data (`F60000000261 (/G…/F60000000261): …`); that becomes `elementId` and `path`.
 */
export function unusableProblems(err: FimSchemaError): FieldProblem[] {
  return err.problems.map((message) => {
    const at = PROBLEM_AT.exec(message.en);
    return at
      ? { path: at[2], code: 'schema', message, elementId: at[1] }
      : { path: '', code: 'schema', message };
  });
}
