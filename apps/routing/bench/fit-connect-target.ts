import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultNamespace } from '@amtsbote/fim';
import { FitConnectSubscriber, TestCa, ZustelldienstSimulator } from '@amtsbote/testing';
import { performance } from 'node:perf_hooks';
import { register } from 'prom-client';
import { encryptTo } from '../src/formats/jwe';
import { blaueKarte, LEIKA, SCHEMA_DIR } from '../test/harness';

/**
 * The benchmark's FIT-Connect destination: a Zustelldienst simulator with one Zustellpunkt for the
 * region `DE<ars>` (its subscriber does not run: the benchmark measures routing up to the submitted
 * submission, as the push rows measure up to the simulator's 200), and routing's settings for it.
 */
export async function fitConnectTarget(ars: string) {
  const zd = await ZustelldienstSimulator.start();
  const dir = mkdtempSync(join(tmpdir(), 'amtsbote-bench-fc-'));
  const root = TestCa.create('Bench Root CA');
  const sub = new FitConnectSubscriber({
    zustelldienst: zd,
    ca: TestCa.create('Bench Issuing CA', root),
    schemaDir: SCHEMA_DIR,
    publicServices: [
      {
        name: 'Blaue Karte EU',
        identifier: `urn:de:fim:leika:leistung:${LEIKA}`,
        regions: [`DE${ars}`],
        submissionSchemas: [{ schemaUri: defaultNamespace(blaueKarte.schema), mimeType: 'application/json' }],
      },
    ],
  });
  writeFileSync(join(dir, 'fc-sender'), zd.addClient('bench-sender', 'sender'));
  writeFileSync(join(dir, 'anchors.pem'), root.pem);
  return {
    env: {
      ROUTING_FITCONNECT_SECRETS_DIR: dir,
      ROUTING_FITCONNECT_TRUST_ANCHORS_FILE: join(dir, 'anchors.pem'),
      // The event log is not read during the run (no subscriber decides); only sending is measured.
      ROUTING_FITCONNECT_FOLLOW_UP_MS: '600000',
    },
    channelSettings: {
      destinationId: sub.destinationId,
      submissionApiUrl: zd.url,
      tokenUrl: zd.tokenUrl,
      clientId: 'bench-sender',
      clientSecretRef: 'fc-sender',
    },
    /** Submissions the Zustelldienst holds as submitted (data and metadata uploaded). */
    submitted: () => [...zd.submissions.values()].filter((s) => s.encryptedData !== undefined).length,
    /**
     * The channel's JOSE work for one message, timed alone (no concurrent deliveries): the three JWEs
     * (metadata ~3 KiB, data ~2 KiB, the 20 KiB attachment) to this destination's 4096-bit key; ms each run.
     */
    async joseAlone(runs: number): Promise<number[]> {
      const d = zd.destinations.get(sub.destinationId)!;
      const published = d.keys.get(d.encryptionKid)!;
      const key = { kty: 'RSA', n: published.n, e: published.e, kid: published.kid };
      const parts: Array<[Buffer, string]> = [
        [randomBytes(3 * 1024), 'application/json'],
        [randomBytes(2 * 1024), 'application/json'],
        [randomBytes(20 * 1024), 'application/pdf'],
      ];
      const ms: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        for (const [content, type] of parts) await encryptTo(key, content, type);
        ms.push(performance.now() - t);
      }
      return ms;
    },
    async close() {
      await zd.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Seconds spent in the channel's JOSE operations so far (`amtsbote_routing_jose_seconds`), by operation. */
export async function joseSeconds(): Promise<Record<string, number>> {
  const metric = register.getSingleMetric('amtsbote_routing_jose_seconds');
  const sums: Record<string, number> = {};
  for (const v of (await metric?.get())?.values ?? []) {
    if ((v as { metricName?: string }).metricName !== 'amtsbote_routing_jose_seconds_sum') continue;
    const op = String(v.labels.operation);
    sums[op] = (sums[op] ?? 0) + v.value;
  }
  return sums;
}
