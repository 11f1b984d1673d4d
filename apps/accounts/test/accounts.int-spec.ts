import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  accountDeletedV1,
  paymentRequestedV1,
  routingDeliveredV1,
  submissionSubmittedV1,
  TOPICS,
} from '@amtsbote/contracts';
import {
  clientCredentialsToken,
  DEV_CLIENTS,
  DEV_USERS,
  EventRecorder,
  eventually,
  forgeToken,
  mintToken,
  tamperToken,
} from '@amtsbote/testing';
import {
  type AccountsUnderTest,
  authority,
  ISSUER,
  keyOf,
  mailText,
  SmtpSink,
  submitted,
  startAccounts,
} from './harness';

interface AccountBody {
  id: string;
  key: string;
  kind: string;
  displayName: string | null;
  trustLevel: number;
  email: string | null;
  emailPending: string | null;
}

interface MessageList {
  items: Array<{ id: string; subject: string; category: string; vorgangsnummer: string }>;
  nextCursor: string | null;
}

/** Splits a raw mail into headers and (decoded) body. */
function parts(raw: string): { headers: string; body: string } {
  const at = raw.search(/\r?\n\r?\n/);
  return { headers: raw.slice(0, at), body: mailText(raw.slice(at)) };
}

void describe('accounts: login, profile, notifications and erasure', () => {
  let f: AccountsUnderTest;
  const smtp = new SmtpSink();
  let recorder: EventRecorder;
  let shortLived: string;
  let shortLivedAt: number;

  const inboxHas = (eventId: string) =>
    eventually(
      async () =>
        (await f.count(`SELECT count(*) AS n FROM accounts.inbox WHERE event_id = $1`, [eventId])) > 0
          ? true
          : undefined,
      { what: `event ${eventId} to be handled` },
    );

  before(async () => {
    // Minted first: it must be expired (beyond the verifier's 30 s clock tolerance) by the last test.
    shortLived = await mintToken(ISSUER, 'anna', { ttlSeconds: 1 });
    shortLivedAt = Date.now();
    await smtp.start();
    f = await startAccounts('accounts', {
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      SMTP_FROM: 'Postkorb <postkorb@amtsbote.test>',
      ACCOUNTS_NOTIFICATION_RETRY_BASE_MS: '200',
      ACCOUNTS_PORTAL_URL: 'https://portal.example/postkorb',
    });
    recorder = await EventRecorder.start(f.topicPrefix, [TOPICS.accounts]);
  });

  after(async () => {
    await recorder?.stop();
    await f?.close();
    await smtp.stop();
  });

  void it('creates exactly one account on concurrent first calls, from the token alone', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, () => f.call<AccountBody>('clara', 'GET', '/me')),
    );
    assert.deepEqual(
      results.map((r) => r.status),
      results.map(() => 200),
    );
    assert.equal(new Set(results.map((r) => r.body.id)).size, 1);
    assert.equal(
      await f.count(`SELECT count(*) AS n FROM accounts.accounts WHERE key = $1`, [keyOf('clara')]),
      1,
    );
    const me = results[0].body;
    assert.equal(me.key, keyOf('clara'));
    assert.equal(me.kind, 'person');
    assert.equal(me.displayName, 'Clara Fischer');
    assert.equal(me.trustLevel, 4);
    assert.equal(me.email, null, 'the token e-mail is not a confirmed contact address');
  });

  void it('gives an organisation login an organisation account', async () => {
    const me = await f.call<AccountBody>('musterbau', 'GET', '/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.kind, 'organisation');
    assert.equal(me.body.displayName, DEV_USERS.musterbau.name);
  });

  void it('refuses missing, foreign-issuer, forged and tampered tokens and creates no account for them', async () => {
    assert.equal((await f.call({}, 'GET', '/me')).status, 401);
    const foreign = await forgeToken({ iss: 'https://idp.elsewhere.example', sub: 'mallory' });
    assert.equal((await f.call({ token: foreign }, 'GET', '/me')).status, 401);
    const forged = await forgeToken({ iss: ISSUER, sub: 'mallory', kind: 'person' });
    assert.equal((await f.call({ token: forged }, 'GET', '/me')).status, 401);
    const tampered = tamperToken(await f.token('ben'), { sub: 'mallory' });
    assert.equal((await f.call({ token: tampered }, 'GET', '/me')).status, 401);
    assert.equal(
      await f.count(`SELECT count(*) AS n FROM accounts.accounts WHERE subject IN ('mallory', 'ben')`),
      0,
    );
  });

  void it('gives technical clients no account', async () => {
    const client = DEV_CLIENTS['fv-bremen-parken'];
    const token = await clientCredentialsToken(ISSUER, client.clientId, client.clientSecret, 'routing.pull');
    assert.equal((await f.call({ token }, 'GET', '/me')).status, 403);
    assert.equal((await f.call({ token }, 'GET', '/postkorb/messages')).status, 403);
  });

  void it('lets the owner change the display name but never the id or key', async () => {
    const refused = await f.call('anna', 'PATCH', '/me', { body: { key: `${ISSUER}|ben` } });
    assert.equal(refused.status, 400);
    const renamed = await f.call<AccountBody>('anna', 'PATCH', '/me', {
      body: { displayName: 'A. Schmidt' },
    });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.displayName, 'A. Schmidt');
    assert.equal(renamed.body.key, keyOf('anna'));
    const reset = await f.call<AccountBody>('anna', 'PATCH', '/me', { body: { displayName: null } });
    assert.equal(reset.body.displayName, 'Anna Schmidt');
    const forOther = await f.call('anna', 'PATCH', '/me', {
      body: { displayName: 'x' },
      actFor: keyOf('musterbau'),
    });
    assert.equal(forOther.status, 400);
  });

  void it('confirms a contact address by link and notifies once per message, without personal data', async () => {
    const address = 'anna.notify@example.org';
    const patched = await f.call<AccountBody>('anna', 'PATCH', '/me', { body: { email: address } });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.email, null);
    assert.equal(patched.body.emailPending, address);

    const confirmation = await eventually(async () => smtp.mails.find((m) => m.to.includes(address)), {
      what: 'the confirmation e-mail',
    });
    const link = /https?:\/\/\S+email-confirmations\?token=[A-Za-z0-9_-]+/.exec(
      parts(confirmation.raw).body,
    )?.[0];
    assert.ok(link, 'the confirmation mail carries a link');
    const opened = await fetch(link);
    assert.equal(opened.status, 200);
    assert.match(await opened.text(), /E-Mail-Adresse bestätigt/);
    const token = new URL(link).searchParams.get('token');
    const again = await f.call({}, 'POST', '/email-confirmations', { body: { token } });
    assert.equal(again.status, 404, 'a confirmation token works once');
    const me = await f.call<AccountBody>('anna', 'GET', '/me');
    assert.equal(me.body.email, address);
    assert.equal(me.body.emailPending, null);

    // A message arrives: one notice, no personal data in it.
    const before = smtp.mails.length;
    const s = submitted(keyOf('anna'));
    const event = await f.publish(submissionSubmittedV1, s);
    await f.publish(submissionSubmittedV1, s, event.id); // delivered twice
    const mail = await eventually(async () => smtp.mails.slice(before).find((m) => m.to.includes(address)), {
      what: 'the notification e-mail',
    });
    const { body } = parts(mail.raw);
    assert.match(body, /Sie haben eine neue Nachricht im Postkorb/);
    assert.match(body, /https:\/\/portal\.example\/postkorb/);
    const list = await f.call<MessageList>(
      'anna',
      'GET',
      `/postkorb/messages?submissionId=${s.submissionId}`,
    );
    assert.equal(list.body.items.length, 1);
    for (const personal of [
      'Anna',
      'Schmidt',
      s.vorgangsnummer,
      s.leistungName,
      list.body.items[0].subject,
      s.submissionId,
      address,
    ]) {
      assert.ok(!body.includes(personal), `the notice must not contain "${personal}"`);
    }
    assert.doesNotMatch(parts(mail.raw).headers, /Bewohnerpark|Anna|Schmidt/);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(
      smtp.mails.slice(before).filter((m) => m.to.includes(address)).length,
      1,
      'exactly one notice per message, even when the event came twice',
    );
  });

  void it('keeps the message when SMTP fails and sends the notice once SMTP works again', async () => {
    const address = 'anna.notify@example.org';
    const s = submitted(keyOf('anna'));
    await f.publish(submissionSubmittedV1, s);
    await eventually(
      async () => smtp.mails.filter((m) => m.raw.includes('Neue Nachricht')).length >= 2 || undefined,
      { what: 'the notice of the second submission' },
    );
    const before = smtp.mails.length;
    const attemptsBefore = smtp.attempts;
    smtp.failNext = 2;
    const request = await f.publish(paymentRequestedV1, {
      submissionId: s.submissionId,
      tenant: 'hb',
      transactionId: crypto.randomUUID(),
      amountCents: 3000,
      currency: 'EUR',
      purpose: 'Bewohnerparken',
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    // The Postkorb message is there while the e-mail still fails.
    await inboxHas(request.id);
    const payment = await f.call<MessageList>('anna', 'GET', '/postkorb/messages?category=payment');
    assert.equal(payment.body.items.filter((m) => m.vorgangsnummer === s.vorgangsnummer).length, 1);
    const mail = await eventually(async () => smtp.mails.slice(before).find((m) => m.to.includes(address)), {
      what: 'the retried notice',
    });
    assert.ok(mail);
    assert.equal(smtp.attempts - attemptsBefore, 3, 'two failed attempts, then one delivery');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(smtp.mails.length - before, 1);
  });

  void it('sends nothing to an unconfirmed address', async () => {
    await f.call('ben', 'PATCH', '/me', { body: { email: 'ben.unconfirmed@example.org' } });
    const s = submitted(keyOf('ben'));
    const e = await f.publish(submissionSubmittedV1, s);
    await inboxHas(e.id);
    await new Promise((r) => setTimeout(r, 500));
    const toBen = smtp.mails.filter((m) => m.to.includes('ben.unconfirmed@example.org'));
    assert.equal(toBen.length, 1, 'only the confirmation mail');
    assert.match(parts(toBen[0].raw).body, /bestätigen/);
  });

  void it('erases the account with its Postkorb, drops later messages, and announces the erasure', async () => {
    const s = submitted(keyOf('ben'));
    const e = await f.publish(submissionSubmittedV1, s);
    await inboxHas(e.id);
    const list = await f.call<MessageList>('ben', 'GET', '/postkorb/messages');
    assert.ok(list.body.items.length >= 2);
    const oldId = (await f.call<AccountBody>('ben', 'GET', '/me')).body.id;

    const erased = await f.call('ben', 'DELETE', '/me');
    assert.equal(erased.status, 204);
    for (const table of ['messages', 'timeline_entries', 'files', 'notifications']) {
      const column = table === 'notifications' ? 'account_key' : 'owner_key';
      assert.equal(
        await f.count(`SELECT count(*) AS n FROM accounts.${table} WHERE ${column} = $1`, [keyOf('ben')]),
        0,
        `${table} of the erased account`,
      );
    }
    assert.equal(
      await f.count(`SELECT count(*) AS n FROM accounts.accounts WHERE key = $1`, [keyOf('ben')]),
      0,
    );
    const announced = await eventually(async () => recorder.ofType(accountDeletedV1)[0], {
      what: 'accountDeletedV1',
    });
    assert.equal(announced.data.accountKey, keyOf('ben'));

    // The submission in flight goes on; its later events are dropped for the erased account.
    const late = await f.publish(routingDeliveredV1, {
      submissionId: s.submissionId,
      vorgangsnummer: s.vorgangsnummer,
      tenant: 'hb',
      messageId: crypto.randomUUID(),
      authority,
      deliveredAt: new Date().toISOString(),
    });
    await inboxHas(late.id);
    assert.equal(
      await f.count(`SELECT count(*) AS n FROM accounts.messages WHERE owner_key = $1`, [keyOf('ben')]),
      0,
    );

    // Signing in again starts a new, empty account; new submissions reach it.
    const fresh = await f.call<AccountBody>('ben', 'GET', '/me');
    assert.notEqual(fresh.body.id, oldId);
    assert.equal(fresh.body.email, null);
    assert.equal((await f.call<MessageList>('ben', 'GET', '/postkorb/messages')).body.items.length, 0);
    const next = submitted(keyOf('ben'));
    await f.publish(submissionSubmittedV1, next);
    await eventually(
      async () =>
        (await f.call<MessageList>('ben', 'GET', '/postkorb/messages')).body.items.length === 1
          ? true
          : undefined,
      { what: 'the new message' },
    );
  });

  void it('documents its API', async () => {
    const doc = (await (await fetch(`${f.svc.url}/docs/openapi.json`)).json()) as {
      paths: Record<string, object>;
    };
    for (const path of [
      '/me',
      '/mandates',
      '/mandates/{mandateId}/revoke',
      '/me/representations',
      '/postkorb/messages',
      '/postkorb/messages/{messageId}/replies',
      '/postkorb/uploads',
      '/postkorb/submissions/{submissionId}/timeline',
      '/email-confirmations',
    ]) {
      assert.ok(doc.paths[path], path);
    }
  });

  void it('refuses an expired token', async () => {
    const waitMs = shortLivedAt + 32_000 - Date.now();
    if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
    const res = await f.call<{ details: { en: string } }>({ token: shortLived }, 'GET', '/me');
    assert.equal(res.status, 401);
    assert.match(res.body.details.en, /expired/);
  });
});
