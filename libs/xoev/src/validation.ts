import type { CatalogMap } from './catalog';

/**
 * A set of XML schemas that validates one kind of message: an entry schema and everything it includes or
 * imports. Nothing outside the set can be loaded (no network, no other files).
 */
export interface SchemaSet {
  /** Stable id, e.g. `xdomea-3.0.0` or `fim-xml:S00000121_1.0`; engines cache compiled sets by it. */
  id: string;
  /** URL of the entry schema: a `file:` URL inside `directories`, or a key of `documents`. */
  entry: string;
  /** Directories whose files may be read (relative includes resolve against the including file). */
  directories: readonly string[];
  /** Official absolute schema locations → local file URLs (an OASIS catalog). */
  catalog?: CatalogMap;
  /** Generated schemas held in memory, by URL (use `file:///amtsbote-generated/...` style URLs). */
  documents?: ReadonlyMap<string, string>;
}

export interface ValidationIssue {
  level: 'warning' | 'error' | 'fatal';
  message: string;
  line?: number;
  column?: number;
  /** XPath (libxml2) or JSON Pointer (JSON Schema) of the offending node, where the validator says. */
  path?: string;
}

/** What a validator says about one document; stored with a dead letter when a message is refused. */
export interface ValidationReport {
  valid: boolean;
  /** Which validator produced the report, e.g. `libxml2-wasm 0.7` or `xmllint-wasm`. */
  validator: string;
  /** Id of the schema set or JSON Schema. */
  schema: string;
  issues: ValidationIssue[];
  durationMs: number;
}

/** A schema set compiled once, validating any number of documents. */
export interface CompiledSchemaSet {
  readonly schema: string;
  readonly validator: string;
  validate(xml: string | Uint8Array): Promise<ValidationReport>;
  dispose(): void;
}

/**
 * The one interface behind which XSD validation sits. The delivery path uses {@link Libxml2Engine}
 * (compile once, validate in well under a millisecond); tests use {@link XmllintWasmEngine} as an
 * independent second opinion, the benchmark also the native `xmllint`.
 */
export interface XsdEngine {
  readonly name: string;
  compile(set: SchemaSet): Promise<CompiledSchemaSet>;
}

/** The validation failed for a reason other than the document (schema missing, engine broken). */
export class SchemaSetError extends Error {
  override name = 'SchemaSetError';
}

/** Short text of a report for logs and problem documents. */
export function summarizeReport(report: ValidationReport, max = 5): string {
  if (report.valid) return `valid (${report.validator}, ${report.schema})`;
  const shown = report.issues
    .slice(0, max)
    .map((i) => `${i.line === undefined ? '' : `line ${i.line}: `}${i.message.trim()}`);
  const more = report.issues.length > max ? ` (+${report.issues.length - max} more)` : '';
  return `invalid against ${report.schema} (${report.validator}): ${shown.join('; ')}${more}`;
}
