#!/usr/bin/env node
import * as fs from 'node:fs';
import { CodeListRegistry, referencedCanonicalUris } from '../codelists/registry';
import { FimExportError, FimParseError, FimSampleError, FimSchemaError } from '../errors';
import { type CodeListUsage, inspectSchema } from '../inspect';
import type { FimNode, FimSchema } from '../model';
import { parseSchema } from '../parser/parse-schema';
import { type FimValidator, compileValidator } from '../validator/compile';

/** Exit codes: 0 success / valid, 1 data invalid, 2 unusable input or usage error. */
export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_UNUSABLE = 2;

const USAGE = `Usage: amtsbote-fim <command> [options]

Commands:
  inspect <schema.xml>               summary: ids, fields, groups, types, code lists, rules
  validate <schema.xml> <data.json>  exit 0 valid, 1 invalid (errors listed), 2 unusable input
  json-schema <schema.xml>           JSON Schema 2020-12 of the submissions
  form <schema.xml>                  form definition (labels, help texts, order, options) as JSON
  ui-schema <schema.xml>             react-jsonschema-form uiSchema to go with json-schema
  xsd <schema.xml>                   XML Schema of the data XML
  xml <schema.xml> <data.json>       data as XML (elements named by FIM ids)
  sample <schema.xml>                a valid example instance (exit 2 naming the fields whose
                                     constraints contradict each other)

Options:
  --codelists <dir>            load further genericode files from a directory
  --allow-unknown-codelists    accept any value for select fields whose code list is not available
  --exact-codelists            use only the code-list version a schema names (no fallback to the newest
                               stored version of the same list)
  --lenient                    (validate) draft mode: missing required fields are not reported
  --lang de|en                 (validate, ui-schema) language of messages / our form texts, default de
  --json                       (inspect, validate) machine-readable output
  --namespace <uri>            (xml, xsd) target namespace
  --required-only              (sample) leave out optional elements
`;

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

class UsageError extends Error {}

interface Args {
  command: string;
  files: string[];
  flags: Set<string>;
  values: Map<string, string>;
  /** The code lists of this run, loaded once. */
  registry?: CodeListRegistry;
}

const VALUE_OPTIONS = new Set(['--codelists', '--lang', '--namespace']);
const FLAG_OPTIONS = new Set([
  '--allow-unknown-codelists',
  '--exact-codelists',
  '--lenient',
  '--json',
  '--required-only',
  '--help',
]);

function parseArgs(argv: readonly string[]): Args {
  const [command = '', ...rest] = argv;
  const args: Args = { command, files: [], flags: new Set(), values: new Map() };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (VALUE_OPTIONS.has(a)) {
      const v = rest[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      args.values.set(a, v);
    } else if (FLAG_OPTIONS.has(a)) {
      args.flags.add(a);
    } else if (a.startsWith('--')) {
      throw new UsageError(`unknown option ${a}`);
    } else {
      args.files.push(a);
    }
  }
  return args;
}

function readFile(file: string | undefined, what: string): Buffer {
  if (file === undefined) throw new UsageError(`missing ${what}`);
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function loadSchema(args: Args): FimSchema {
  return parseSchema(readFile(args.files[0], 'schema file'));
}

/** The bundled lists and, from `--codelists`, the lists the schema references (a large directory costs only those). */
function registry(args: Args, schema: FimSchema): CodeListRegistry {
  if (args.registry !== undefined) return args.registry;
  const reg = new CodeListRegistry();
  const dir = args.values.get('--codelists');
  const canonicalUris = referencedCanonicalUris(schema);
  if (dir !== undefined) reg.loadDirectory(dir, canonicalUris === undefined ? {} : { canonicalUris });
  args.registry = reg;
  return reg;
}

function compile(args: Args, schema: FimSchema, io?: Io): FimValidator {
  const validator = compileValidator(schema, {
    codeLists: registry(args, schema),
    allowUnknownCodeLists: args.flags.has('--allow-unknown-codelists'),
    codeListVersions: args.flags.has('--exact-codelists') ? 'exact' : 'newest',
  });
  if (io) for (const w of codeListWarnings(validator)) io.err(`warning: ${w}`);
  return validator;
}

/** Code lists resolved to another version than the schema names. */
function codeListWarnings(validator: FimValidator): string[] {
  return validator.plan.codeLists
    .filter((l) => l.status === 'newest')
    .map(
      (l) =>
        `code list ${l.requested} is not available${l.version === undefined ? ' (no version named)' : ''}; using ${l.resolved ?? '?'} (fields ${l.fields.join(', ')})`,
    );
}

function readJson(file: string | undefined): unknown {
  const text = readFile(file, 'data file').toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new UsageError(
      `data file ${file ?? ''} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

function tree(nodes: readonly FimNode[], depth: number, lines: string[]): void {
  for (const n of nodes) {
    const pad = '  '.repeat(depth);
    if (n.kind === 'group') {
      const g = n.group;
      lines.push(
        `${pad}${g.id} ${g.version ?? ''} [${n.multiplicity.raw}] ${g.bezeichnungEingabe ?? g.name}`,
      );
      tree(n.children, depth + 1, lines);
    } else {
      const f = n.field;
      lines.push(
        `${pad}${f.id} ${f.version ?? ''} [${n.multiplicity.raw}] ${f.feldart}/${f.datentyp} ${f.bezeichnungEingabe ?? f.name}`,
      );
    }
  }
}

function inspect(args: Args, io: Io): number {
  const schema = loadSchema(args);
  const s = inspectSchema(schema, {
    codeLists: registry(args, schema),
    resolve: { exactOnly: args.flags.has('--exact-codelists') },
  });
  if (args.flags.has('--json')) {
    io.out(JSON.stringify(s, null, 2));
    return EXIT_OK;
  }
  const lines = [
    `${s.messageType} ${s.id} ${s.version ?? ''} (${s.generation}): ${s.title}`,
    `Datenfelder: ${s.fields.occurrences} occurrences, ${s.fields.distinct} distinct ids`,
    `Datenfeldgruppen: ${s.groups.occurrences} occurrences, ${s.groups.distinct} distinct ids`,
    `Feldart/Datentyp: ${Object.entries(s.fieldTypes)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `Anzahl: ${Object.entries(s.multiplicities)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `Code lists: ${s.codeLists.length === 0 ? 'none' : ''}`,
    ...s.codeLists.map((c) => `  ${c.uri} ${codeListState(c)} used by ${c.fields.join(', ')}`),
    ...(s.inlineValueFields.length > 0 ? [`Inline werte: ${s.inlineValueFields.join(', ')}`] : []),
    `Regeln: ${s.rules.length} (kept as metadata, not executed)`,
    ...s.rules.map(
      (r) => `  ${r.id} ${r.version ?? ''} ${r.name}${r.text ? `: ${r.text.replace(/\s+/g, ' ')}` : ''}`,
    ),
    ...(s.warnings.length > 0
      ? [`Warnings: ${s.warnings.length}`, ...s.warnings.map((w) => `  ${w.code}: ${w.message.en}`)]
      : []),
    ...enforcement(args, schema),
    'Structure:',
  ];
  tree(schema.children, 1, lines);
  io.out(lines.join('\n'));
  return EXIT_OK;
}

function codeListState(c: CodeListUsage): string {
  if (!c.available) return '(NOT AVAILABLE)';
  const from = c.source ?? 'registered';
  return c.status === 'newest'
    ? `(this version NOT AVAILABLE; using ${c.resolved ?? '?'} from ${from})`
    : `(available: ${from})`;
}

/** Whether the schema can be compiled with the given code lists, and what it accepts but does not enforce. */
function enforcement(args: Args, schema: FimSchema): string[] {
  try {
    const notes = compile(args, schema).plan.notes;
    return [
      `Validation: ready${notes.length > 0 ? ` (${notes.length} note(s))` : ''}`,
      ...notes.map((n) => `  ${n}`),
    ];
  } catch (e) {
    if (!(e instanceof FimSchemaError)) throw e;
    return ['Validation: NOT POSSIBLE', ...e.problems.map((p) => `  ${p.en}`)];
  }
}

function validate(args: Args, io: Io): number {
  const schema = loadSchema(args);
  const validator = compile(args, schema, io);
  const data = readJson(args.files[1]);
  const result = validator.validate(data, { lenient: args.flags.has('--lenient') });
  if (args.flags.has('--json')) {
    io.out(JSON.stringify(result, null, 2));
  } else if (result.valid) {
    io.out(`valid: ${args.files[1] ?? ''} conforms to ${schema.meta.id} ${schema.meta.version ?? ''}`);
  } else {
    const lang = args.values.get('--lang') === 'en' ? 'en' : 'de';
    io.out(`invalid: ${result.errors.length} error(s)${result.truncated ? ' (truncated)' : ''}`);
    for (const e of result.errors)
      io.out(`  ${e.path || '/'} [${e.elementId}] ${e.code}: ${e.message[lang]}`);
  }
  return result.valid ? EXIT_OK : EXIT_INVALID;
}

/** Runs the CLI; returns the exit code instead of exiting so that it can be tested in-process too. */
export function run(argv: readonly string[], io: Io): number {
  let args: Args;
  try {
    args = parseArgs(argv);
    if (args.flags.has('--help') || args.command === '' || args.command === 'help') {
      io.out(USAGE);
      return args.command === '' ? EXIT_UNUSABLE : EXIT_OK;
    }
    const lang = args.values.get('--lang');
    if (lang !== undefined && lang !== 'de' && lang !== 'en') throw new UsageError('--lang must be de or en');
    switch (args.command) {
      case 'inspect':
        return inspect(args, io);
      case 'validate':
        return validate(args, io);
      case 'json-schema':
        io.out(JSON.stringify(compile(args, loadSchema(args), io).jsonSchema(), null, 2));
        return EXIT_OK;
      case 'form':
        io.out(JSON.stringify(compile(args, loadSchema(args), io).formDefinition(), null, 2));
        return EXIT_OK;
      case 'ui-schema':
        io.out(
          JSON.stringify(compile(args, loadSchema(args)).uiSchema(lang === 'en' ? 'en' : 'de'), null, 2),
        );
        return EXIT_OK;
      case 'xsd': {
        const ns = args.values.get('--namespace');
        io.out(
          compile(args, loadSchema(args), io)
            .toXsd(ns === undefined ? {} : { namespace: ns })
            .trimEnd(),
        );
        return EXIT_OK;
      }
      case 'xml': {
        const validator = compile(args, loadSchema(args), io);
        const ns = args.values.get('--namespace');
        io.out(validator.toXml(readJson(args.files[1]), ns === undefined ? {} : { namespace: ns }).trimEnd());
        return EXIT_OK;
      }
      case 'sample':
        io.out(
          JSON.stringify(
            compile(args, loadSchema(args), io).sample(!args.flags.has('--required-only')),
            null,
            2,
          ),
        );
        return EXIT_OK;
      default:
        throw new UsageError(`unknown command "${args.command}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`error: ${e.message}\n\n${USAGE}`);
    } else if (e instanceof FimParseError) {
      io.err(`error: the XML cannot be used:`);
      for (const i of e.issues) {
        const where = i.line !== undefined ? ` (line ${i.line}, column ${i.column ?? 0})` : '';
        io.err(`  ${i.severity} ${i.code}: ${i.message.en}${where}`);
      }
    } else if (e instanceof FimSchemaError) {
      io.err('error: the schema cannot be enforced:');
      for (const p of e.problems) io.err(`  ${p.en}`);
    } else if (e instanceof FimSampleError) {
      io.err('error: no valid sample exists, the constraints of these fields contradict each other:');
      for (const p of e.problems) io.err(`  ${p.elementId} (${p.path}): ${p.message.en}`);
    } else if (e instanceof FimExportError) {
      io.err(`error: ${e.message}`);
    } else {
      throw e;
    }
    return EXIT_UNUSABLE;
  }
}

if (require.main === module) {
  process.exitCode = run(process.argv.slice(2), {
    out: (s) => process.stdout.write(`${s}\n`),
    err: (s) => process.stderr.write(`${s}\n`),
  });
}
