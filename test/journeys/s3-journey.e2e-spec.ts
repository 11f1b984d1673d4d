/**
 * The demo journey with FILE_STORE=s3 for intake, accounts and routing, against the local stack's real
 * S3-compatible server (SeaweedFS): the proof of residence goes into intake's objects, routing fetches it
 * through an S3 presigned URL from `submission.ready`, the Bescheid goes into routing's objects, accounts
 * fetches it through an S3 presigned URL from `routing.reply` and keeps it in its own objects. The
 * whole journey suite runs this way with `FILE_STORE=s3` in the environment; this one spec keeps it in CI.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { routingReplyV1, submissionReadyV1, TOPICS } from '@amtsbote/contracts';
import { S3FileStore } from '@amtsbote/platform';
import {
  EventRecorder,
  S3_ACCESS_KEY_ID,
  S3_BUCKET,
  S3_REGION,
  S3_SECRET_ACCESS_KEY,
  s3Endpoint,
} from '@amtsbote/testing';
import { Client } from 'pg';
import { type JourneyResult, PAID_AND_COMPLETED, seedDemo, walkCitizen } from './journey';
import { startSystem, type System } from './system';

describe('the demo journey with every file in S3 (SeaweedFS)', () => {
  let sys: System;
  let recorder: EventRecorder;
  let result: JourneyResult;

  before(async () => {
    sys = await startSystem({ label: 's3_journey', fileStore: 's3' });
    recorder = await EventRecorder.start(sys.topicPrefix, [TOPICS.submission, TOPICS.routing]);
  });

  after(async () => {
    await recorder?.stop();
    await sys?.stop();
  });

  const storeOf = (service: 'intake' | 'accounts' | 'routing') =>
    new S3FileStore({
      endpoint: s3Endpoint(),
      region: S3_REGION,
      bucket: S3_BUCKET,
      prefix: sys.envOf(service).FILE_STORE_S3_PREFIX,
      credentials: { accessKeyId: S3_ACCESS_KEY_ID, secretAccessKey: S3_SECRET_ACCESS_KEY },
      forcePathStyle: true,
    });

  const query = async <T>(sql: string): Promise<T[]> => {
    const client = new Client({ connectionString: sys.db.url });
    await client.connect();
    try {
      return (await client.query(sql)).rows as T[];
    } finally {
      await client.end();
    }
  };

  it('anna applies, pays, and gets her Bescheid, with the files kept in S3', async () => {
    await seedDemo(sys.targets, () => undefined);
    result = await walkCitizen(sys.targets, () => undefined);
    assert.deepEqual(
      result.intakeTimeline.map((e) => e.status),
      PAID_AND_COMPLETED,
    );
    const received = sys.fvSim.received.get(result.messageId);
    assert.ok(received, 'the Fachverfahren has the message');
    assert.equal(received.validation.valid, true, received.validation.problems.join('\n'));
    assert.ok([...(received.zipEntries?.keys() ?? [])].some((n) => n.endsWith('meldebescheinigung.pdf')));
    assert.equal(result.postkorbStatus, 'COMPLETED');
    assert.match(result.bescheid.mediaType, /^application\/pdf/);
    assert.ok(result.bescheid.bytes > 100);
  });

  it('intake kept the attachment as an object, and routing fetched it through a presigned S3 URL', async () => {
    assert.ok(result, 'the journey ran');
    const [attachment] = await query<{ storage_key: string; size: string }>(
      `SELECT storage_key, size FROM intake.attachments WHERE submission_id = '${result.submissionId}'`,
    );
    const intakeStore = storeOf('intake');
    try {
      const stream = await intakeStore.get(attachment.storage_key);
      assert.ok(stream, 'the attachment is an object under intake’s prefix');
      let size = 0;
      for await (const chunk of stream) size += (chunk as Buffer).length;
      assert.equal(size, Number(attachment.size));
    } finally {
      intakeStore.close();
    }
    assert.equal(existsSync(join(sys.dir, 'intake')), false, 'nothing on intake’s filesystem');
    // What routing fetched the attachment through (and the Fachverfahren got it, see above).
    const [ready] = recorder.ofType(submissionReadyV1, result.submissionId);
    const url = new URL(ready.data.attachments[0].url);
    assert.equal(url.origin, s3Endpoint());
    assert.ok(url.searchParams.has('X-Amz-Signature'), 'a SigV4 presigned URL');
  });

  it('routing kept the Bescheid as an object, and accounts fetched it through a presigned S3 URL', async () => {
    assert.ok(result, 'the journey ran');
    const [reply] = recorder.ofType(routingReplyV1, result.submissionId);
    assert.ok(reply, 'routing.reply was published');
    const [file] = reply.data.attachments;
    const url = new URL(file.url);
    assert.equal(url.origin, s3Endpoint());
    assert.ok(url.searchParams.has('X-Amz-Signature'), 'a SigV4 presigned URL');
    const [row] = await query<{ in_store: boolean; empty: boolean }>(
      `SELECT in_store, content IS NULL AS empty FROM routing.file WHERE id = '${file.fileId}'`,
    );
    assert.deepEqual(row, { in_store: true, empty: true }, 'no bytes in routing’s database');
    const routingStore = storeOf('routing');
    try {
      assert.ok(await routingStore.get(file.fileId), 'the Bescheid is an object under routing’s prefix');
    } finally {
      routingStore.close();
    }
  });

  it('accounts keeps its copy of the Bescheid as an object', async () => {
    assert.ok(result, 'the journey ran');
    const files = await query<{ id: string; size: string }>(
      `SELECT f.id, f.size FROM accounts.files f WHERE f.message_id = '${result.bescheid.messageId}'`,
    );
    assert.equal(files.length, 1);
    const accountsStore = storeOf('accounts');
    try {
      assert.ok(await accountsStore.get(files[0].id), 'the Bescheid is an object under accounts’ prefix');
    } finally {
      accountsStore.close();
    }
    assert.equal(existsSync(join(sys.dir, 'accounts')), false, 'nothing on accounts’ filesystem');
  });
});
