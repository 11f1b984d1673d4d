/**
 * Fault tolerance (issue 9 §3): PostgreSQL stops for a few seconds while citizens submit and read. Intake
 * answers 503 with Retry-After (never 500) as long as it cannot reach its database, and serves again by
 * itself once PostgreSQL is back: the portal's retry with the same Idempotency-Key is accepted, and every
 * accepted submission reaches the Fachverfahren.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, mintToken, startPostgres, stopPostgres } from '@amtsbote/testing';
import { DEMO } from '../journeys/journey';
import { startSystem, type System } from '../journeys/system';
import {
  acceptWithoutSchemaCheck,
  type Accepted,
  deliveryProgress,
  inParallel,
  prepareApplications,
  quietServices,
  receivedBySubmission,
  type Refusal,
  restoreStack,
  seedWithoutFee,
  sleep,
  submitWithRetry,
} from './faults';

const BEFORE = 5;
const DURING = 25;
const DOWN_MS = 4_000;

interface Read {
  what: string;
  status: number;
  retryAfter: string | null;
  contentType: string | null;
  at: number;
}

describe('PostgreSQL stopped briefly', () => {
  let sys: System;

  before(async () => {
    sys = await startSystem({
      label: 'fault_postgres',
      env: quietServices,
      fachverfahren: { autoRespond: false, validate: acceptWithoutSchemaCheck },
    });
    await seedWithoutFee(sys.targets);
  });

  after(async () => {
    await restoreStack();
    await sys?.stop();
  });

  it('intake answers 503 with Retry-After while it is down, recovers by itself and loses nothing', async () => {
    const t = sys.targets;
    const anna = await mintToken(t.issuer, 'anna');
    const applications = await prepareApplications(t, anna, BEFORE + DURING);
    const refusals: Refusal[] = [];
    const submit = (app: (typeof applications)[number]) =>
      submitWithRetry(t, anna, app, { refusals, deadlineMs: Date.now() + 60_000 });
    const early = await inParallel(applications.slice(0, BEFORE), 5, submit);
    assert.equal(refusals.length, 0, `refused before the outage: ${JSON.stringify(refusals)}`);
    const known = early[0]!.submissionId;

    const reads: Read[] = [];
    const read = async (what: string, url: string) => {
      const res = await fetch(url, { headers: { authorization: `Bearer ${anna}` } });
      await res.arrayBuffer();
      reads.push({
        what,
        status: res.status,
        retryAfter: res.headers.get('retry-after'),
        contentType: res.headers.get('content-type'),
        at: Date.now(),
      });
    };
    const outage = { from: 0, to: 0 };
    let later: Array<Accepted | undefined> = [];
    let reading = true;
    try {
      outage.from = Date.now();
      await stopPostgres();
      const readLoop = (async () => {
        while (reading) {
          await read('status', `${t.intake}/submissions/${known}/status`);
          await read('list', `${t.intake}/submissions`);
          await read('form', `${t.intake}/tenants/${DEMO.tenant}/leistungen/${DEMO.leikaKey}/form`);
          await sleep(200);
        }
      })();
      // Submissions keep coming during the outage and after it, one every 200 ms.
      const stream = inParallel(applications.slice(BEFORE), DURING, async (app, i) => {
        await sleep(i * 200);
        return submit(app);
      });
      await sleep(DOWN_MS);
      await startPostgres({ log: () => undefined });
      outage.to = Date.now();
      later = await stream;
      reading = false;
      await readLoop;
    } finally {
      reading = false;
      await restoreStack();
    }

    // While it was down: 503 + Retry-After as problem+json, for writes and reads alike; never a 500.
    assert.ok(refusals.length > 0, 'submissions were refused during the outage');
    for (const r of refusals) {
      assert.equal(r.status, 503, `a submission was answered ${r.status}`);
      assert.ok(Number(r.retryAfter) > 0, 'Retry-After on a refused submission');
      assert.match(r.contentType ?? '', /^application\/problem\+json/);
    }
    const failedReads = reads.filter((r) => r.status !== 200);
    assert.ok(
      failedReads.some((r) => r.what === 'status'),
      'reads were refused during the outage',
    );
    for (const r of failedReads) {
      assert.equal(r.status, 503, `${r.what} was answered ${r.status}`);
      assert.ok(Number(r.retryAfter) > 0, `Retry-After on ${r.what}`);
      assert.match(r.contentType ?? '', /^application\/problem\+json/);
    }
    // Recovered by itself (nothing was restarted): the last reads succeeded, every retry was accepted.
    assert.deepEqual(
      reads.slice(-3).map((r) => r.status),
      [200, 200, 200],
    );
    const accepted = [...early, ...later].filter((a): a is Accepted => a !== undefined);
    assert.equal(accepted.length, BEFORE + DURING, 'every submission was accepted in the end');
    assert.equal(new Set(accepted.map((a) => a.vorgangsnummer)).size, accepted.length);
    const firstReadBack = reads.find((r) => r.at > outage.to && r.status === 200)?.at ?? outage.to;

    // Nothing accepted is lost: each submission reaches the Fachverfahren, once.
    const ids = accepted.map((a) => a.submissionId);
    const received = await eventually(
      async () => {
        const got = receivedBySubmission(sys.fvSim.received);
        return ids.every((id) => got.has(id)) ? got : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: 'every accepted submission at the Fachverfahren' },
    ).catch(async (err: Error) => {
      throw new Error(`${err.message} (${await deliveryProgress(t, anna, sys.fvSim.received, ids)})`);
    });
    assert.equal(sys.fvSim.received.size, accepted.length);
    for (const a of accepted) {
      assert.equal(received.get(a.submissionId)?.length, 1);
      assert.equal(received.get(a.submissionId)![0].envelope.vorgangsnummer, a.vorgangsnummer);
    }
    process.stdout.write(
      `  PostgreSQL down ${outage.to - outage.from} ms: ${refusals.length} submissions and ` +
        `${failedReads.length} reads answered 503; reads served again ${firstReadBack - outage.to} ms after ` +
        `PostgreSQL was back; all ${accepted.length} accepted and delivered\n`,
    );
  });
});
