import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { submissionReadyV1 } from '@amtsbote/contracts';
import { FileLinks } from '@amtsbote/platform';
import { newTestService, stub } from '@amtsbote/testing';
import type { EntityManager } from 'typeorm';
import type { SubmissionStatus } from './state-machine';
import {
  type HistoryEntry,
  type StatusChange,
  SubmissionStatusRepository,
} from './submission-status.repository';
import { SubmissionStatusService } from './submission-status.service';
import type { Submission } from './submissions.entity';

// Service-level tests of the submission state machine: which events move a submission, what each move
// emits, with the repository, the outbox and the URL signer replaced.

const MANAGER = {} as EntityManager;

function submission(status: SubmissionStatus): Submission {
  return {
    id: 's-1',
    tenant: 'hb',
    leikaKey: '99050012104000',
    leistungName: 'Bewohnerparkausweis',
    vorgangsnummer: 'HB-2026-000001',
    ars: '040110000000',
    ownerKey: 'i|anna',
    actedByKey: null,
    applicantKind: 'person',
    trustLevel: 3,
    schemaId: 'S1',
    schemaVersion: '1.0',
    data: { name: 'Anna' },
    status,
    payment: null,
    submittedAt: new Date('2026-03-01T09:30:00Z'),
  } as unknown as Submission;
}

function setUp(current: Submission | undefined) {
  const repository = stub<SubmissionStatusRepository>('SubmissionStatusRepository', {
    lockAll: () => Promise.resolve(new Map(current ? [[current.id, current]] : [])),
    attachmentsOf: (_m: EntityManager, ids: readonly string[]) =>
      Promise.resolve(
        new Map(
          ids.map((id) => [
            id,
            [
              {
                id: 'a-1',
                storageKey: 'k-1',
                filename: 'nachweis.pdf',
                mediaType: 'application/pdf',
                size: 3,
                sha512: 'f',
              },
            ],
          ]),
        ) as never,
      ),
    record: () => Promise.resolve(),
  });
  const links = stub<FileLinks>('FileLinks', {
    link: (file: { id: string }) =>
      Promise.resolve({
        url: `http://intake/files/${file.id}?sig`,
        expiresAt: new Date('2026-03-02T00:00:00Z'),
      }),
  });
  const { sut } = newTestService(SubmissionStatusService, [
    [SubmissionStatusRepository, repository],
    [FileLinks, links],
  ]);
  /** What `record` was given: the changes (one per submission), history entries and events. */
  const recorded = () =>
    repository.callsOf('record').map(([, changes, history, events]) => ({
      changes: changes as StatusChange[],
      history: history as HistoryEntry[],
      events: events as Array<{ contract: { type: string }; data: unknown }>,
    }));
  /** Applies one transition; whether the state changed. */
  const apply = async (to: SubmissionStatus) => {
    await sut.applyAll(MANAGER, [
      { submissionId: 's-1', to, at: new Date('2026-03-01T10:00:00Z'), cause: 'test' },
    ]);
    return recorded().some((r) => r.changes.length > 0);
  };
  /** One status change as the old single-transition view saw it. */
  const changes = () =>
    recorded().flatMap((r) =>
      r.changes.map((c, i) => ({
        from: r.history[i].previousStatus,
        to: c.status,
        ends: c.endedAt !== null,
        confirmsReceipt: c.confirmedAt !== null,
      })),
    );
  const emitted = () => recorded().flatMap((r) => r.events.map((e) => e.contract.type));
  return { repository, recorded, apply, changes, emitted };
}

describe('submission state machine (service level)', () => {
  it('moves an allowed transition: one status change recorded, no echo of the step routing told', async () => {
    const t = setUp(submission('READY'));
    assert.equal(await t.apply('DELIVERED'), true);
    const [change] = t.changes();
    assert.deepEqual([change.from, change.to, change.ends], ['READY', 'DELIVERED', false]);
    assert.deepEqual(t.emitted(), []);
  });

  it('hands a READY submission to routing with its data and signed attachment links', async () => {
    const t = setUp(submission('AWAITING_PAYMENT'));
    assert.equal(await t.apply('READY'), true);
    assert.deepEqual(t.emitted(), [submissionReadyV1.type]);
    const ready = t.recorded()[0].events[0].data as { data: unknown; attachments: Array<{ url: string }> };
    assert.deepEqual(ready.data, { name: 'Anna' });
    assert.deepEqual(
      ready.attachments.map((a) => a.url),
      ['http://intake/files/a-1?sig'],
    );
  });

  it('ignores transitions the machine does not allow (late, duplicate or out-of-order events)', async () => {
    for (const [from, to] of [
      ['COMPLETED', 'PROCESSING'],
      ['DELIVERED', 'READY'],
      ['RECEIVED', 'DELIVERED'],
      ['FAILED', 'READY'],
      ['SUBMITTED', 'DELIVERED'],
    ] as Array<[SubmissionStatus, SubmissionStatus]>) {
      const t = setUp(submission(from));
      assert.equal(await t.apply(to), false, `${from} → ${to}`);
      assert.equal(t.changes().length, 0);
      assert.deepEqual(t.emitted(), []);
    }
  });

  it('marks terminal states as the end and receipt states as confirmed', async () => {
    const t = setUp(submission('PROCESSING'));
    await t.apply('COMPLETED');
    const [change] = t.changes();
    assert.deepEqual([change.ends, change.confirmsReceipt], [true, true]);
  });

  it('ignores events of a submission it does not know', async () => {
    const t = setUp(undefined);
    assert.equal(await t.apply('READY'), false);
    assert.deepEqual(t.emitted(), []);
  });
});
