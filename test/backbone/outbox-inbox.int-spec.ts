import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { TOPICS } from '@amtsbote/contracts';
import type { CloudEvent } from '@amtsbote/messaging';
import { InboxPruner, readHeader } from '@amtsbote/messaging';
import { eventually, KAFKA_BROKERS } from '@amtsbote/testing';
import { register } from 'prom-client';
import { BackboneFixture, SCHEMA, testEvent } from './backbone-fixture';

type Payload = { n: number; note: string };

async function recordEffect(
  event: CloudEvent,
  ctx: { manager: { query(q: string, p: unknown[]): Promise<unknown> } },
) {
  const data = event.data as Payload;
  if (data.note === 'poison') throw new Error('cannot handle poison');
  await ctx.manager.query(`INSERT INTO ${SCHEMA}.effects (event_id, n) VALUES ($1, $2)`, [event.id, data.n]);
}

/** The sum of a counter of this process over the series whose labels include `labels`. */
async function counterSum(name: string, labels: Record<string, string>): Promise<number> {
  const values = (await register.getSingleMetric(name)?.get())?.values ?? [];
  return values
    .filter((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want))
    .reduce((sum, v) => sum + v.value, 0);
}

const duplicatesSeen = (group: string) => counterSum('amtsbote_events_duplicate_total', { group });

describe('outbox → Kafka → inbox (real broker, real PostgreSQL)', () => {
  const f = new BackboneFixture();
  before(() => f.setUp('outbox'));
  after(() => f.tearDown());

  it('publishes an event of a committed transaction and nothing of a rolled-back one', async () => {
    await f.consumer(recordEffect);
    const relay = f.relay({ signal: f.signal });
    relay.start();
    f.track(relay);
    const committed = await f.emit(1);
    await assert.rejects(
      f.dataSource.transaction(async (m) => {
        await f.writer.add(m, { contract: testEvent, subject: 'k1', data: { n: 2, note: 'ok' } });
        throw new Error('business rule failed');
      }),
      /business rule failed/,
    );
    const after1 = await f.emit(3);
    const effects = await eventually(
      async () => {
        const e = await f.effects();
        return e.length >= 2 ? e : undefined;
      },
      { what: 'both committed events handled' },
    );
    assert.deepEqual(
      effects.map((e) => e.n),
      [1, 3],
    );
    assert.deepEqual(new Set(effects.map((e) => e.event_id)), new Set([committed, after1]));
    const left = await f.dataSource.query<Array<{ c: number }>>(
      `SELECT count(*)::int AS c FROM ${SCHEMA}.outbox`,
    );
    assert.equal(left[0].c, 0, 'published rows leave the outbox');
    await relay.stop();
  });

  it('publishes a backlog larger than the broker takes in one batch (1 MiB per partition)', async () => {
    await f.consumer(recordEffect);
    // 1200 events of ~2.5 KB under one key (one partition): ~3 MB, three times what one batch may carry.
    const note = 'x'.repeat(2500);
    await f.dataSource.transaction((m) =>
      f.writer.addMany(
        m,
        Array.from({ length: 1200 }, (_, i) => ({
          contract: testEvent,
          subject: 'backlog',
          data: { n: 1000 + i, note },
        })),
      ),
    );
    const relay = f.relay();
    relay.start();
    f.track(relay);
    const effects = await eventually(
      async () => {
        const e = (await f.effects()).filter((x) => x.n >= 1000);
        return e.length >= 1200 ? e : undefined;
      },
      { what: 'all 1200 events handled', timeoutMs: 60_000 },
    );
    assert.deepEqual(
      effects.map((e) => e.n).sort((a, b) => a - b),
      Array.from({ length: 1200 }, (_, i) => 1000 + i),
    );
    await relay.stop();
  });

  it('rejects an event that does not match its contract before it reaches the outbox', async () => {
    await assert.rejects(
      f.dataSource.transaction((m) =>
        f.writer.add(m, {
          contract: testEvent,
          subject: 'k1',
          data: { n: 'x', note: 'ok' } as unknown as Payload,
        }),
      ),
      /does not match its contract/,
    );
  });
});

describe('offset commits and sessions', () => {
  const f = new BackboneFixture();
  before(() => f.setUp('offsets'));
  after(() => f.tearDown());

  it('keeps its group session through a chunk that takes longer than the session', async () => {
    const group = `${f.prefix}slow-group`;
    const handled: string[] = [];
    await f.consumer(
      async (event) => {
        // Longer than the session (6 s, the broker's minimum) without returning to kafkajs.
        if ((event.data as Payload).note === 'slow') await new Promise((r) => setTimeout(r, 9000));
        handled.push(event.id);
      },
      { groupId: group, sessionTimeoutMs: 6000 },
    );
    const relay = f.relay();
    const slow = await f.emit(1, 'slow', 'k-slow');
    await relay.runOnce();
    await eventually(async () => (handled.includes(slow) ? true : undefined), {
      what: 'the slow event handled',
      timeoutMs: 30_000,
    });
    const next = await f.emit(2, 'ok', 'k-slow');
    await relay.runOnce();
    await eventually(async () => (handled.includes(next) ? true : undefined), { what: 'the next event' });
    // Dropped from the group, the member would have rejoined and got the slow event again from the last
    // committed offset (the inbox drops the copy, the counter shows it).
    assert.equal(await duplicatesSeen(group), 0, 'no redelivery after a lost session');
    assert.deepEqual(handled, [slow, next]);
  });

  it('commits offsets on an interval, not per batch, and all of them when the consumer stops', async () => {
    const group = `${f.prefix}group`;
    const topic = f.prefix + TOPICS.diagnostics;
    const commits = () =>
      counterSum('amtsbote_kafka_requests_total', { client: 'consumer', api: 'OffsetCommit' });
    const seen = new Set<string>();
    const consumer = await f.consumer(
      async (event) => {
        seen.add(event.id);
      },
      { groupId: group },
    );
    const relay = f.relay();
    const before = await commits();
    // One event at a time, each its own relay batch and so its own fetch and chunk at the consumer.
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      ids.push(await f.emit(1000 + i, 'ok', `k-interval-${i % 4}`));
      await relay.runOnce();
      await new Promise((r) => setTimeout(r, 40));
    }
    await eventually(async () => (ids.every((id) => seen.has(id)) ? true : undefined), {
      what: 'all 40 events handled',
    });
    const sent = (await commits()) - before;
    // The only consumer of this process now; committing per batch, it sent one for each of the 40 events.
    assert.ok(sent < 20, `${sent} OffsetCommit requests for 40 single-event batches`);
    await consumer.stop();
    const admin = f.kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      const used = ends.filter((end) => end.high !== '0');
      assert.ok(used.length > 0);
      for (const end of used) {
        const at = committed.partitions.find((p) => p.partition === end.partition)?.offset;
        assert.equal(at, end.high, `partition ${end.partition}: committed ${at}, end ${end.high}`);
      }
    } finally {
      await admin.disconnect();
    }
  });
});

describe('crashes between publish and mark, and between effect and offset commit', () => {
  const f = new BackboneFixture();
  before(() => f.setUp('crash'));
  after(() => f.tearDown());

  it('a relay that dies after Kafka acknowledged but before marking re-publishes; the effect happens once', async () => {
    const group = `${f.prefix}group`;
    const consumer = await f.consumer(recordEffect, { groupId: group });
    const id = await f.emit(10);
    const crashing = f.relay({
      afterPublish: () => {
        throw new Error('simulated crash after publish');
      },
    });
    await assert.rejects(crashing.runOnce(), /simulated crash/);
    const pending = await f.dataSource.query<Array<{ c: number }>>(
      `SELECT count(*)::int AS c FROM ${SCHEMA}.outbox`,
    );
    assert.equal(pending[0].c, 1, 'the row stays unpublished after the crash');
    const restarted = f.relay();
    assert.equal(await restarted.runOnce(), 1);
    const onWire = await f.readTopic(f.prefix + 'amtsbote.diagnostics.v1', 2);
    assert.equal(onWire.filter((m) => readHeader(m.headers, 'ce_id') === id).length, 2, 'published twice');
    await eventually(async () => ((await duplicatesSeen(group)) >= 1 ? true : undefined), {
      what: 'inbox drop of the copy',
    });
    const effects = (await f.effects()).filter((e) => e.event_id === id);
    assert.equal(effects.length, 1, 'effect exactly once');
    await consumer.stop();
  });

  it('a consumer that dies after its effect but before the offset commit: the redelivery changes nothing', async () => {
    const group = `${f.prefix}crashing-group`;
    let crashed = false;
    const first = await f.consumer(recordEffect, {
      groupId: group,
      afterCommit: (ids) => {
        if (!crashed && ids.length > 0) {
          crashed = true;
          throw new Error('simulated consumer crash before offset commit');
        }
      },
    });
    const id = await f.emit(20, 'ok', 'k-crash');
    await f.relay().runOnce();
    await eventually(async () => (crashed ? true : undefined), { what: 'the crash' });
    await first.stop();
    const before = await duplicatesSeen(group);
    await f.consumer(recordEffect, { groupId: group });
    await eventually(async () => ((await duplicatesSeen(group)) > before ? true : undefined), {
      what: 'the redelivered event dropped by the inbox',
    });
    const effects = (await f.effects()).filter((e) => e.event_id === id);
    assert.equal(effects.length, 1, 'effect exactly once');
  });
});

describe('poison messages', () => {
  const f = new BackboneFixture();
  before(() => f.setUp('poison'));
  after(() => f.tearDown());

  it('go to the dead-letter topic after the retries, with provenance, without blocking their partition', async () => {
    const group = `${f.prefix}group`;
    await f.consumer(recordEffect, { groupId: group });
    const poisonId = await f.emit(100, 'poison', 'same-key');
    for (let i = 1; i <= 5; i++) await f.emit(100 + i, 'ok', 'same-key');
    const relay = f.relay();
    await relay.runOnce();
    // The five good events behind the poison one (same key, so same partition) are handled.
    const good = await eventually(
      async () => {
        const e = await f.effects();
        return e.length === 5 ? e : undefined;
      },
      { what: 'the events behind the poison message', timeoutMs: 15000 },
    );
    assert.deepEqual(
      good.map((e) => e.n),
      [101, 102, 103, 104, 105],
    );
    const [dead] = await f.readTopic(f.dlt(), 1, 20000);
    assert.ok(dead, 'poison message reached the DLT');
    assert.equal(readHeader(dead.headers, 'ce_id'), poisonId);
    assert.equal(readHeader(dead.headers, 'x-original-topic'), f.prefix + 'amtsbote.diagnostics.v1');
    assert.match(readHeader(dead.headers, 'x-original-partition') ?? '', /^\d+$/);
    assert.match(readHeader(dead.headers, 'x-original-offset') ?? '', /^\d+$/);
    assert.equal(readHeader(dead.headers, 'x-dlt-attempts'), '2');
    assert.equal(readHeader(dead.headers, 'x-dlt-group'), group);
    assert.match(readHeader(dead.headers, 'x-dlt-reason') ?? '', /cannot handle poison/);
    assert.equal(
      (await f.effects()).some((e) => e.event_id === poisonId),
      false,
    );
  });

  it('a message that is not a CloudEvent goes straight to the dead-letter topic', async () => {
    await f.producer.send({
      topic: f.prefix + 'amtsbote.diagnostics.v1',
      messages: [{ key: 'x', value: 'not json', headers: { ce_type: 'de.amtsbote.test.happened.v1' } }],
    });
    const dead = await f.readTopic(f.dlt(), 2, 15000);
    const malformed = dead.find((m) => (readHeader(m.headers, 'x-dlt-reason') ?? '').startsWith('malformed'));
    assert.ok(malformed, 'malformed message dead-lettered');
    assert.equal(readHeader(malformed.headers, 'x-dlt-attempts'), '0');
  });
});

describe('inbox retention', () => {
  const f = new BackboneFixture();
  before(() => f.setUp('inbox-retention'));
  after(() => f.tearDown());

  it('removes records past the retention in batches, and a copy of a recent event is still dropped', async () => {
    const group = `${f.prefix}retention-group`;
    await f.consumer(recordEffect, { groupId: group });
    const relay = f.relay({ signal: f.signal });
    relay.start();
    f.track(relay);
    const recent = randomUUID();
    const emit = () =>
      f.dataSource.transaction((m) =>
        f.writer.add(m, { id: recent, contract: testEvent, subject: 'k-ret', data: { n: 30, note: 'ok' } }),
      );
    await emit();
    await eventually(
      async () => ((await f.effects()).some((e) => e.event_id === recent) ? true : undefined),
      {
        what: 'the recent event handled',
      },
    );
    // 12 000 records handled 31 days ago (more than two batches) and 5 handled 29 days ago.
    await f.dataSource.query(
      `INSERT INTO ${SCHEMA}.inbox (consumer_group, event_id, event_type, handled_at)
       SELECT $1, 'old-' || g, $2, now() - make_interval(days => CASE WHEN g <= 12000 THEN 31 ELSE 29 END)
       FROM generate_series(1, 12005) g`,
      [group, testEvent.type],
    );
    const pruner = new InboxPruner(f.dataSource, {
      schema: SCHEMA,
      retentionMs: 30 * 24 * 3600 * 1000,
      batchSize: 5000,
    });
    assert.equal(await pruner.pruneOnce(), 12000);
    const [left] = await f.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM ${SCHEMA}.inbox WHERE consumer_group = $1`,
      [group],
    );
    assert.equal(left.n, 6, 'the 5 within the retention and the recent event stay');
    assert.equal(await pruner.pruneOnce(), 0, 'nothing more to remove');

    const before = await duplicatesSeen(group);
    await emit(); // the same event id again, as a relay re-publishing after a crash would
    await eventually(async () => ((await duplicatesSeen(group)) > before ? true : undefined), {
      what: 'the copy dropped by the inbox',
    });
    assert.equal((await f.effects()).filter((e) => e.event_id === recent).length, 1, 'effect exactly once');
  });
});

describe('Kafka connections at shutdown', () => {
  const f = new BackboneFixture();
  before(() => f.setUp('leftover'));
  after(() => f.tearDown());

  it('closes what a client left open, so the process can exit', async () => {
    // A producer that is never disconnected stands for the connections kafkajs leaves behind after a broker
    // outage: its socket and request-queue timers would keep the process alive for ever.
    const script = `
      const { createKafka, closeLeftoverSockets } = require('@amtsbote/messaging');
      (async () => {
        const kafka = createKafka({ brokers: ${JSON.stringify([...KAFKA_BROKERS])}, clientId: 'leftover' });
        const producer = kafka.producer();
        await producer.connect();
        await producer.send({ topic: ${JSON.stringify(f.prefix + TOPICS.diagnostics)}, messages: [{ value: 'x' }] });
        if (process.argv[1] === 'close') console.log('closed', await closeLeftoverSockets(kafka));
      })();`;
    const run = (mode: string) =>
      new Promise<{ code: number | null; out: string; exited: boolean }>((resolve) => {
        const child = spawn(process.execPath, ['-e', script, mode], { stdio: ['ignore', 'pipe', 'ignore'] });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
        }, 8000);
        child.on('exit', (code, signal) => {
          clearTimeout(timer);
          resolve({ code, out, exited: signal === null });
        });
      });
    const [kept, closed] = await Promise.all([run('keep'), run('close')]);
    assert.equal(kept.exited, false, 'without closing, the open connection keeps the process alive');
    assert.equal(closed.exited, true, 'after closing, the process exits by itself');
    assert.equal(closed.code, 0);
    assert.match(closed.out, /closed [1-9]/);
  });
});
