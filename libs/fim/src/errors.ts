import type { LocalizedMessage } from './validator/messages';

/** Location of a problem in an XML input (1-based). */
export interface XmlLocation {
  line: number;
  column: number;
}

export type FimIssueSeverity = 'error' | 'warning';

/** A problem found while reading an XML document (schema or genericode). */
export interface FimIssue {
  severity: FimIssueSeverity;
  /** Stable machine-readable code, e.g. `DUPLICATE_ELEMENT`. */
  code: string;
  /** What is wrong, in German (for the people who upload schemas) and English (CLI, logs, error messages). */
  message: LocalizedMessage;
  /** Element path inside the XML document, e.g. `/xdatenfelder.stammdatenschema.0102/stammdatenschema/name`. */
  xmlPath?: string;
  line?: number;
  column?: number;
  /** FIM element id the problem belongs to, when known. */
  elementId?: string;
}

function formatIssue(issue: FimIssue): string {
  const where = issue.line !== undefined ? ` (line ${issue.line}, column ${issue.column ?? 0})` : '';
  return `${issue.code}: ${issue.message.en}${where}`;
}

/** The XML input could not be turned into a FIM model. Carries every problem found, not only the first. */
export class FimParseError extends Error {
  readonly issues: readonly FimIssue[];

  constructor(issues: readonly FimIssue[]) {
    const errors = issues.filter((i) => i.severity === 'error');
    const first = errors[0] ?? issues[0];
    const head = first ? formatIssue(first) : 'unknown parse error';
    super(errors.length > 1 ? `${head} (and ${errors.length - 1} more error(s))` : head);
    this.name = 'FimParseError';
    this.issues = issues;
  }
}

/** A parsed schema cannot be compiled or exported (unknown code list, invalid pattern, ...). */
export class FimSchemaError extends Error {
  readonly problems: readonly LocalizedMessage[];

  constructor(problems: readonly LocalizedMessage[]) {
    super(
      problems.length === 1
        ? problems[0].en
        : `${problems[0].en} (and ${problems.length - 1} more problem(s))`,
    );
    this.name = 'FimSchemaError';
    this.problems = problems;
  }
}

/** Data cannot be exported (e.g. to XML) because it does not fit the schema. */
export class FimExportError extends Error {
  readonly path: string;

  constructor(message: string, path: string) {
    super(`${message} at ${path || '/'}`);
    this.name = 'FimExportError';
    this.path = path;
  }
}

/** One field for which no value satisfies all of its constraints. */
export interface SampleProblem {
  /** FIM id of the field. */
  elementId: string;
  /** JSON Pointer of the field in a data instance (without array indices). */
  path: string;
  message: LocalizedMessage;
}

/**
 * `sample` cannot produce valid data because the constraints of some fields contradict each other (no value
 * can satisfy them, e.g. a pattern that needs 5 characters and maxLength 4). Lists every such field.
 */
export class FimSampleError extends Error {
  readonly problems: readonly SampleProblem[];

  constructor(problems: readonly SampleProblem[]) {
    const head = problems[0];
    super(
      `${head.elementId} (${head.path}): ${head.message.en}${problems.length > 1 ? ` (and ${problems.length - 1} more field(s))` : ''}`,
    );
    this.name = 'FimSampleError';
    this.problems = problems;
  }
}
