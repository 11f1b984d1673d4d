/**
 * Fault tolerance (issue 9 §3): a routing replica is killed (SIGKILL) while its deliveries are in flight at
 * a slow Fachverfahren, then started again. The replica is the real compiled service in its own process;
 * the in-process routing of the system is an API-only replica (ROUTING_WORKER_ENABLED=false), so every
 * delivery goes through the process that dies. Its claimed rows are leased: they become due again when
 * the lease runs out, are sent again with the same message id, and the receiver drops the re-sends
 * (docs/fachverfahren.md §3, §6). Nothing is lost and nothing arrives twice.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, mintToken, type ServiceProcess, startServiceProcess } from '@amtsbote/testing';
import { awaitIntakeStatus } from '../journeys/journey';
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
  destinationMessages,
  seedWithoutFee,
  submitWithRetry,
} from './faults';

const SUBMISSIONS = 40;
const CONCURRENCY = 4;
/** Short timeouts keep the lease short: it is the longest timeout plus 30 s (delivery.worker.ts). */
const WORKER_ENV = {
  ROUTING_WORKER_ENABLED: 'true',
  ROUTING_DELIVERY_CONCURRENCY: String(CONCURRENCY),
  ROUTING_PUSH_TIMEOUT_MS: '3000',
  ROUTING_ATTACHMENT_FETCH_TIMEOUT_MS: '3000',
};

describe('a routing replica killed mid-delivery', () => {
  let sys: System;
  let replica: ServiceProcess | undefined;

  before(async () => {
    sys = await startSystem({
      label: 'fault_routing',
      env: { ...quietServices, routing: { ...quietServices.routing, ROUTING_WORKER_ENABLED: 'false' } },
      fachverfahren: { autoRespond: false, validate: acceptWithoutSchemaCheck },
    });
    await seedWithoutFee(sys.targets);
  });

  after(async () => {
    await replica?.kill();
    await sys?.stop();
  });

  it('loses nothing and the receiver gets each message once', async () => {
    const t = sys.targets;
    const replicaEnv = { ...sys.envOf('routing'), ...WORKER_ENV };
    const anna = await mintToken(t.issuer, 'anna');
    const applications = await prepareApplications(t, anna, SUBMISSIONS);
    sys.fvSim.setMode({ kind: 'slow', delayMs: 1000 });
    replica = await startServiceProcess('routing', replicaEnv);

    const refusals: Refusal[] = [];
    const accepted = (
      await inParallel(applications, 8, (app) =>
        submitWithRetry(t, anna, app, { refusals, deadlineMs: Date.now() + 30_000 }),
      )
    ).filter((a): a is Accepted => a !== undefined);
    assert.equal(refusals.length, 0, JSON.stringify(refusals));
    assert.equal(accepted.length, SUBMISSIONS);
    const ids = accepted.map((a) => a.submissionId);
    // Every submission has its message row before the crash (routing's consumer is not what is tested).
    await eventually(async () => ((await destinationMessages(t)).length === SUBMISSIONS ? true : undefined), {
      timeoutMs: 30_000,
      what: 'routing to have a message for every submission',
    });

    // The simulator stores a message, then answers a second later: right after one more message arrived,
    // that push (and up to three others) is in flight.
    const seen = sys.fvSim.received.size;
    await sys.fvSim.waitFor(() => sys.fvSim.received.size >= seen + 6, 30_000, 'deliveries under way');
    await replica.kill();
    const atKill = sys.fvSim.received.size;
    const states = await destinationMessages(t);
    const pending = states.filter((m) => m.state !== 'DELIVERED').length;
    assert.ok(atKill < SUBMISSIONS && pending > 0, 'the replica died with work left');

    sys.fvSim.setMode({ kind: 'ok' });
    replica = await startServiceProcess('routing', replicaEnv);
    const messages = await eventually(
      async () => {
        const m = await destinationMessages(t);
        return m.length === SUBMISSIONS && m.every((x) => x.state === 'DELIVERED') ? m : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 500, what: 'every message DELIVERED after the restart' },
    ).catch(async (err: Error) => {
      const progress = await deliveryProgress(t, anna, sys.fvSim.received, ids);
      throw new Error(`${err.message} (${progress})`);
    });

    // No loss, and exactly once at the receiver: one message per submission, under its one message id.
    assert.equal(new Set(messages.map((m) => m.submissionId)).size, SUBMISSIONS);
    const received = receivedBySubmission(sys.fvSim.received);
    assert.equal(sys.fvSim.received.size, SUBMISSIONS);
    for (const a of accepted) {
      const got = received.get(a.submissionId) ?? [];
      assert.equal(got.length, 1, `${a.submissionId} arrived ${got.length} times`);
      assert.equal(got[0].envelope.vorgangsnummer, a.vorgangsnummer);
      assert.ok(messages.some((m) => m.messageId === got[0].messageId && m.submissionId === a.submissionId));
    }
    // The pushes the crash cut off were sent again with the same message id and dropped by the receiver:
    // at least one (the kill came right after a message arrived), at most one per delivery slot.
    assert.ok(sys.fvSim.duplicates >= 1, 'a push in flight at the crash was sent again');
    assert.ok(sys.fvSim.duplicates <= CONCURRENCY, `${sys.fvSim.duplicates} re-sends`);
    assert.equal(sys.fvSim.pushes, SUBMISSIONS + sys.fvSim.duplicates);

    // intake (and through it the citizen) sees every submission delivered.
    await inParallel(ids, 8, (id) => awaitIntakeStatus(t, { token: anna }, id, ['DELIVERED']));
    process.stdout.write(
      `  killed with ${atKill}/${SUBMISSIONS} at the receiver and ${pending} undelivered; ` +
        `${sys.fvSim.duplicates} re-sends dropped by the receiver\n`,
    );
  });
});
