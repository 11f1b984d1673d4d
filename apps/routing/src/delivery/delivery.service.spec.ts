import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { routingDeliveredV1 } from '@amtsbote/contracts';
import { newTestService, stub } from '@amtsbote/testing';
import type { EntityManager } from 'typeorm';
import { ChannelRegistry } from '../channels/channel-registry';
import type { DeliveryChannel, DeliveryContext } from '../channels/delivery-channel';
import { RoutingSettings } from '../common/settings';
import type { DestinationRecord } from '../destinations/destinations.types';
import type { MessageRecord } from '../messages/messages.types';
import { RoutingEvents } from '../messages/routing-events';
import { StatusReportsService } from '../status-reports/status-reports.service';
import { DeliveryRepository } from './delivery.repository';
import { DeliveryService } from './delivery.service';
import { DependencyRecovery } from './dependency-recovery';

// Service-level tests of the delivery decisions: the repository, events and channels are stand-ins, so what
// the worker does with each channel outcome is checked without a database, a broker or a Fachverfahren.

const MANAGER = {} as EntityManager;
const MAX_ATTEMPTS = 4;

function message(o: Partial<MessageRecord> = {}): MessageRecord {
  return {
    id: 'm-1',
    kind: 'submission',
    submissionId: 's-1',
    replyId: null,
    tenant: 'hb',
    vorgangsnummer: 'HB-2026-000001',
    destinationId: 'd-1',
    format: 'xdomea-3.0',
    channel: 'test-push',
    input: null,
    state: 'SENDING',
    attempts: 1,
    cycleStartedAt: new Date(),
    dueAt: null,
    lastError: null,
    deadReason: null,
    deadReport: null,
    deadAt: null,
    builtAt: new Date(),
    payload: Buffer.from('x'),
    payloadFilename: 'p',
    payloadMediaType: 'application/zip',
    payloadSize: 1,
    payloadSha512: 'a',
    metadata: null,
    hasMetadata: false,
    encrypted: false,
    createdAt: new Date(),
    availableAt: null,
    deliveredAt: null,
    fetchedAt: null,
    rejectedAt: null,
    receiptAt: null,
    purgedAt: null,
    channelState: null,
    ...o,
  };
}

const DELIVERED_EVENT = { contract: routingDeliveredV1, subject: 's-1', tenant: 'hb', data: {} } as never;

const destination = { id: 'd-1', channel: 'test-push', format: 'xdomea-3.0' } as DestinationRecord;

/** The delivery service with one push channel whose answers the test scripts. */
function setUp(m: MessageRecord, channel: Partial<DeliveryChannel>) {
  const repository = stub<DeliveryRepository>('DeliveryRepository', {
    transaction: <T>(work: (manager: EntityManager) => Promise<T>) => work(MANAGER),
    markPushed: () => Promise.resolve(true),
    markDead: () => Promise.resolve(true),
    scheduleRetry: () => Promise.resolve(),
    release: () => Promise.resolve(),
    saveChannelState: () => Promise.resolve(),
    scheduleFollowUp: () => Promise.resolve(),
    markRefusedAfterDelivery: () => Promise.resolve(true),
    attachments: () => Promise.resolve([]),
  });
  const events = stub<RoutingEvents>('RoutingEvents', {
    deliveredEvent: () => DELIVERED_EVENT,
    alert: () => Promise.resolve('e'),
    failed: () => Promise.resolve('e'),
  });
  const statusReports = stub<StatusReportsService>('StatusReportsService', {
    receipt: () => Promise.resolve({ statusId: 'st', recorded: true }),
  });
  const registry = new ChannelRegistry([{ name: 'test-push', mode: 'push', validate: () => [], ...channel }]);
  const settings = {
    config: {
      ROUTING_MAX_ATTEMPTS: MAX_ATTEMPTS,
      ROUTING_RETRY_BASE_MS: 1000,
      ROUTING_RETRY_MAX_MS: 60_000,
    },
    maxDeliveryAgeMs: 3600_000,
  } as unknown as RoutingSettings;
  const { sut } = newTestService(DeliveryService, [
    [DeliveryRepository, repository],
    [
      DependencyRecovery,
      stub<DependencyRecovery>('DependencyRecovery', { failed: () => undefined, answered: () => undefined }),
    ],
    [ChannelRegistry, registry],
    [StatusReportsService, statusReports],
    [RoutingEvents, events],
    [RoutingSettings, settings],
  ]);
  const run = () => sut.process({ m, d: destination }, new AbortController().signal);
  return { sut, repository, events, statusReports, run };
}

describe('delivery decisions (service level)', () => {
  it('records a delivery and its event when the channel delivered', async () => {
    const t = setUp(message(), { deliver: () => Promise.resolve({ kind: 'delivered' }) });
    await t.run();
    // The transition and its event are one statement: the event goes with the mark.
    assert.deepEqual(t.repository.callsOf('markPushed'), [['m-1', 1, [DELIVERED_EVENT], null]]);
    assert.equal(t.events.callsOf('deliveredEvent').length, 1);
    assert.equal(t.repository.callsOf('markDead').length, 0);
  });

  it('retries a transient failure with backoff in the upper half of the doubled delay', async () => {
    const t = setUp(message({ attempts: 2 }), {
      deliver: () => Promise.resolve({ kind: 'retry', error: 'HTTP 503: busy' }),
    });
    const before = Date.now();
    await t.run();
    const [[id, state, attempts, dueAt, error]] = t.repository.callsOf('scheduleRetry') as [
      [string, string, number, Date, string],
    ];
    assert.deepEqual([id, state, attempts, error], ['m-1', 'SENDING', 2, 'HTTP 503: busy']);
    const delay = dueAt.getTime() - before;
    assert.ok(delay >= 1000 - 50 && delay <= 2000 + 50, `delay ${delay}`);
    assert.equal(t.repository.callsOf('markDead').length, 0);
  });

  it("honours the receiver's Retry-After, capped", async () => {
    const t = setUp(message(), {
      deliver: () => Promise.resolve({ kind: 'retry', error: 'HTTP 429', retryAfterSeconds: 30 }),
    });
    const before = Date.now();
    await t.run();
    const [[, , , dueAt]] = t.repository.callsOf('scheduleRetry') as [[string, string, number, Date]];
    assert.ok(Math.abs(dueAt.getTime() - before - 30_000) < 1000);
  });

  it('treats a thrown error as transient and retries it', async () => {
    const t = setUp(message(), { deliver: () => Promise.reject(new Error('ECONNREFUSED')) });
    await t.run();
    assert.equal(t.repository.callsOf('scheduleRetry')[0][4], 'ECONNREFUSED');
  });

  it('dead-letters UNDELIVERABLE after the last attempt, alerting the contact', async () => {
    const t = setUp(message({ attempts: MAX_ATTEMPTS }), {
      deliver: () => Promise.resolve({ kind: 'retry', error: 'HTTP 500' }),
    });
    await t.run();
    assert.equal(t.repository.callsOf('scheduleRetry').length, 0);
    const [[, , , , reason, report]] = t.repository.callsOf('markDead') as [
      [unknown, string, string, number, string, { summary: string }],
    ];
    assert.equal(reason, 'UNDELIVERABLE');
    assert.match(report.summary, /gave up after 4 attempts .* last error: HTTP 500/);
    assert.equal(t.events.callsOf('alert').length, 1);
    assert.equal(t.events.callsOf('failed').length, 0, 'the citizen is told only when an operator gives up');
  });

  it('dead-letters UNDELIVERABLE when the delivery cycle is older than allowed, whatever the attempts', async () => {
    const t = setUp(message({ attempts: 1, cycleStartedAt: new Date(Date.now() - 2 * 3600_000) }), {
      deliver: () => Promise.resolve({ kind: 'retry', error: 'timeout' }),
    });
    await t.run();
    assert.equal(t.repository.callsOf('markDead')[0][4], 'UNDELIVERABLE');
  });

  it('dead-letters a refusal of the message and tells the citizen (REJECTED)', async () => {
    const t = setUp(message(), {
      deliver: () =>
        Promise.resolve({ kind: 'refused', summary: 'HTTP 422', httpStatus: 422, refusesTheMessage: true }),
    });
    await t.run();
    assert.equal(t.repository.callsOf('markDead')[0][4], 'REFUSED_BY_RECEIVER');
    assert.deepEqual(
      t.events.callsOf('failed').map((a) => a[2]),
      ['REJECTED'],
    );
  });

  it("dead-letters a refusal of routing's credentials without telling the citizen", async () => {
    const t = setUp(message(), {
      deliver: () =>
        Promise.resolve({ kind: 'refused', summary: 'HTTP 401', httpStatus: 401, refusesTheMessage: false }),
    });
    await t.run();
    assert.equal(t.repository.callsOf('markDead').length, 1);
    assert.equal(t.events.callsOf('failed').length, 0);
  });

  it('releases the claim, uncounted, when shutdown aborts the attempt', async () => {
    const abort = new AbortController();
    const t = setUp(message(), {
      deliver: () => {
        abort.abort();
        return Promise.reject(new Error('aborted'));
      },
    });
    await t.sut.process({ m: message(), d: destination }, abort.signal);
    assert.deepEqual(t.repository.callsOf('release'), [['m-1', 'SENDING', 1]]);
    assert.equal(t.repository.callsOf('scheduleRetry').length, 0);
  });
});

describe('a channel that submits, then follows the acknowledgement (the FIT-Connect shape)', () => {
  it('keeps its state per message, so a redelivery resumes instead of submitting again', async () => {
    const seen: unknown[] = [];
    const deliver = async (_m: MessageRecord, _d: DestinationRecord, ctx: DeliveryContext) => {
      seen.push(ctx.state);
      if (ctx.state === null) await ctx.saveState({ submissionId: 'remote-1' });
      return { kind: 'delivered' as const, followUpAt: new Date(Date.now() + 5000) };
    };
    const first = setUp(message(), { deliver });
    await first.run();
    assert.deepEqual(first.repository.callsOf('saveChannelState'), [['m-1', { submissionId: 'remote-1' }]]);
    const [[, , , followUpAt]] = first.repository.callsOf('markPushed') as [[unknown, string, number, Date]];
    assert.ok(followUpAt instanceof Date, 'asked to follow up');
    const again = setUp(message({ channelState: { submissionId: 'remote-1' } }), { deliver });
    await again.run();
    assert.deepEqual(seen, [null, { submissionId: 'remote-1' }]);
    assert.equal(again.repository.callsOf('saveChannelState').length, 0);
  });

  it('asks again while the transport has no answer', async () => {
    const at = new Date(Date.now() + 60_000);
    const t = setUp(message({ state: 'DELIVERED' }), {
      deliver: () => Promise.resolve({ kind: 'delivered' }),
      followUp: () => Promise.resolve({ kind: 'pending', checkAgainAt: at }),
    });
    await t.run();
    // No error: the follow-up clears last_error (the fourth argument).
    assert.deepEqual(t.repository.callsOf('scheduleFollowUp'), [['m-1', 1, at, undefined]]);
  });

  it("records the receiver's receipt as RECEIVED and stops following", async () => {
    const t = setUp(message({ state: 'DELIVERED' }), {
      deliver: () => Promise.resolve({ kind: 'delivered' }),
      followUp: () => Promise.resolve({ kind: 'received' }),
    });
    await t.run();
    assert.equal(t.statusReports.callsOf('receipt').length, 1);
    assert.deepEqual(t.repository.callsOf('scheduleFollowUp'), [['m-1', 1, null, undefined]]);
  });

  it("turns the receiver's later refusal into REJECTED for the citizen", async () => {
    const t = setUp(message({ state: 'DELIVERED' }), {
      deliver: () => Promise.resolve({ kind: 'delivered' }),
      followUp: () => Promise.resolve({ kind: 'refused', reasons: ['Schema ungültig'] }),
    });
    await t.run();
    assert.equal(t.repository.callsOf('markRefusedAfterDelivery').length, 1);
    const [[, , code, reason]] = t.events.callsOf('failed') as [[unknown, unknown, string, { de: string }]];
    assert.equal(code, 'REJECTED');
    assert.match(reason.de, /Schema ungültig/);
  });
});
