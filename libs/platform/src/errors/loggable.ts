/**
 * What of a database error may be logged. PostgreSQL's error fields can quote the data being written —
 * `where` ("JSON data, line 1: {…form data…}"), `detail` ("Key (x)=(…) already exists", "Token "…" is
 * invalid"), `hint`, `internalQuery` — and TypeORM adds the statement's `parameters` and the `driverError`
 * with all of them again. Only the fields that describe the failure without its data are kept, and quoted
 * values in the message are replaced.
 */
const KEPT_FIELDS = [
  'name',
  'code',
  'severity',
  'routine',
  'schema',
  'table',
  'column',
  'dataType',
  'constraint',
  'query',
] as const;

/** A PostgreSQL error as `pg` raises it, or TypeORM's QueryFailedError around one. */
function isDatabaseError(err: object): boolean {
  const e = err as { driverError?: unknown; code?: unknown; severity?: unknown; routine?: unknown };
  return (
    e.driverError !== undefined ||
    (typeof e.code === 'string' &&
      /^[0-9A-Z]{5}$/.test(e.code) &&
      (e.severity !== undefined || e.routine !== undefined))
  );
}

/** `invalid input syntax for type uuid: "abc"` → `invalid input syntax for type uuid: "…"`. */
export function withoutQuotedValues(message: string): string {
  return message
    .replace(/"(?:[^"\\]|\\.)*"/g, '"…"')
    .replace(/\((?:[^()]|\([^()]*\))*\)=\([^\n]*\)/g, '(…)=(…)');
}

function keptFields(e: Record<string, unknown>): Record<string, unknown> {
  const message = withoutQuotedValues(typeof e.message === 'string' ? e.message : '');
  const name = typeof e.name === 'string' ? e.name : typeof e.type === 'string' ? e.type : 'Error';
  const frames = typeof e.stack === 'string' ? e.stack.split('\n').filter((l) => /^\s+at /.test(l)) : [];
  const kept: Record<string, unknown> = { message, stack: [`${name}: ${message}`, ...frames].join('\n') };
  for (const field of KEPT_FIELDS) if (e[field] !== undefined) kept[field] = e[field];
  kept.name = name;
  return kept;
}

/**
 * The error as it may appear in a log: a database error reduced to what describes the failure (see above;
 * the stack is kept, with the redacted message), anything else unchanged.
 */
export function loggableError(err: unknown): unknown {
  if (typeof err !== 'object' || err === null || !isDatabaseError(err)) return err;
  const kept = keptFields(err as Record<string, unknown>);
  const copy = new Error(kept.message as string);
  Object.assign(copy, kept);
  return copy;
}

/**
 * pino's `err` serializer runs after pino's own (which copies every enumerable property of an error into a
 * plain object): a database error among them keeps only what {@link loggableError} keeps.
 */
export function loggableSerializedError(serialized: unknown): unknown {
  if (typeof serialized !== 'object' || serialized === null || !isDatabaseError(serialized))
    return serialized;
  const { name, ...kept } = keptFields(serialized as Record<string, unknown>);
  return { type: name, ...kept };
}
