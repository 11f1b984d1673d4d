import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  mandateGrantedV1,
  mandateRevokedV1,
  postkorbReplySentV1,
  routingReplyV1,
  routingStatusV1,
  submissionSubmittedV1,
  TOPICS,
} from '@amtsbote/contracts';
import { EventRecorder, eventually } from '@amtsbote/testing';
import {
  type AccountsUnderTest,
  authority,
  keyOf,
  LEIKA,
  OTHER_LEIKA,
  submitted,
  startAccounts,
} from './harness';

interface Mandate {
  mandateId: string;
  organisationKey: string;
  organisationName: string | null;
  representativeKey: string;
  leikaKeys: string[] | null;
  state: string;
  revokedAt: string | null;
}
interface Page {
  items: Array<{ id: string; subject: string; submissionId: string; sender: { kind: string } }>;
}

const ORG = keyOf('musterbau');
const DORA = keyOf('dora');

void describe('representation: mandates and acting for an organisation', () => {
  let f: AccountsUnderTest;
  let recorder: EventRecorder;
  const inScope = submitted(ORG, { leikaKey: LEIKA });
  const outOfScope = submitted(ORG, { leikaKey: OTHER_LEIKA });
  let mandate: Mandate;

  const handled = (eventId: string) =>
    eventually(
      async () =>
        (await f.count(`SELECT count(*) AS n FROM accounts.inbox WHERE event_id = $1`, [eventId])) > 0
          ? true
          : undefined,
      { what: `event ${eventId} to be handled` },
    );
  const messagesFor = (as: string, actFor?: string) =>
    f.call<Page>(as, 'GET', '/postkorb/messages?limit=100', { actFor });

  before(async () => {
    f = await startAccounts('representation');
    recorder = await EventRecorder.start(f.topicPrefix, [TOPICS.accounts, TOPICS.postkorb]);
    for (const s of [inScope, outOfScope]) await handled((await f.publish(submissionSubmittedV1, s)).id);
    // Accounts exist once their owners signed in.
    for (const user of ['musterbau', 'dora', 'ben', 'clara', 'anna']) await f.call(user, 'GET', '/me');
  });

  after(async () => {
    await recorder?.stop();
    await f?.close();
  });

  void it('lets only an organisation grant mandates, and checks what it grants', async () => {
    const grant = (as: string, body: object) =>
      f.call<{ errors?: Array<{ path: string }> }>(as, 'POST', '/mandates', { body });
    assert.equal((await grant('anna', { representativeKey: DORA, leikaKeys: null })).status, 403);
    const self = await grant('musterbau', { representativeKey: ORG, leikaKeys: null });
    assert.equal(self.status, 422);
    assert.equal(self.body.errors?.[0]?.path, '/representativeKey');
    const foreign = await grant('musterbau', {
      representativeKey: 'https://idp.elsewhere.example|dora',
      leikaKeys: null,
    });
    assert.equal(foreign.status, 422);
    const backwards = await grant('musterbau', {
      representativeKey: DORA,
      leikaKeys: null,
      validFrom: '2030-01-02T00:00:00Z',
      validUntil: '2030-01-01T00:00:00Z',
    });
    assert.equal(backwards.status, 422);
    assert.equal((await grant('musterbau', { representativeKey: DORA, leikaKeys: ['123'] })).status, 400);
    assert.equal(
      (await grant('musterbau', { representativeKey: DORA })).status,
      400,
      'scope must be explicit',
    );
  });

  void it('shows a representative nothing of the organisation without a mandate', async () => {
    assert.equal((await messagesFor('dora', ORG)).status, 404);
    assert.equal(
      (await f.call('dora', 'GET', '/postkorb/messages/unread-count', { actFor: ORG })).status,
      404,
    );
  });

  void it('grants a scoped mandate through the outbox and shows the organisation’s Postkorb within scope', async () => {
    const granted = await f.call<Mandate>('musterbau', 'POST', '/mandates', {
      body: { representativeKey: DORA, leikaKeys: [LEIKA] },
    });
    assert.equal(granted.status, 201);
    mandate = granted.body;
    assert.equal(mandate.state, 'active');
    assert.equal(mandate.organisationName, 'Musterbau GmbH');
    const event = await eventually(async () => recorder.ofType(mandateGrantedV1, mandate.mandateId)[0], {
      what: 'mandateGrantedV1',
    });
    assert.deepEqual(
      { ...event.data, validFrom: undefined },
      {
        mandateId: mandate.mandateId,
        organisationKey: ORG,
        representativeKey: DORA,
        leikaKeys: [LEIKA],
        validFrom: undefined,
        validUntil: null,
      },
    );

    const asDora = await messagesFor('dora', ORG);
    assert.equal(asDora.status, 200);
    assert.deepEqual(
      asDora.body.items.map((m) => m.submissionId),
      [inScope.submissionId],
      'only messages of Leistungen in the mandate',
    );
    const hidden = (await messagesFor('musterbau')).body.items.find(
      (m) => m.submissionId === outOfScope.submissionId,
    );
    assert.ok(hidden, 'the organisation itself sees everything');
    assert.equal(
      (await f.call('dora', 'GET', `/postkorb/messages/${hidden.id}`, { actFor: ORG })).status,
      404,
    );
    assert.equal(
      (
        await f.call('dora', 'GET', `/postkorb/submissions/${outOfScope.submissionId}/timeline`, {
          actFor: ORG,
        })
      ).status,
      404,
    );
    const count = await f.call<{ unread: number }>('dora', 'GET', '/postkorb/messages/unread-count', {
      actFor: ORG,
    });
    assert.equal(count.body.unread, 1);
    // Every list and every filter stays within the mandate (issue 17).
    const submissions = await f.call<{ items: Array<{ submissionId: string }> }>(
      'dora',
      'GET',
      '/postkorb/submissions?limit=100',
      { actFor: ORG },
    );
    assert.deepEqual(
      submissions.body.items.map((s) => s.submissionId),
      [inScope.submissionId],
      'only submissions of Leistungen in the mandate',
    );
    const filtered = await f.call<Page>(
      'dora',
      'GET',
      `/postkorb/messages?submissionId=${outOfScope.submissionId}&limit=100`,
      { actFor: ORG },
    );
    assert.deepEqual(filtered.body.items, [], 'a filter on another Leistung’s submission finds nothing');
    const unread = await f.call<Page>('dora', 'GET', '/postkorb/messages?unread=true&limit=100', {
      actFor: ORG,
    });
    assert.deepEqual(
      unread.body.items.map((m) => m.submissionId),
      [inScope.submissionId],
    );

    // Dora's own Postkorb stays her own; the others have no mandate.
    assert.equal((await messagesFor('dora')).body.items.length, 0);
    assert.equal((await messagesFor('ben', ORG)).status, 404);
    const reps = await f.call<{ items: Mandate[] }>('dora', 'GET', '/me/representations');
    assert.deepEqual(
      reps.body.items.map((m) => [m.organisationKey, m.organisationName, m.state]),
      [[ORG, 'Musterbau GmbH', 'active']],
    );
    // Mandates are the organisation's business only.
    assert.equal((await f.call('dora', 'GET', `/mandates/${mandate.mandateId}`)).status, 403);
    assert.equal(
      (
        await f.call('dora', 'POST', '/mandates', {
          body: { representativeKey: keyOf('ben'), leikaKeys: null },
          actFor: ORG,
        })
      ).status,
      400,
    );
  });

  void it('records who acted when a representative reads or answers for the organisation', async () => {
    const [message] = (await messagesFor('dora', ORG)).body.items;
    const read = await f.call<{ readAt: string }>('dora', 'GET', `/postkorb/messages/${message.id}`, {
      actFor: ORG,
    });
    assert.equal(read.status, 200);
    assert.ok(read.body.readAt);

    // The authority asks; Dora answers for Musterbau.
    const authorityReply = randomUUID();
    const ask = await f.publish(routingReplyV1, {
      submissionId: inScope.submissionId,
      vorgangsnummer: inScope.vorgangsnummer,
      tenant: 'hb',
      replyId: authorityReply,
      authority,
      kind: 'MESSAGE',
      subject: 'Rückfrage zu Ihrem Antrag',
      body: 'Bitte bestätigen Sie die Anschrift.',
      attachments: [],
      at: new Date().toISOString(),
    });
    await handled(ask.id);
    const question = (await messagesFor('dora', ORG)).body.items.find(
      (m) => m.subject === 'Rückfrage zu Ihrem Antrag',
    );
    assert.ok(question);
    const answer = await f.call<{ actedByKey: string; direction: string }>(
      'dora',
      'POST',
      `/postkorb/messages/${question.id}/replies`,
      { actFor: ORG, body: { text: 'Die Anschrift ist korrekt.' } },
    );
    assert.equal(answer.status, 201);
    assert.equal(answer.body.actedByKey, DORA);
    const sent = await eventually(async () => recorder.ofType(postkorbReplySentV1, inScope.submissionId)[0], {
      what: 'the reply event',
    });
    assert.equal(sent.data.fromKey, ORG);
    assert.equal(sent.data.actedByKey, DORA);
    assert.equal(sent.data.inReplyTo, authorityReply);

    const audit = await f.sql.query<Array<{ actor_key: string; owner_key: string; action: string }>>(
      `SELECT actor_key, owner_key, action FROM accounts.audit_log WHERE actor_key = $1 ORDER BY id`,
      [DORA],
    );
    assert.deepEqual(
      audit.map((a) => [a.owner_key, a.action]),
      [
        [ORG, 'message.read'],
        [ORG, 'message.replied'],
      ],
    );
    const activity = await f.call<{ items: Array<{ actorKey: string; action: string }> }>(
      'musterbau',
      'GET',
      '/me/activity',
    );
    assert.deepEqual(
      activity.body.items.filter((a) => a.actorKey === DORA).map((a) => a.action),
      ['message.replied', 'message.read'],
      'the organisation sees what its representative did',
    );
    assert.ok(activity.body.items.some((a) => a.actorKey === ORG && a.action === 'mandate.granted'));
  });

  void it('loses the organisation’s Postkorb at once when the mandate is revoked', async () => {
    const revoked = await f.call<Mandate>('musterbau', 'POST', `/mandates/${mandate.mandateId}/revoke`);
    assert.equal(revoked.status, 200);
    assert.equal(revoked.body.state, 'revoked');
    assert.equal((await messagesFor('dora', ORG)).status, 404);
    const [message] = (await messagesFor('musterbau')).body.items;
    assert.equal(
      (await f.call('dora', 'GET', `/postkorb/messages/${message.id}`, { actFor: ORG })).status,
      404,
    );
    assert.equal(
      (await f.call<{ items: Mandate[] }>('dora', 'GET', '/me/representations')).body.items.length,
      0,
    );

    const again = await f.call<Mandate>('musterbau', 'POST', `/mandates/${mandate.mandateId}/revoke`);
    assert.equal(again.status, 200, 'revoking is idempotent');
    const event = await eventually(async () => recorder.ofType(mandateRevokedV1, mandate.mandateId)[0], {
      what: 'mandateRevokedV1',
    });
    assert.equal(event.data.revokedAt, revoked.body.revokedAt);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(
      recorder.ofType(mandateRevokedV1, mandate.mandateId).length,
      1,
      'one event for one revocation',
    );

    const list = await f.call<{ items: Mandate[] }>('musterbau', 'GET', '/mandates');
    assert.equal(list.body.items.length, 0);
    const all = await f.call<{ items: Mandate[] }>('musterbau', 'GET', '/mandates?includeRevoked=true');
    assert.equal(all.body.items.length, 1);
  });

  void it('honours the validity period', async () => {
    const future = await f.call<Mandate>('musterbau', 'POST', '/mandates', {
      body: {
        representativeKey: keyOf('clara'),
        leikaKeys: null,
        validFrom: new Date(Date.now() + 3_600_000).toISOString(),
      },
    });
    assert.equal(future.body.state, 'scheduled');
    assert.equal((await messagesFor('clara', ORG)).status, 404, 'not before it begins');

    const brief = await f.call<Mandate>('musterbau', 'POST', '/mandates', {
      body: {
        representativeKey: keyOf('anna'),
        leikaKeys: null,
        validUntil: new Date(Date.now() + 2500).toISOString(),
      },
    });
    assert.equal(brief.status, 201);
    const during = await messagesFor('anna', ORG);
    assert.equal(during.status, 200);
    assert.ok(during.body.items.length >= 2, 'an unscoped mandate shows every Leistung');
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal((await messagesFor('anna', ORG)).status, 404, 'not after it ends');
    const state = await f.call<Mandate>('musterbau', 'GET', `/mandates/${brief.body.mandateId}`);
    assert.equal(state.body.state, 'expired');
  });

  void it('a representative with a scoped mandate cannot answer outside its scope', async () => {
    const scoped = await f.call<Mandate>('musterbau', 'POST', '/mandates', {
      body: { representativeKey: keyOf('ben'), leikaKeys: [LEIKA] },
    });
    assert.equal(scoped.status, 201);
    const ask = await f.publish(routingStatusV1, {
      submissionId: outOfScope.submissionId,
      vorgangsnummer: outOfScope.vorgangsnummer,
      tenant: 'hb',
      messageId: randomUUID(),
      authority,
      status: 'ACTION_REQUIRED',
      message: 'Bitte Unterlagen nachreichen.',
      at: new Date().toISOString(),
    });
    await handled(ask.id);
    const target = (await messagesFor('musterbau')).body.items.find(
      (m) => m.submissionId === outOfScope.submissionId && m.sender.kind === 'authority',
    );
    assert.ok(target);
    const res = await f.call('ben', 'POST', `/postkorb/messages/${target.id}/replies`, {
      actFor: ORG,
      body: { text: 'Hier die Unterlagen' },
    });
    assert.equal(res.status, 404);
  });

  void it('revokes every mandate of an organisation that erases its account', async () => {
    const active = (await f.call<{ items: Mandate[] }>('musterbau', 'GET', '/mandates')).body.items;
    assert.ok(active.length >= 2);
    assert.equal((await f.call('musterbau', 'DELETE', '/me')).status, 204);
    await eventually(
      async () =>
        active.every((m) => recorder.ofType(mandateRevokedV1, m.mandateId).length === 1) ? true : undefined,
      { what: 'a revocation event for each mandate' },
    );
    assert.equal((await messagesFor('ben', ORG)).status, 404);
    assert.equal(
      await f.count(`SELECT count(*) AS n FROM accounts.mandates WHERE organisation_key = $1`, [ORG]),
      0,
    );
  });
});
