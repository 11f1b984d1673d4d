import { performance } from 'node:perf_hooks';
import { SchemaSetResolver } from './resolver';
import {
  type CompiledSchemaSet,
  SchemaSetError,
  type SchemaSet,
  type ValidationIssue,
  type ValidationReport,
  type XsdEngine,
} from './validation';

type Libxml2 = typeof import('libxml2-wasm');

const LEVELS: Record<number, ValidationIssue['level']> = { 1: 'warning', 2: 'error', 3: 'fatal' };

interface OpenFile {
  buf: Buffer;
  pos: number;
}

/**
 * libxml2-wasm has one process-wide table of input providers. Ours only answers while a schema set is being
 * compiled (compilation is synchronous, so there is exactly one active set), and only for locations of that
 * set: everything else fails to load, network locations included.
 */
let active: SchemaSetResolver | undefined;
const pending = new Map<string, Buffer>();
const files = new Map<number, OpenFile>();
let nextFd = 1;
let loading: Promise<Libxml2> | undefined;

function loadLibxml2(): Promise<Libxml2> {
  loading ??= import('libxml2-wasm').then((lib) => {
    lib.xmlRegisterInputProvider({
      match(location: string): boolean {
        if (active === undefined) return false;
        const content = active.load(location);
        if (content === undefined) return false;
        pending.set(location, content);
        return true;
      },
      open(location: string): number | undefined {
        const buf = pending.get(location) ?? active?.load(location);
        pending.delete(location);
        if (buf === undefined) return undefined;
        const fd = nextFd++;
        files.set(fd, { buf, pos: 0 });
        return fd;
      },
      read(fd: number, out: Uint8Array): number {
        const file = files.get(fd);
        if (file === undefined) return -1;
        const n = Math.min(out.byteLength, file.buf.length - file.pos);
        out.set(file.buf.subarray(file.pos, file.pos + n));
        file.pos += n;
        return n;
      },
      close(fd: number): boolean {
        return files.delete(fd);
      },
    });
    return lib;
  });
  return loading;
}

function issuesOf(err: unknown): ValidationIssue[] {
  const details = (err as { details?: unknown }).details;
  if (Array.isArray(details) && details.length > 0) {
    return details.map(
      (d: { message?: string; level?: number; line?: number; col?: number; xpath?: string }) => ({
        level: LEVELS[d.level ?? 2] ?? 'error',
        message: (d.message ?? '').trim(),
        line: d.line || undefined,
        column: d.col || undefined,
        path: d.xpath,
      }),
    );
  }
  return [{ level: 'error', message: err instanceof Error ? err.message.trim() : String(err) }];
}

export interface Libxml2EngineOptions {
  /** Documents larger than this are refused without parsing. Default 64 MiB. */
  maxDocumentBytes?: number;
}

class Libxml2SchemaSet implements CompiledSchemaSet {
  readonly validator = 'libxml2-wasm';
  private disposed = false;

  constructor(
    private readonly lib: Libxml2,
    readonly schema: string,
    private readonly schemaDoc: InstanceType<Libxml2['XmlDocument']>,
    private readonly xsd: InstanceType<Libxml2['XsdValidator']>,
    private readonly maxBytes: number,
  ) {}

  /** Synchronous validation; the async `validate` only wraps it. */
  validateSync(xml: string | Uint8Array): ValidationReport {
    const start = performance.now();
    const report = (valid: boolean, issues: ValidationIssue[]): ValidationReport => ({
      valid,
      validator: this.validator,
      schema: this.schema,
      issues,
      durationMs: performance.now() - start,
    });
    if (this.disposed) throw new SchemaSetError(`schema set ${this.schema} was disposed`);
    const size = typeof xml === 'string' ? Buffer.byteLength(xml) : xml.byteLength;
    if (size > this.maxBytes) {
      return report(false, [
        { level: 'fatal', message: `document of ${size} bytes exceeds the limit of ${this.maxBytes} bytes` },
      ]);
    }
    let doc: InstanceType<Libxml2['XmlDocument']>;
    try {
      doc =
        typeof xml === 'string' ? this.lib.XmlDocument.fromString(xml) : this.lib.XmlDocument.fromBuffer(xml);
    } catch (err) {
      return report(false, issuesOf(err));
    }
    try {
      this.xsd.validate(doc);
      return report(true, []);
    } catch (err) {
      return report(false, issuesOf(err));
    } finally {
      doc.dispose();
    }
  }

  validate(xml: string | Uint8Array): Promise<ValidationReport> {
    try {
      return Promise.resolve(this.validateSync(xml));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.xsd.dispose();
    this.schemaDoc.dispose();
  }
}

/** XSD validation with libxml2 compiled to WebAssembly: each schema set is compiled once and reused. */
export class Libxml2Engine implements XsdEngine {
  readonly name = 'libxml2-wasm';

  constructor(private readonly options: Libxml2EngineOptions = {}) {}

  async compile(set: SchemaSet): Promise<Libxml2SchemaSet> {
    const lib = await loadLibxml2();
    const resolver = new SchemaSetResolver(set);
    const entryUrl = resolver.canonical(set.entry);
    const entry = resolver.load(entryUrl);
    if (entry === undefined) throw new SchemaSetError(`schema set ${set.id}: entry ${set.entry} not found`);
    active = resolver;
    let schemaDoc: InstanceType<Libxml2['XmlDocument']> | undefined;
    try {
      schemaDoc = lib.XmlDocument.fromBuffer(entry, { url: entryUrl });
      const xsd = lib.XsdValidator.fromDoc(schemaDoc);
      return new Libxml2SchemaSet(
        lib,
        set.id,
        schemaDoc,
        xsd,
        this.options.maxDocumentBytes ?? 64 * 1024 * 1024,
      );
    } catch (err) {
      schemaDoc?.dispose();
      const text = issuesOf(err)
        .slice(0, 5)
        .map((i) => i.message)
        .join('; ');
      throw new SchemaSetError(`schema set ${set.id} does not compile: ${text}`);
    } finally {
      active = undefined;
      pending.clear();
    }
  }
}

export type { Libxml2SchemaSet };

/**
 * Compiled schema sets by id, compiled on first use and reused (concurrent first uses share one
 * compilation). Bounded: the least recently used set is disposed when more than `max` are held.
 */
export class SchemaSetCache {
  private readonly sets = new Map<string, Promise<Libxml2SchemaSet>>();

  constructor(
    private readonly engine: Libxml2Engine = new Libxml2Engine(),
    private readonly max = 64,
  ) {}

  get(set: SchemaSet): Promise<Libxml2SchemaSet> {
    const hit = this.sets.get(set.id);
    if (hit !== undefined) {
      this.sets.delete(set.id);
      this.sets.set(set.id, hit);
      return hit;
    }
    const compiled = this.engine.compile(set);
    this.sets.set(set.id, compiled);
    // A failed compilation is not cached: the bundle may be installed later.
    compiled.catch(() => this.sets.delete(set.id));
    while (this.sets.size > this.max) {
      const [oldest, value] = this.sets.entries().next().value as [string, Promise<Libxml2SchemaSet>];
      this.sets.delete(oldest);
      void value.then((s) => s.dispose()).catch(() => undefined);
    }
    return compiled;
  }

  has(id: string): boolean {
    return this.sets.has(id);
  }

  async dispose(): Promise<void> {
    const all = [...this.sets.values()];
    this.sets.clear();
    for (const s of all) (await s.catch(() => undefined))?.dispose();
  }
}
