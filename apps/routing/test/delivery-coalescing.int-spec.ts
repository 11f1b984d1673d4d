import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { routingDeliveredV1, routingRoutedV1, TOPICS } from '@amtsbote/contracts';
import { eventually, EventRecorder } from '@amtsbote/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { type Claim, DeliveryRepository } from '../src/delivery/delivery.repository';
import { RoutingEvents } from '../src/messages/routing-events';
import {
  destinationBody,
  publishBlaueKarte,
  publishReady,
  registerDestination,
  type RoutingUnderTest,
  startRouting,
  tokens,
} from './harness';

// The delivery worker's steps of messages in flight at once share one statement per step (attachments read,
// build recorded, push recorded). Here the worker is off and the steps are taken by hand, concurrently, so
// the batches are known: the first call runs alone at once, the calls made meanwhile run together next.
describe('delivery steps of concurrent messages: one statement each, every message guarded on its own', () => {
  let r: RoutingUnderTest;
  let recorder: EventRecorder;
  let repo: DeliveryRepository;
  let events: RoutingEvents;
  /** SQL of the statements the service ran since the last `reset`. */
  let statements: string[] = [];
  const ARS = '77';

  before(async () => {
    r = await startRouting('coalesce', { ROUTING_WORKER_ENABLED: 'false' });
    recorder = await EventRecorder.start(r.topicPrefix, [TOPICS.routing]);
    await publishBlaueKarte(r.topicPrefix);
    const admin = await tokens.admin();
    await registerDestination(
      r.url,
      admin,
      destinationBody({
        id: 'hb-coalesce',
        format: 'fim-xml',
        channel: 'http-push',
        endpointUrl: 'http://127.0.0.1:9/in',
      }),
      ARS,
    );
    repo = r.svc.app.get(DeliveryRepository);
    events = r.svc.app.get(RoutingEvents);
    const ds = r.svc.app.get<DataSource>(getDataSourceToken());
    const query = ds.query.bind(ds);
    ds.query = ((sql: string, params?: unknown[]) => {
      statements.push(sql);
      return query(sql, params);
    }) as DataSource['query'];
  });

  after(async () => {
    await recorder?.stop();
    await r?.close();
  });

  const count = (marker: string) => statements.filter((s) => s.includes(marker)).length;

  it('reads, records builds and records pushes of three messages in two statements per step', async () => {
    const ready = [];
    for (let i = 0; i < 3; i++) {
      const fileId = randomUUID();
      ready.push(
        await publishReady(r.topicPrefix, {
          ars: `${ARS}${'0'.repeat(10)}`,
          attachments: [
            {
              fileId,
              filename: `nachweis-${i}.pdf`,
              mediaType: 'application/pdf',
              size: 4,
              sha512: createHash('sha512').update(`pdf${i}`).digest('hex'),
              url: `http://127.0.0.1:9/files/${fileId}`,
              urlExpiresAt: new Date(Date.now() + 600_000).toISOString(),
            },
          ],
        }),
      );
    }
    const ids = ready.map((d) => d.submissionId);
    await eventually(
      async () => {
        const rows = await r.sql.query(
          `SELECT count(*)::int AS n FROM routing.message WHERE submission_id = ANY($1) AND state = 'BUILDING'`,
          [ids],
        );
        return rows[0].n === 3 ? true : undefined;
      },
      { what: 'three messages to build' },
    );
    const claims: Claim[] = await repo.claimDue(3, 60_000);
    assert.equal(claims.length, 3);
    assert.ok(claims.every((c) => c.d?.id === 'hb-coalesce'));

    statements = [];
    const attachments = await Promise.all(claims.map((c) => repo.attachments(c.m.id)));
    assert.deepEqual(
      attachments.map((a) => a.map((x) => [x.messageId, x.filename])),
      claims.map((c) => [[c.m.id, `nachweis-${ids.indexOf(c.m.submissionId)}.pdf`]]),
    );
    assert.equal(count('FROM routing.message_attachment WHERE message_id = ANY'), 2);

    // The third is stale (another worker's claim): its build must not be recorded, nor its event written.
    statements = [];
    const built = await Promise.all(
      claims.map((c, i) =>
        repo.markBuilt(
          c.m.id,
          i === 2 ? c.m.attempts + 1 : c.m.attempts,
          {
            payload: Buffer.from(`<antrag n="${i}"/>`),
            payloadFilename: 'antrag.xml',
            payloadMediaType: 'application/xml',
            payloadSize: 16,
            payloadSha512: 'a'.repeat(128),
            metadata: null,
            encrypted: false,
            attachments: attachments[i].map((a) => ({
              attachmentId: a.attachmentId,
              content: Buffer.from(`pdf${i}`),
            })),
          },
          'SENDING',
          { format: 'fim-xml', channel: 'http-push' },
          {
            leaseMs: 60_000,
            fetched: new Set(attachments[i].map((a) => a.attachmentId)),
            events: [events.routedEvent(c.m, c.d!)],
          },
        ),
      ),
    );
    assert.deepEqual(built, [true, true, false]);
    assert.equal(count('WITH b AS'), 2);
    const rows = await r.sql.query<
      Array<{
        id: string;
        state: string;
        attempts: number;
        payload: Buffer | null;
        content: Buffer | null;
        source_url: string | null;
      }>
    >(
      `SELECT m.id, m.state, m.attempts, m.payload, a.content, a.source_url
       FROM routing.message m JOIN routing.message_attachment a ON a.message_id = m.id WHERE m.id = ANY($1)`,
      [claims.map((c) => c.m.id)],
    );
    const byId = new Map(rows.map((x) => [x.id, x]));
    for (const [i, c] of claims.entries()) {
      const row = byId.get(c.m.id)!;
      if (i < 2) {
        assert.equal(row.state, 'SENDING');
        assert.equal(row.attempts, 1);
        assert.equal(row.payload?.toString(), `<antrag n="${i}"/>`);
        assert.equal(row.content?.toString(), `pdf${i}`, 'the attachment as built, with the message');
        assert.equal(row.source_url, null, 'fetched: routing holds it now');
      } else {
        assert.equal(row.state, 'BUILDING', 'the stale claim changed nothing');
        assert.equal(row.payload, null);
        assert.equal(row.content, null);
        assert.notEqual(row.source_url, null);
      }
    }

    // Pushes: the two sent ones are recorded together; the third is not SENDING and stays as it is.
    statements = [];
    const pushed = await Promise.all(
      claims.map((c) => repo.markPushed(c.m.id, 1, [events.deliveredEvent(c.m, c.d!)])),
    );
    assert.deepEqual(pushed, [true, true, false]);
    assert.equal(count('WITH pushed AS'), 2);

    const subjects = claims.map((c) => c.m.submissionId);
    await eventually(
      async () =>
        recorder.ofType(routingDeliveredV1, subjects[1]).length === 1 &&
        recorder.ofType(routingRoutedV1, subjects[1]).length === 1
          ? true
          : undefined,
      { what: 'the events of the recorded steps' },
    );
    assert.equal(recorder.ofType(routingRoutedV1, subjects[0]).length, 1);
    assert.equal(recorder.ofType(routingDeliveredV1, subjects[0]).length, 1);
    assert.equal(recorder.ofType(routingRoutedV1, subjects[2]).length, 0, 'no event for a step not taken');
    assert.equal(recorder.ofType(routingDeliveredV1, subjects[2]).length, 0);
  });
});
