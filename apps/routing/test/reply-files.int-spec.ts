/**
 * The files of replies (Bescheide) in the platform's file store, on both backends (the filesystem, and the
 * local stack's real SeaweedFS over S3): the database keeps their description only, accounts gets a link the
 * store or routing serves, a file written into the database before the store (migration 1732600000000) is
 * still served, and the retention purge removes the bytes of both kinds.
 */
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { routingReplyV1, routingRoutedV1, TOPICS } from '@amtsbote/contracts';
import { type FileStore, FilesystemFileStore, UrlSigner } from '@amtsbote/platform';
import { eventually, EventRecorder, s3Endpoint, s3ServiceEnv, testS3Store } from '@amtsbote/testing';
import { Client } from 'pg';
import {
  api,
  destinationBody,
  LEIKA,
  publishBlaueKarte,
  publishReady,
  type RoutingUnderTest,
  startRouting,
  tokens,
} from './harness';

const FILE_SECRET = 'routing-file-url-secret-of-the-reply-files-spec-0123';
const sha512 = (b: Buffer) => createHash('sha512').update(b).digest('hex');

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

for (const kind of ['filesystem', 's3'] as const) {
  describe(`files of replies in the file store (${kind})`, () => {
    let r: RoutingUnderTest;
    let dir: string;
    let storeEnv: Record<string, string>;
    let store: FileStore;
    let recorder: EventRecorder;
    let hbToken: string;
    let messageId: string;
    let submissionId: string;
    let reply: { replyId: string; fileId: string };
    const pdf = Buffer.from('%PDF-1.4 Bescheid über den Bewohnerparkausweis '.repeat(40));

    const sql = async <T>(text: string, params: unknown[] = []): Promise<T[]> => {
      const client = new Client({ connectionString: r.db.url });
      await client.connect();
      try {
        return (await client.query(text, params)).rows as T[];
      } finally {
        await client.end();
      }
    };
    const ownUrl = (fileId: string) => new UrlSigner(FILE_SECRET).sign(r.url, fileId, 600).url;
    /** The Fachverfahren posts a Bescheid with one attachment. */
    const postBescheid = (replyId: string, filename: string, content: Buffer) =>
      api<{ recorded: boolean; fileIds: string[] }>(
        r.url,
        'POST',
        `/fachverfahren/messages/${messageId}/replies`,
        hbToken,
        {
          replyId,
          kind: 'BESCHEID',
          subject: 'Bescheid',
          body: 'Anbei Ihr Bescheid.',
          attachments: [{ filename, mediaType: 'application/pdf', content: content.toString('base64') }],
        },
      );

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'amtsbote-routing-files-'));
      storeEnv = kind === 's3' ? s3ServiceEnv('routing-reply-files') : { ROUTING_STORAGE_DIR: dir };
      r = await startRouting(`files_${kind}`, { ...storeEnv, ROUTING_FILE_URL_SECRET: FILE_SECRET });
      store = kind === 's3' ? testS3Store('routing-reply-files', storeEnv) : new FilesystemFileStore(dir);
      recorder = await EventRecorder.start(r.topicPrefix, [TOPICS.routing]);
      hbToken = await tokens.client('fv-bremen-parken');
      await publishBlaueKarte(r.topicPrefix);
      const admin = await tokens.admin('hb-routing-admin');
      const destination = await api(
        r.url,
        'POST',
        '/destinations',
        admin,
        destinationBody({ id: 'hb-bewohnerparken', format: 'fim-xml', channel: 'pull' }),
      );
      assert.equal(destination.status, 201, destination.text);
      const route = await api(r.url, 'POST', '/routes', admin, {
        leikaKey: LEIKA,
        ars: null,
        destinationId: 'hb-bewohnerparken',
      });
      assert.equal(route.status, 201, route.text);
      submissionId = (await publishReady(r.topicPrefix)).submissionId;
      const routed = await eventually(async () => recorder.ofType(routingRoutedV1, submissionId)[0], {
        what: 'routed',
      });
      messageId = routed.data.messageId;
      await eventually(
        async () =>
          (await api(r.url, 'GET', `/fachverfahren/messages/${messageId}`, hbToken)).status === 200 ||
          undefined,
        { what: 'in the mailbox' },
      );
      const accepted = await api<{ state: string }>(
        r.url,
        'POST',
        `/fachverfahren/messages/${messageId}/accept`,
        hbToken,
      );
      assert.deepEqual([accepted.status, accepted.body.state], [200, 'DELIVERED']);
    });

    after(async () => {
      await recorder?.stop();
      await store?.close?.();
      await r?.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('keeps a Bescheid’s file in the store, not in the database, behind the link routing.reply carries', async () => {
      const replyId = randomUUID();
      const posted = await postBescheid(replyId, 'Bescheid.pdf', pdf);
      assert.equal(posted.status, 200, posted.text);
      assert.equal(posted.body.recorded, true);
      const [fileId] = posted.body.fileIds;
      reply = { replyId, fileId };

      const [row] = await sql<{ empty: boolean; in_store: boolean }>(
        `SELECT content IS NULL AS empty, in_store FROM routing.file WHERE id = $1`,
        [fileId],
      );
      assert.deepEqual(row, { empty: true, in_store: true });
      const kept = await store.get(fileId);
      assert.ok(kept, 'the bytes are in the store under the file id');
      assert.equal(sha512(await bytesOf(kept)), sha512(pdf));

      const event = await eventually(async () => recorder.ofType(routingReplyV1, submissionId)[0], {
        what: 'routing.reply',
      });
      const link = new URL(event.data.attachments[0].url);
      if (kind === 's3') {
        assert.equal(link.origin, s3Endpoint(), 'presigned by the object store');
        assert.ok(link.searchParams.has('X-Amz-Signature'));
      } else {
        assert.equal(link.origin + link.pathname, `${r.url}/files/${fileId}`);
      }
      const download = await fetch(link);
      assert.equal(download.status, 200);
      assert.deepEqual(Buffer.from(await download.arrayBuffer()), pdf);

      // The Fachverfahren repeats the reply with another file: nothing new is recorded, nor kept.
      const again = await postBescheid(replyId, 'Anderes.pdf', Buffer.from('%PDF-1.4'));
      assert.deepEqual([again.status, again.body.recorded, again.body.fileIds], [200, false, [fileId]]);
      if (store instanceof FilesystemFileStore) {
        const keys: string[] = [];
        for await (const key of store.keys()) keys.push(key);
        assert.deepEqual(keys, [fileId], 'the repeated attempt’s file was discarded');
      }
    });

    it('serves a file the database kept before the store, and purges both after the retention time', async () => {
      assert.ok(reply, 'the Bescheid was posted');
      const legacy = { id: randomUUID(), content: Buffer.from('%PDF-1.4 alter Bescheid') };
      await sql(
        `INSERT INTO routing.file (id, reply_id, filename, media_type, size, sha512, content)
         VALUES ($1, $2, 'Alt.pdf', 'application/pdf', $3, $4, $5)`,
        [legacy.id, reply.replyId, legacy.content.length, sha512(legacy.content), legacy.content],
      );
      const old = await fetch(ownUrl(legacy.id));
      assert.equal(old.status, 200);
      assert.equal(old.headers.get('x-content-sha512'), sha512(legacy.content));
      assert.deepEqual(Buffer.from(await old.arrayBuffer()), legacy.content);
      // routing's own URL serves a file of the store too (FILE_STORE_PRESIGNED_URLS=false, or the filesystem).
      const own = await fetch(ownUrl(reply.fileId));
      assert.equal(own.status, 200);
      assert.equal(own.headers.get('content-length'), String(pdf.length));
      assert.deepEqual(Buffer.from(await own.arrayBuffer()), pdf);

      await sql(`UPDATE routing.file SET created_at = now() - interval '400 days' WHERE reply_id = $1`, [
        reply.replyId,
      ]);
      await eventually(
        async () => {
          const [left] = await sql<{ n: number }>(
            `SELECT count(*)::int AS n FROM routing.file WHERE reply_id = $1 AND purged_at IS NULL`,
            [reply.replyId],
          );
          return left.n === 0 || undefined;
        },
        { what: 'purged' },
      );
      assert.equal(await store.get(reply.fileId), undefined, 'the store no longer has the bytes');
      const [row] = await sql<{ empty: boolean }>(
        `SELECT content IS NULL AS empty FROM routing.file WHERE id = $1`,
        [legacy.id],
      );
      assert.equal(row.empty, true, 'the legacy row no longer has its bytes');
      for (const id of [legacy.id, reply.fileId]) {
        const gone = await fetch(ownUrl(id));
        assert.equal(gone.status, 404);
        await gone.body?.cancel();
      }
    });
  });
}
