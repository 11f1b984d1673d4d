/**
 * Recovery at full speed (issue 20 §3), judged by counting deliveries over time against the rate the same
 * system delivered a burst at while healthy, in the same test (not against a wall-clock figure that depends
 * on the machine):
 * - a Fachverfahren away long enough for routing's retries to back off to many seconds leaves a backlog;
 *   once it answers again, the backlog must not trickle out as each message's own backoff ends (the first
 *   delivery after its return brings every waiting retry forward);
 * - PostgreSQL or Kafka stopped right after a burst was accepted: once it is back, the burst moves on at once
 *   (steps the outage broke hand their claims back instead of holding them for the rest of their lease).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mintToken, startKafka, startPostgres, stopKafka, stopPostgres } from '@amtsbote/testing';
import { startSystem, type System } from '../journeys/system';
import {
  acceptWithoutSchemaCheck,
  type Accepted,
  type Application,
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

/** Bursts large enough that a rate over them is not decided by the first reconnections. */
const N = 60;
const MIN_LEFT = 10;
/** Long enough for five failed attempts each: the next backoff is 8–16 s. */
const DOWN_MS = 16_000;
const BRIEF_OUTAGE_MS = 5_000;
/** The services' Kafka consumer session timeout (`KAFKA_CONSUMER_SESSION_TIMEOUT_MS`'s default). */
const CONSUMER_SESSION_S = 10;

/** When each of `ids` reached the Fachverfahren (ms since epoch), polling every 100 ms until all did. */
async function arrivals(sys: System, ids: readonly string[], timeoutMs: number): Promise<number[]> {
  const seen = new Map<string, number>();
  const deadline = Date.now() + timeoutMs;
  while (seen.size < ids.length && Date.now() < deadline) {
    const got = receivedBySubmission(sys.fvSim.received);
    for (const id of ids) {
      const m = got.get(id)?.[0];
      if (m && !seen.has(id)) seen.set(id, m.receivedAt.getTime());
    }
    await sleep(100);
  }
  return [...seen.values()].sort((a, b) => a - b);
}

/** Deliveries per second between the first and the last of `times`. */
const rate = (times: readonly number[]) => (times.length - 1) / ((times.at(-1)! - times[0]) / 1000 || 0.001);

describe('a backlog left by an outage', () => {
  let sys: System;
  let anna: string;
  let applications: Application[];
  const refusals: Refusal[] = [];

  /** Submits `apps` (6 at a time, retrying 503s like a portal); the accepted ones. */
  const submitAll = async (apps: Application[]) =>
    (
      await inParallel(apps, 6, (app) =>
        submitWithRetry(sys.targets, anna, app, { refusals, deadlineMs: Date.now() + 60_000 }),
      )
    ).filter((a): a is Accepted => a !== undefined);

  /** A burst of `N` while everything is up: its delivery rate. */
  const healthyRate = async (apps: Application[]) => {
    const healthy = await submitAll(apps);
    const times = await arrivals(
      sys,
      healthy.map((a) => a.submissionId),
      60_000,
    );
    assert.equal(times.length, N, 'the healthy burst was delivered');
    return { rate: rate(times), seconds: (times.at(-1)! - times[0]) / 1000 };
  };

  before(async () => {
    sys = await startSystem({
      label: 'fault_drain',
      env: {
        ...quietServices,
        routing: {
          ...quietServices.routing,
          ROUTING_RETRY_BASE_MS: '1000',
          ROUTING_RETRY_MAX_MS: '60000',
          ROUTING_MAX_ATTEMPTS: '30',
          ROUTING_PUSH_TIMEOUT_MS: '2000',
        },
      },
      fachverfahren: { autoRespond: false, validate: acceptWithoutSchemaCheck },
    });
    await seedWithoutFee(sys.targets);
    anna = await mintToken(sys.targets.issuer, 'anna');
    applications = await prepareApplications(sys.targets, anna, 6 * N);
  });

  after(async () => {
    await restoreStack();
    await sys?.stop();
  });

  it('of the Fachverfahren drains at the healthy rate once it answers again', async () => {
    // Healthy: the same burst, delivered as fast as this system delivers on this machine now.
    const healthy = await healthyRate(applications.slice(0, N));

    // The Fachverfahren away: every message fails again and again, its retries backing off.
    sys.fvSim.setMode({ kind: 'down' });
    const before = sys.fvSim.received.size;
    const backlog = await submitAll(applications.slice(N, 2 * N));
    assert.equal(backlog.length, N, JSON.stringify(refusals));
    await sleep(DOWN_MS);
    assert.equal(sys.fvSim.received.size, before, 'nothing of the backlog arrived while it was down');
    sys.fvSim.setMode({ kind: 'ok' });
    const back = Date.now();

    const times = await arrivals(
      sys,
      backlog.map((a) => a.submissionId),
      90_000,
    );
    assert.equal(times.length, N, 'every message of the backlog arrived');
    for (const [id, got] of receivedBySubmission(sys.fvSim.received))
      assert.equal(got.length, 1, `submission ${id} arrived once`);
    // Counted over time: from the first delivery after the return (the first retry that came due found it
    // back) to the last, the backlog moves at least at half the healthy rate — not at each message's backoff.
    const drain = rate(times);
    process.stdout.write(
      `  Fachverfahren: healthy ${N} in ${healthy.seconds.toFixed(1)} s (${healthy.rate.toFixed(1)}/s); ` +
        `after ${DOWN_MS / 1000} s down: first delivery ${((times[0] - back) / 1000).toFixed(1)} s after the return, ` +
        `${N} in ${((times.at(-1)! - times[0]) / 1000).toFixed(1)} s (${drain.toFixed(1)}/s)\n`,
    );
    assert.ok(
      drain >= healthy.rate / 2,
      `the backlog drained at ${drain.toFixed(1)}/s, the healthy rate is ${healthy.rate.toFixed(1)}/s`,
    );
  });

  /** A burst accepted, then `dependency` stopped at once for a few seconds: the burst after its return. */
  const burstThroughOutage = async (
    apps: Application[],
    what: string,
    stop: () => Promise<unknown>,
    start: () => Promise<unknown>,
    o: { stopWhileSubmitting?: boolean } = {},
  ) => {
    const healthy = await healthyRate(apps.slice(0, N));
    // Intake accepts without the broker (the events wait in its outbox), so the broker can go while the
    // burst arrives: otherwise how much of it is left depends on how fast the machine delivered it meanwhile.
    const stopping = o.stopWhileSubmitting ? stop() : undefined;
    const burst = await submitAll(apps.slice(N));
    assert.equal(burst.length, N, JSON.stringify(refusals));
    // At once: most of the burst is on its way through the services, some of it mid-delivery.
    await (stopping ?? stop());
    await sleep(BRIEF_OUTAGE_MS);
    await start();
    const back = Date.now();
    const times = await arrivals(
      sys,
      burst.map((a) => a.submissionId),
      90_000,
    );
    assert.equal(times.length, N, 'every submission of the burst arrived');
    for (const [id, got] of receivedBySubmission(sys.fvSim.received))
      assert.equal(got.length, 1, `submission ${id} arrived once`);
    const afterwards = times.filter((at) => at >= back);
    // Enough left to count a rate over (how many got through before the stop took hold varies with the machine).
    assert.ok(afterwards.length >= MIN_LEFT, `only ${afterwards.length} were left when ${what} came back`);
    // Counted over time: once deliveries resume (the services reconnect, the broker's group coordinator
    // loads), the rest moves at least at half the healthy rate — not at the end of leases or backoffs the
    // outage left. And they resume by themselves: at the latest once the consumer sessions of before the
    // outage expired. (kafkajs restarts a consumer that lost its broker as a new group member; the
    // restarted broker waits for the old members' sessions, CONSUMER_SESSION_S, before the group settles.)
    const resumedAfter = (afterwards[0] - back) / 1000;
    const drain = rate(afterwards);
    process.stdout.write(
      `  ${what}: healthy ${N} in ${healthy.seconds.toFixed(1)} s (${healthy.rate.toFixed(1)}/s); ` +
        `${afterwards.length} left after ${BRIEF_OUTAGE_MS / 1000} s down, the first ${resumedAfter.toFixed(1)} s ` +
        `after its return, all within ${((afterwards.at(-1)! - afterwards[0]) / 1000).toFixed(1)} s more (${drain.toFixed(1)}/s)\n`,
    );
    assert.ok(
      resumedAfter < CONSUMER_SESSION_S + 15,
      `deliveries resumed ${resumedAfter.toFixed(1)} s after ${what} was back`,
    );
    assert.ok(
      drain >= healthy.rate / 2,
      `after ${what} came back, ${afterwards.length} were delivered at ${drain.toFixed(1)}/s; the healthy rate is ${healthy.rate.toFixed(1)}/s`,
    );
  };

  it('of PostgreSQL moves on at the healthy rate once it is back', async () => {
    await burstThroughOutage(
      applications.slice(2 * N, 4 * N),
      'PostgreSQL',
      () => stopPostgres(),
      () => startPostgres({ log: () => undefined }),
    );
  });

  it('of Kafka moves on at the healthy rate once it is back', async () => {
    await burstThroughOutage(
      applications.slice(4 * N, 6 * N),
      'Kafka',
      () => stopKafka(),
      () => startKafka({ log: () => undefined }),
      { stopWhileSubmitting: true },
    );
  });
});
