import { type CodeList, parseGenericode } from './genericode';

/**
 * Parsed code lists by a key the caller chooses (e.g. canonicalVersionUri plus content hash: a stored version
 * is immutable, so a parsed list never goes stale), least recently used first out. Parsing a 3 MB XRepository
 * list costs about a second; a service that keeps lists in a database parses each once per process. A failed
 * load is not remembered.
 */
export class CodeListCache {
  private readonly entries = new Map<string, Promise<CodeList>>();

  constructor(private readonly capacity = 64) {}

  /** The parsed list of `key`; `load` fetches its genericode document when it is not cached. */
  get(key: string, load: () => Promise<string | Uint8Array>, source?: string): Promise<CodeList> {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const parsed = load().then((xml) => parseGenericode(xml, source));
    this.remember(key, parsed);
    parsed.catch(() => {
      if (this.entries.get(key) === parsed) this.entries.delete(key);
    });
    return parsed;
  }

  /** Keeps a list that was parsed anyway (e.g. at upload). */
  set(key: string, list: CodeList): void {
    this.remember(key, Promise.resolve(list));
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  private remember(key: string, list: Promise<CodeList>): void {
    this.entries.delete(key);
    this.entries.set(key, list);
    while (this.entries.size > this.capacity) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }
}
