import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  routingStatusV1,
  submissionSubmittedV1,
  type EventContract,
  type EventPayload,
} from '@amtsbote/contracts';
import { EVENT_BATCH_HANDLER_METADATA } from '@amtsbote/messaging';
import { newTestService, stub } from '@amtsbote/testing';
import type { EntityManager } from 'typeorm';
import { NotificationsService } from '../notifications/notifications.service';
import { PostkorbInbox } from '../postkorb/postkorb-inbox.service';
import { PROJECTED_CONTRACTS, ruleOf } from './projection-rules';
import { ProjectionsConsumer } from './projections.consumer';
import {
  type PendingEvent,
  ProjectionsRepository,
  type SubmissionFacts,
  type SubmissionRecord,
  type TimelineEntry,
} from './projections.repository';
import { type IncomingEvent, ProjectionsService } from './projections.service';

// Service-level tests of the projection rules: what each event does to the owner's timeline, status and
// Postkorb, with the repositories replaced.

const MANAGER = {} as EntityManager;
const SUBMISSION = '0b6c8a52-1f1e-4c55-9f43-3c3c7d7b2a10';
const ref = { submissionId: SUBMISSION, vorgangsnummer: 'HB-2026-000042', tenant: 'hb' };
const MESSAGE_ID = '5d0e2a9c-7a4f-4a8e-9f3e-1c2b3a4d5e6f';
const authority = { destinationId: 'd', name: 'Bürgeramt Bremen', identity: 'hb' };

const submitted: EventPayload<typeof submissionSubmittedV1> = {
  ...ref,
  leikaKey: '99050012104000',
  leistungName: 'Bewohnerparkausweis',
  ars: '040110000000',
  applicant: { ownerKey: 'i|anna', kind: 'person', trustLevel: 3 },
  submittedAt: '2026-03-01T09:30:00Z',
  dataSha512: 'a'.repeat(128),
};

function event<C extends EventContract>(
  contract: C,
  data: EventPayload<C>,
  id: string,
  time: string,
): IncomingEvent {
  return { id, type: contract.type, time, data };
}

function known(o: Partial<SubmissionRecord> = {}): SubmissionRecord {
  return {
    submissionId: SUBMISSION,
    ownerKey: 'i|anna',
    anonymous: false,
    actedByKey: null,
    tenant: 'hb',
    vorgangsnummer: ref.vorgangsnummer,
    leikaKey: '99050012104000',
    leistungName: 'Bewohnerparkausweis',
    submittedAt: new Date('2026-03-01T09:30:00Z'),
    status: null,
    outcome: null,
    statusAt: null,
    erasedAt: null,
    ...o,
  };
}

/**
 * `o.learnt`: the submission is new to accounts (its parked events come back); `o.fresh`: timeline entries
 * are not there yet.
 */
function setUp(
  submission: SubmissionRecord | undefined,
  parked: PendingEvent[] = [],
  o: { learnt?: boolean; fresh?: boolean } = {},
) {
  const learnt = o.learnt ?? submission === undefined;
  const repository = stub<ProjectionsRepository>('ProjectionsRepository', {
    lockSubmissions: () => Promise.resolve(),
    learn: (_m: EntityManager, facts: readonly SubmissionFacts[]) => {
      const ids = learnt ? facts.map((f) => f.submissionId) : [];
      return Promise.resolve({ learnt: new Set(ids), parked: new Map(ids.map((id) => [id, parked])) });
    },
    findAll: () =>
      Promise.resolve(new Map(submission === undefined ? [] : [[submission.submissionId, submission]])),
    park: () => Promise.resolve(),
    addTimelineEntries: (_m: EntityManager, entries: readonly TimelineEntry[]) =>
      Promise.resolve(new Set(o.fresh === false ? [] : entries.map((e) => e.eventId))),
    setStatuses: () => Promise.resolve(),
    linkTimelineMessages: () => Promise.resolve(),
  });
  const inbox = stub<PostkorbInbox>('PostkorbInbox', { receive: () => Promise.resolve(true) });
  const notifications = stub<NotificationsService>('NotificationsService', {
    newMessage: () => Promise.resolve(),
  });
  const { sut } = newTestService(ProjectionsService, [
    [ProjectionsRepository, repository],
    [PostkorbInbox, inbox],
    [NotificationsService, notifications],
  ]);
  /** What the batch calls wrote, one item per event (the per-event view of the old single-event calls). */
  const written = <T>(method: string) => repository.callsOf(method).flatMap((a) => a[1] as T[]);
  const handle = (e: IncomingEvent) => sut.handleBatch(MANAGER, [e]);
  return { sut, repository, inbox, notifications, written, handle };
}

describe('projection rules (service level)', () => {
  it('are one row per contract, and the consumer handles exactly the contracts of the table', () => {
    const types = PROJECTED_CONTRACTS.map((c) => c.type);
    assert.equal(new Set(types).size, types.length, 'a contract has one rule');
    const method = Object.getOwnPropertyDescriptor(ProjectionsConsumer.prototype, 'onEvents')
      ?.value as object;
    const handled = Reflect.getMetadata(EVENT_BATCH_HANDLER_METADATA, method) as readonly EventContract[];
    assert.deepEqual(
      handled.map((c) => c.type),
      types,
    );
    for (const type of types) assert.equal(ruleOf(type)?.contract.type, type);
    assert.equal(ruleOf('de.amtsbote.unknown.v1'), undefined);
  });

  it('park an event whose submission is not known yet', async () => {
    const t = setUp(undefined);
    const e = event(
      routingStatusV1,
      { ...ref, messageId: MESSAGE_ID, authority, status: 'RECEIVED', at: '2026-03-01T10:00:00Z' },
      'e1',
      '2026-03-01T10:00:00Z',
    );
    await t.handle(e);
    assert.deepEqual(
      t.written<PendingEvent>('park').map((p) => p.eventId),
      ['e1'],
    );
    assert.equal(t.written('addTimelineEntries').length, 0);
    assert.equal(t.repository.callsOf('learn').length, 0, 'a routing status tells nothing about the owner');
  });

  it('learn the owner from submission.submitted and put the receipt into the Postkorb, notifying the owner', async () => {
    const t = setUp(known());
    await t.handle(event(submissionSubmittedV1, submitted, 'e1', '2026-03-01T09:30:01Z'));
    const [facts] = t.written<SubmissionFacts>('learn');
    assert.deepEqual([facts.ownerKey, facts.leistungName], ['i|anna', 'Bewohnerparkausweis']);
    assert.deepEqual(
      t.written<{ status: string; outcome: string | null }>('setStatuses').map((c) => [c.status, c.outcome]),
      [['SUBMITTED', null]],
    );
    const [[, message]] = t.inbox.callsOf('receive') as [
      [unknown, { ownerKey: string; category: string; sourceEventId: string }],
    ];
    assert.deepEqual([message.ownerKey, message.sourceEventId], ['i|anna', 'e1']);
    assert.equal(t.notifications.callsOf('newMessage').length, 1);
  });

  it('apply what was parked once the owner is learnt, in order after the event that taught it', async () => {
    const parked = [
      {
        eventId: 'e0',
        type: routingStatusV1.type,
        time: '2026-03-01T10:00:00Z',
        data: { ...ref, messageId: MESSAGE_ID, authority, status: 'RECEIVED', at: '2026-03-01T10:00:00Z' },
      },
    ];
    // learn() reports the submission as new: its parked events come back.
    const t = setUp(known(), parked, { learnt: true });
    await t.handle(event(submissionSubmittedV1, submitted, 'e1', '2026-03-01T09:30:01Z'));
    assert.deepEqual(
      t.written<TimelineEntry>('addTimelineEntries').map((e) => e.eventId),
      ['e1', 'e0'],
    );
  });

  it('project nothing for an anonymous or erased owner', async () => {
    for (const s of [known({ ownerKey: null, anonymous: true }), known({ erasedAt: new Date() })]) {
      const t = setUp(s);
      await t.handle(event(submissionSubmittedV1, submitted, 'e1', '2026-03-01T09:30:01Z'));
      assert.equal(t.written('addTimelineEntries').length, 0);
      assert.equal(t.inbox.callsOf('receive').length, 0);
    }
  });

  it('never let an older report override a newer status (topics are not ordered among each other)', async () => {
    const t = setUp(known({ status: 'PROCESSING', statusAt: new Date('2026-03-02T00:00:00Z') }));
    const older = event(
      routingStatusV1,
      { ...ref, messageId: MESSAGE_ID, authority, status: 'RECEIVED', at: '2026-03-01T10:00:00Z' },
      'e2',
      '2026-03-01T10:00:00Z',
    );
    await t.handle(older);
    assert.equal(t.written('addTimelineEntries').length, 1, 'the timeline still shows it');
    assert.equal(t.written('setStatuses').length, 0);
  });

  it('add nothing twice: a timeline entry already there stops the rest', async () => {
    const t = setUp(known(), [], { fresh: false });
    await t.handle(
      event(
        routingStatusV1,
        { ...ref, messageId: MESSAGE_ID, authority, status: 'PROCESSING', at: '2026-03-01T11:00:00Z' },
        'e3',
        '2026-03-01T11:00:00Z',
      ),
    );
    assert.equal(t.inbox.callsOf('receive').length, 0);
  });
});
