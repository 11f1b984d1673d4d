import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  generateClusterId,
  KAFKA_BROKERS,
  kafkaJavaArgs,
  kafkaLibsComplete,
  renderLog4jProperties,
  renderServerProperties,
  TEST_TOPIC,
} from './kafka';
import { uniqueName } from '../harness/service-harness';
import { stackPaths } from './paths';

function props(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.includes('=')) continue;
    const i = line.indexOf('=');
    assert.ok(!map.has(line.slice(0, i)), `duplicate key ${line.slice(0, i)}`);
    map.set(line.slice(0, i), line.slice(i + 1));
  }
  return map;
}

void describe('renderServerProperties', () => {
  const p = props(
    renderServerProperties({ port: 9092, controllerPort: 9093, dataDir: '/repo/.stack/kafka/data' }),
  );

  void it('configures a single-node KRaft broker+controller on loopback', () => {
    assert.equal(p.get('process.roles'), 'broker,controller');
    assert.equal(p.get('node.id'), '1');
    assert.equal(p.get('controller.quorum.voters'), '1@127.0.0.1:9093');
    assert.equal(p.get('listeners'), 'PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093');
    assert.equal(p.get('advertised.listeners'), 'PLAINTEXT://127.0.0.1:9092');
    assert.equal(p.get('controller.listener.names'), 'CONTROLLER');
    assert.equal(p.get('log.dirs'), '/repo/.stack/kafka/data');
  });

  void it('never auto-creates topics and uses replication factor 1 for internal topics', () => {
    assert.equal(p.get('auto.create.topics.enable'), 'false');
    assert.equal(p.get('offsets.topic.replication.factor'), '1');
    assert.equal(p.get('transaction.state.log.replication.factor'), '1');
    assert.equal(p.get('transaction.state.log.min.isr'), '1');
    assert.equal(p.get('group.initial.rebalance.delay.ms'), '0');
    assert.equal(p.get('num.partitions'), '3');
  });

  void it('honours other ports and rejects a broker port equal to the controller port', () => {
    const q = props(renderServerProperties({ port: 19092, controllerPort: 19093, dataDir: '/d' }));
    assert.equal(q.get('advertised.listeners'), 'PLAINTEXT://127.0.0.1:19092');
    assert.equal(q.get('controller.quorum.voters'), '1@127.0.0.1:19093');
    assert.throws(
      () => renderServerProperties({ port: 9092, controllerPort: 9092, dataDir: '/d' }),
      /must differ/,
    );
  });

  void it('exposes the default brokers', () => {
    assert.deepEqual(KAFKA_BROKERS, ['127.0.0.1:9092']);
  });
});

void describe('renderLog4jProperties', () => {
  void it('is quiet but keeps the "server started" line', () => {
    const p = props(renderLog4jProperties());
    assert.equal(p.get('log4j.rootLogger'), 'WARN, stdout');
    assert.equal(p.get('log4j.logger.kafka.server.KafkaRaftServer'), 'INFO');
  });
});

void describe('generateClusterId', () => {
  void it('is a base64url-encoded 16-byte UUID', () => {
    const id = generateClusterId();
    assert.match(id, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(Buffer.from(id, 'base64url').length, 16);
  });

  void it('skips ids that start with "-" (they look like CLI options)', () => {
    const bytes = [Buffer.alloc(16, 0xfb), Buffer.alloc(16, 0x01)];
    const id = generateClusterId(() => bytes.shift()!);
    assert.ok(!id.startsWith('-'));
    assert.equal(id, Buffer.alloc(16, 0x01).toString('base64url'));
  });
});

void describe('kafkaJavaArgs', () => {
  void it('passes the classpath wildcard literally and the log4j config as a file URL', () => {
    const p = stackPaths('/repo').kafka;
    const args = kafkaJavaArgs(p, ['kafka.Kafka', p.config]);
    assert.equal(args[args.indexOf('-cp') + 1], '/repo/.stack/kafka/libs/*');
    assert.ok(args.includes('-Dlog4j.configuration=file:/repo/.stack/kafka/log4j.properties'));
    assert.ok(args.includes('-Xmx1g'));
    assert.deepEqual(args.slice(-2), ['kafka.Kafka', '/repo/.stack/kafka/server.properties']);
  });
});

void describe('kafkaLibsComplete', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'stack-kafka-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const p = stackPaths(root).kafka;
  mkdirSync(path.dirname(p.pom), { recursive: true });
  writeFileSync(p.pom, '<project/>');

  void it('is false without a marker, true with marker and jars, false when the pom or a jar changes', () => {
    assert.equal(kafkaLibsComplete(p), false);
    mkdirSync(p.libs, { recursive: true });
    writeFileSync(path.join(p.libs, 'kafka_2.13-3.9.1.jar'), '');
    const otherPom = createHash('sha256').update('<project><!-- older --></project>').digest('hex');
    writeFileSync(p.libsMarker, JSON.stringify({ pomSha256: otherPom, jars: ['kafka_2.13-3.9.1.jar'] }));
    assert.equal(kafkaLibsComplete(p), false, 'marker for another pom');
    const pomSha256 = createHash('sha256').update('<project/>').digest('hex');
    writeFileSync(p.libsMarker, JSON.stringify({ pomSha256, jars: ['kafka_2.13-3.9.1.jar'] }));
    assert.equal(kafkaLibsComplete(p), true);
    rmSync(path.join(p.libs, 'kafka_2.13-3.9.1.jar'));
    assert.equal(kafkaLibsComplete(p), false, 'a listed jar is missing');
  });
});

void describe('TEST_TOPIC', () => {
  void it('matches the topics of test and benchmark runs and spares the development topics', () => {
    for (const label of ['journey', 'bench-intake', 'hostile input']) {
      const prefix = uniqueName(label);
      assert.ok(TEST_TOPIC.test(`${prefix}.amtsbote.submission.v1`), prefix);
      assert.ok(TEST_TOPIC.test(`${prefix.replace(/_/g, '-')}.amtsbote.routing.v1.retry.1`), prefix);
    }
    for (const dev of [
      'amtsbote.submission.v1',
      'amtsbote.routing.v1.dlt',
      'dev.amtsbote.payment.v1',
      '__consumer_offsets',
    ]) {
      assert.equal(TEST_TOPIC.test(dev), false, dev);
    }
  });
});
