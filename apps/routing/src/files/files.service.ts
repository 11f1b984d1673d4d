import { Readable } from 'node:stream';
import { FILE_STORE, FileLinks, type FileStore } from '@amtsbote/platform';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { FilesRepository, type StoredFile } from './files.repository';

/** Files purged per round (each one delete in the store, then one UPDATE for the round). */
const PURGE_BATCH = 500;

/**
 * The files of replies (Bescheide): bytes in the platform's file store under the file's id, descriptions in
 * `routing.file`. Other services fetch them through short-lived links — presigned by the object store when it
 * has them, else routing's own `/files/<id>` URL (HMAC over id and expiry): whoever has the URL may fetch the
 * file until it expires, without a token — what accounts needs to copy a Bescheid once.
 */
@Injectable()
export class FilesService {
  constructor(
    private readonly repository: FilesRepository,
    @Inject(FILE_STORE) private readonly store: FileStore,
    private readonly links: FileLinks,
  ) {}

  async signedUrl(f: StoredFile, now = Date.now()): Promise<{ url: string; expiresAt: string }> {
    const signed = await this.links.link(
      { id: f.id, key: f.id, filename: f.filename, mediaType: f.mediaType },
      new Date(now),
    );
    return { url: signed.url, expiresAt: signed.expiresAt.toISOString() };
  }

  verify(id: string, expires: string | undefined, signature: string | undefined, now = Date.now()): boolean {
    return this.links.verify(id, expires, signature, new Date(now)) === 'valid';
  }

  /**
   * Puts the bytes of new files into the store, before the transaction that records them, so a recorded
   * file always has its bytes. When that transaction records nothing, {@link discard} them.
   */
  async keep(files: ReadonlyArray<{ id: string; mediaType: string; content: Buffer }>): Promise<void> {
    for (const f of files) {
      await this.store.put(f.id, Readable.from([f.content]), { mediaType: f.mediaType });
    }
  }

  async discard(ids: readonly string[]): Promise<void> {
    for (const id of ids) await this.store.delete(id);
  }

  /** Records a file kept with {@link keep}, in the caller's transaction. */
  record(manager: EntityManager, f: StoredFile): Promise<void> {
    return this.repository.insert(manager, f);
  }

  /** The file and its bytes, or undefined when unknown or purged. */
  async open(id: string): Promise<{ file: StoredFile; content: Buffer | Readable } | undefined> {
    const found = await this.repository.find(id);
    if (found === undefined || found.purged) return undefined;
    const { file, legacyContent, inStore } = found;
    // Written before the file store: the bytes are still in the row.
    if (legacyContent !== null) return { file, content: legacyContent };
    const content = inStore ? await this.store.get(id) : undefined;
    return content ? { file, content } : undefined;
  }

  /** The files of a reply, described. */
  ofReply(replyId: string): Promise<StoredFile[]> {
    return this.repository.ofReply(replyId);
  }

  /**
   * Removes the bytes of files created before `before` — from the store first, then marks the rows purged,
   * so a purge interrupted half-way is finished by the next run; how many files were purged.
   */
  async purge(before: Date): Promise<number> {
    let purged = 0;
    for (;;) {
      const due = await this.repository.purgeable(before, PURGE_BATCH);
      for (const f of due) if (f.inStore) await this.store.delete(f.id);
      purged += await this.repository.markPurged(due.map((f) => f.id));
      if (due.length < PURGE_BATCH) return purged;
    }
  }
}
