import type { Readable } from 'node:stream';
import { Writable } from 'node:stream';
import type { FileStore, StoredFile } from './file-store';
import { FilesystemFileStore } from './filesystem-file-store';
import { meteredWrite } from './metered';

export interface CopyReport {
  /** Written to the target and read back with the source's size and SHA-512. */
  copied: number;
  /** In the target with the same size and SHA-512 already (an earlier, perhaps interrupted, run). */
  skipped: number;
  /** Bytes of the copied files. */
  bytes: number;
  failed: Array<{ key: string; error: string }>;
}

/** Size and SHA-512 of a stream, read to its end (nothing kept). */
async function digest(stream: Readable): Promise<StoredFile> {
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
  return meteredWrite(stream, discard);
}

async function digestIn(store: FileStore, key: string): Promise<StoredFile | undefined> {
  const stream = await store.get(key);
  return stream ? digest(stream) : undefined;
}

const same = (a: StoredFile | undefined, b: StoredFile) =>
  a !== undefined && a.size === b.size && a.sha512 === b.sha512;

async function copyOne(
  source: FileStore,
  target: FileStore,
  key: string,
): Promise<'skipped' | 'gone' | StoredFile> {
  const original = await digestIn(source, key);
  if (!original) return 'gone';
  if (same(await digestIn(target, key), original)) return 'skipped';
  const content = await source.get(key);
  if (!content) return 'gone';
  await target.put(key, content);
  const copy = await digestIn(target, key);
  if (!same(copy, original)) {
    throw new Error(
      `the copy reads back as ${copy ? `${copy.size} bytes, sha512 ${copy.sha512.slice(0, 16)}…` : 'missing'}` +
        `, the original has ${original.size} bytes, sha512 ${original.sha512.slice(0, 16)}…`,
    );
  }
  return original;
}

/**
 * Copies every file of a filesystem store (`dir`, the layout of {@link FilesystemFileStore}) into `target`
 * under the same key, and reads each copy back to check its size and SHA-512 against the original. A key
 * the target holds with the same size and SHA-512 already is skipped, so the command can run again after an
 * interruption or to pick up files written meanwhile; a different object under the key is overwritten.
 * Nothing is deleted: remove the directory once the services run on the new store.
 */
export async function copyFilesystemStore(
  dir: string,
  target: FileStore,
  log: (line: string) => void = () => undefined,
): Promise<CopyReport> {
  const source = new FilesystemFileStore(dir);
  const report: CopyReport = { copied: 0, skipped: 0, bytes: 0, failed: [] };
  for await (const key of source.keys()) {
    try {
      const outcome = await copyOne(source, target, key);
      if (outcome === 'skipped') report.skipped++;
      else if (typeof outcome === 'object') {
        report.copied++;
        report.bytes += outcome.size;
        log(`copied ${key} (${outcome.size} bytes, sha512 ${outcome.sha512.slice(0, 16)}…)`);
      }
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      report.failed.push({ key, error });
      log(`FAILED ${key}: ${error}`);
    }
  }
  return report;
}
