import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { crawlSchemaSet, rewriteLocations } from './resolver';
import type {
  CompiledSchemaSet,
  SchemaSet,
  ValidationIssue,
  ValidationReport,
  XsdEngine,
} from './validation';

/**
 * Validators used as independent second opinions in tests and as baselines in the benchmark. Neither can be
 * given a resolver, so the schema set is flattened: every schema reachable from the entry is written out
 * under a neutral name with its schemaLocation values pointing at those names (the catalog applied ahead of
 * time). Neither is meant for the delivery path: both compile the whole set on every call.
 */

interface FlatFile {
  name: string;
  contents: string;
}

function flatten(set: SchemaSet): { entry: string; files: FlatFile[] } {
  const crawled = crawlSchemaSet(set);
  const names = new Map<string, string>();
  crawled.forEach((s, i) => {
    const base = basename(new URL(s.url).pathname).replace(/[^\w.-]/g, '_') || 'schema';
    names.set(s.url, `s${i}-${base}${base.endsWith('.xsd') ? '' : '.xsd'}`);
  });
  const files = crawled.map((s) => ({
    name: names.get(s.url)!,
    contents: rewriteLocations(s, (url) => names.get(url) ?? url),
  }));
  return { entry: files[0].name, files };
}

function parseXmllintOutput(output: string, documentName: string): ValidationIssue[] {
  return output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.endsWith(' validates') && !line.endsWith('fails to validate'))
    .map((line) => {
      const m = /^(.*?):(\d+):\s*(.*)$/.exec(line);
      if (m && m[1].endsWith(documentName))
        return { level: 'error' as const, line: Number(m[2]), message: m[3] };
      return { level: 'error' as const, message: line };
    });
}

/** xmllint compiled to WebAssembly (the `xmllint-wasm` package): a fresh xmllint run per validation. */
export class XmllintWasmEngine implements XsdEngine {
  readonly name = 'xmllint-wasm';

  async compile(set: SchemaSet): Promise<CompiledSchemaSet> {
    const { entry, files } = flatten(set);
    const { validateXML } = await import('xmllint-wasm');
    return {
      schema: set.id,
      validator: this.name,
      async validate(xml: string | Uint8Array): Promise<ValidationReport> {
        const start = performance.now();
        const result = await validateXML({
          xml: [{ fileName: 'document.xml', contents: xml }],
          schema: [{ fileName: entry, contents: files[0].contents }],
          preload: files.slice(1).map((f) => ({ fileName: f.name, contents: f.contents })),
          maxMemoryPages: 16384,
        });
        const issues: ValidationIssue[] = result.errors.map((e) => ({
          level: 'error',
          message: e.message,
          line: e.loc?.lineNumber,
        }));
        return {
          valid: result.valid,
          validator: 'xmllint-wasm',
          schema: set.id,
          issues,
          durationMs: performance.now() - start,
        };
      },
      dispose(): void {},
    };
  }
}

/** Path of the native `xmllint` (Debian `libxml2-utils`), or undefined when it is not installed. */
export function nativeXmllintPath(): string | undefined {
  const r = spawnSync('sh', ['-c', 'command -v xmllint'], { encoding: 'utf8' });
  const path = r.stdout.trim();
  return r.status === 0 && path !== '' ? path : undefined;
}

/** The native `xmllint` binary, one process per validation, `--nonet`. */
export class NativeXmllintEngine implements XsdEngine {
  readonly name = 'xmllint (native)';

  constructor(private readonly binary: string) {}

  async compile(set: SchemaSet): Promise<CompiledSchemaSet> {
    const { entry, files } = flatten(set);
    const dir = mkdtempSync(join(tmpdir(), 'amtsbote-xmllint-'));
    for (const f of files) writeFileSync(join(dir, f.name), f.contents);
    const binary = this.binary;
    return {
      schema: set.id,
      validator: this.name,
      validate(xml: string | Uint8Array): Promise<ValidationReport> {
        const start = performance.now();
        return new Promise((resolve, reject) => {
          const child = spawn(binary, ['--noout', '--nonet', '--schema', join(dir, entry), '-'], {
            stdio: ['pipe', 'ignore', 'pipe'],
          });
          let stderr = '';
          child.stderr.setEncoding('utf8');
          child.stderr.on('data', (chunk: string) => (stderr += chunk));
          child.on('error', reject);
          child.on('close', (code) => {
            resolve({
              valid: code === 0,
              validator: 'xmllint (native)',
              schema: set.id,
              issues: code === 0 ? [] : parseXmllintOutput(stderr, '-'),
              durationMs: performance.now() - start,
            });
          });
          child.stdin.end(xml);
        });
      },
      dispose(): void {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}
