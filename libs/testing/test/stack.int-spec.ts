import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import {
  createDatabase,
  createKafkaClient,
  dropDatabase,
  isPortFree,
  kafkaBrokers,
  kafkaRunning,
  postgresRunning,
  postgresUrl,
  stackStatus,
  startKafka,
  startPostgres,
  startStack,
  stopKafka,
  stopPostgres,
} from '../src/stack';

// Starts the real Kafka (KRaft) and PostgreSQL of the local stack. The first run on a machine may fetch the
// Kafka jars with Maven, hence the generous timeout. Components that were already running are left running.
// It stops and restarts them, so don't run it while others use the same stack; an isolated stack for it:
// AMTSBOTE_STACK_DIR=/tmp/stack-it AMTSBOTE_KAFKA_PORT=19092 AMTSBOTE_KAFKA_CONTROLLER_PORT=19093
// AMTSBOTE_POSTGRES_PORT=56432 node --test libs/testing/dist/test/stack.int-spec.js
const SLOW = 10 * 60_000;

type Kafka = ReturnType<typeof createKafkaClient>;

/** Rejects after `ms`, so a hanging client call fails the test instead of keeping the process alive. */
async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Reads `count` messages of `topic` from the beginning with a fresh consumer group. */
async function consume(kafka: Kafka, topic: string, count: number): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: `stack-it-${topic}-${Date.now()}` });
  const values: string[] = [];
  try {
    await within(30_000, 'consumer connect', consumer.connect());
    await within(30_000, 'subscribe', consumer.subscribe({ topics: [topic], fromBeginning: true }));
    const done = new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: ({ message }) => {
            values.push(message.value?.toString() ?? '');
            if (values.length >= count) resolve();
            return Promise.resolve();
          },
        })
        .catch(reject);
    });
    await within(60_000, `consuming ${count} message(s), got ${JSON.stringify(values)}`, done);
  } finally {
    await within(15_000, 'consumer disconnect', consumer.disconnect()).catch(() => undefined);
  }
  return values;
}

async function produce(kafka: Kafka, topic: string, value: string): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  try {
    await within(30_000, 'producer connect', producer.connect());
    await within(30_000, 'send', producer.send({ topic, acks: -1, messages: [{ key: 'k', value }] }));
  } finally {
    await within(15_000, 'producer disconnect', producer.disconnect()).catch(() => undefined);
  }
}

void describe('local stack: real Kafka and PostgreSQL', { timeout: SLOW }, () => {
  const runningBefore = { kafka: kafkaRunning(), postgres: postgresRunning() };
  const kafka = createKafkaClient({ clientId: 'stack-int-spec' });
  const topic = `stack-it-${process.pid}-${Date.now()}`;

  before(
    async () => {
      await startStack({ only: ['kafka', 'postgres'] });
    },
    { timeout: SLOW },
  );

  after(async () => {
    if (!runningBefore.kafka) await stopKafka();
    if (!runningBefore.postgres) await stopPostgres();
  });

  void it('start is idempotent, also when called concurrently', async () => {
    const [k1, k2] = await Promise.all([startKafka(), startKafka()]);
    assert.equal(k1.alreadyRunning, true);
    assert.equal(k2.alreadyRunning, true);
    assert.equal(k1.pid, k2.pid);
    const [p1, p2] = await Promise.all([startPostgres(), startPostgres()]);
    assert.equal(p1.pid, p2.pid);
    assert.equal(p1.url, postgresUrl());
    const status = await stackStatus({ only: ['kafka', 'postgres'] });
    assert.deepEqual(
      status.map((s) => [s.component, s.running, s.ready]),
      [
        ['kafka', true, true],
        ['postgres', true, true],
      ],
    );
  });

  void it('creates and drops databases idempotently (dev database exists)', async () => {
    const name = `stack_it_${process.pid}`;
    await dropDatabase(name);
    assert.equal(await createDatabase(name), true);
    assert.equal(await createDatabase(name), false);
    const client = new Client({ connectionString: postgresUrl(name) });
    client.on('error', () => undefined); // the forced drop below terminates this session
    await client.connect();
    await client.query('CREATE TABLE t (id int PRIMARY KEY)');
    await client.query('INSERT INTO t VALUES (1)');
    assert.deepEqual((await client.query('SELECT id FROM t')).rows, [{ id: 1 }]);
    // Dropping works while a session is still connected (WITH (FORCE)).
    await dropDatabase(name);
    await dropDatabase(name);
    await client.end().catch(() => undefined);
    const gone = new Client({ connectionString: postgresUrl(name) });
    await assert.rejects(gone.connect(), (err: { code?: string }) => err.code === '3D000');
    const dev = new Client({ connectionString: postgresUrl() });
    await dev.connect();
    assert.deepEqual((await dev.query('SELECT current_database() AS db')).rows, [{ db: 'amtsbote' }]);
    await dev.end();
  });

  void it('produces and consumes one message on an explicitly created topic', async () => {
    const admin = kafka.admin();
    await within(30_000, 'admin connect', admin.connect());
    try {
      assert.equal(
        await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true }),
        true,
      );
      assert.ok((await admin.listTopics()).includes(topic));
    } finally {
      await within(15_000, 'admin disconnect', admin.disconnect()).catch(() => undefined);
    }
    await produce(kafka, topic, 'hello');
    assert.deepEqual(await consume(kafka, topic, 1), ['hello']);
  });

  void it('does not create topics implicitly', async () => {
    const admin = kafka.admin();
    await within(30_000, 'admin connect', admin.connect());
    try {
      await assert.rejects(admin.fetchTopicMetadata({ topics: [`${topic}-typo`] }));
      assert.ok(!(await admin.listTopics()).includes(`${topic}-typo`));
    } finally {
      await within(15_000, 'admin disconnect', admin.disconnect()).catch(() => undefined);
    }
  });

  void it('stops and restarts Kafka; the topic and its message survive', async () => {
    const stopped = await stopKafka();
    assert.equal(stopped.stopped, true);
    assert.equal(kafkaRunning(), false);
    assert.equal(await isPortFree(Number(kafkaBrokers()[0].split(':')[1])), true);
    assert.equal((await stopKafka()).stopped, false, 'stopping a stopped broker is fine');

    const restarted = await startKafka();
    assert.equal(restarted.alreadyRunning, false);
    assert.equal(kafkaRunning(), true);
    await produce(kafka, topic, 'after restart');
    assert.deepEqual(await consume(kafka, topic, 2), ['hello', 'after restart']);
  });

  void it('stops and restarts PostgreSQL; committed data survives', async () => {
    const name = `stack_it_durable_${process.pid}`;
    await createDatabase(name);
    const write = new Client({ connectionString: postgresUrl(name) });
    await write.connect();
    await write.query('CREATE TABLE IF NOT EXISTS t (v text)');
    await write.query("INSERT INTO t VALUES ('kept')");
    await write.end();

    assert.equal((await stopPostgres()).stopped, true);
    assert.equal(postgresRunning(), false);
    assert.equal((await startPostgres()).alreadyRunning, false);

    const read = new Client({ connectionString: postgresUrl(name) });
    await read.connect();
    assert.deepEqual((await read.query('SELECT v FROM t')).rows, [{ v: 'kept' }]);
    await read.end();
    await dropDatabase(name);
  });

  void it('recovers from crashes (Kafka SIGKILL, PostgreSQL immediate shutdown)', async () => {
    const name = `stack_it_crash_${process.pid}`;
    await createDatabase(name);
    const write = new Client({ connectionString: postgresUrl(name) });
    await write.connect();
    await write.query("CREATE TABLE t AS SELECT 'committed'::text AS v");
    await write.end();
    await produce(kafka, topic, 'before crash');

    assert.equal((await stopKafka({ signal: 'SIGKILL' })).stopped, true);
    assert.equal((await stopPostgres({ signal: 'SIGQUIT' })).stopped, true);
    await startStack({ only: ['kafka', 'postgres'] });

    assert.deepEqual(await consume(kafka, topic, 3), ['hello', 'after restart', 'before crash']);
    const read = new Client({ connectionString: postgresUrl(name) });
    await read.connect();
    assert.deepEqual((await read.query('SELECT v FROM t')).rows, [{ v: 'committed' }]);
    await read.end();
    await dropDatabase(name);
  });
});
