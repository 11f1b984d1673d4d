import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { paymentFailedV1, routingFailedV1 } from '@amtsbote/contracts';
import {
  paymentFailedNotice,
  paymentRequestedNotice,
  replyNotice,
  routedNotice,
  routingFailedNotice,
  routingStatusNotice,
  submittedNotice,
} from './notices';

const ctx = { vorgangsnummer: 'HB-2026-000042', leistungName: 'Bewohnerparkausweis' };
const authority = { destinationId: 'd', name: 'Bürgeramt Bremen', identity: 'hb' };
const ref = {
  submissionId: '0b6c8a52-1f1e-4c55-9f43-3c3c7d7b2a10',
  vorgangsnummer: ctx.vorgangsnummer,
  tenant: 'hb',
};

void describe('notices', () => {
  void it('tells the submission in German and English, with the Vorgangsnummer and Berlin time', () => {
    const n = submittedNotice(
      {
        ...ref,
        leikaKey: '99050012104000',
        leistungName: ctx.leistungName,
        ars: '040110000000',
        applicant: { ownerKey: 'i|anna', kind: 'person', trustLevel: 3 },
        submittedAt: '2026-03-01T09:30:00Z',
        dataSha512: 'a'.repeat(128),
      },
      ctx,
    );
    assert.equal(n.subject.de, 'Ihr Antrag „Bewohnerparkausweis“ ist eingegangen');
    assert.equal(n.subject.en, 'Your application "Bewohnerparkausweis" has been submitted');
    assert.match(n.body.de, /am 01\.03\.2026, 10:30 Uhr erfolgreich eingereicht/);
    assert.match(n.body.de, /Vorgangsnummer: HB-2026-000042/);
    assert.match(n.body.en ?? '', /Reference number \(Vorgangsnummer\): HB-2026-000042/);
    assert.deepEqual(n.status, { status: 'SUBMITTED', outcome: null });
    assert.equal(n.message, 'always');
  });

  void it('tells the responsible authority without a message of its own (the status stays SUBMITTED)', () => {
    const n = routedNotice(
      {
        ...ref,
        messageId: '6f1d7d1e-4c1a-4a51-9a55-0d6a1a2b3c4d',
        authority,
        format: 'xdomea',
        channel: 'push',
      },
      ctx,
      new Date('2026-03-01T10:00:00Z'),
    );
    assert.equal(n.kind, 'routing.routed');
    assert.deepEqual(n.status, { status: 'SUBMITTED', outcome: null });
    assert.equal(n.message, 'on-change');
    assert.equal(n.subject.de, 'Ihr Antrag „Bewohnerparkausweis“: zuständig ist Bürgeramt Bremen');
    assert.match(
      n.body.en ?? '',
      /Bürgeramt Bremen is responsible for your application "Bewohnerparkausweis"/,
    );
    assert.equal(n.at.toISOString(), '2026-03-01T10:00:00.000Z');
  });

  void it('ends the submission on a failed or cancelled payment, with that outcome', () => {
    for (const outcome of paymentFailedV1.schema.shape.outcome.options) {
      const n = paymentFailedNotice(
        { ...ref, transactionId: '9a1d7d1e-4c1a-4a51-9a55-0d6a1a2b3c4d', outcome },
        ctx,
        new Date('2026-03-01T10:00:00Z'),
      );
      assert.deepEqual(n.status, {
        status: 'COMPLETED',
        outcome: outcome === 'CANCELED' ? 'CANCELLED' : 'FAILED',
      });
      assert.equal(n.message, 'always');
      assert.match(n.body.de, /nicht weitergeleitet/);
    }
  });

  void it('explains every technical failure in plain words, without codes or technical reasons', () => {
    for (const code of routingFailedV1.schema.shape.code.options) {
      const n = routingFailedNotice(
        {
          ...ref,
          code,
          reason: { de: 'XSD cvc-complex-type.2.4.a', en: 'XSD cvc-complex-type.2.4.a' },
          at: '2026-03-01T10:00:00Z',
        },
        ctx,
      );
      for (const text of [n.body.de, n.body.en ?? '', n.subject.de, n.subject.en ?? '']) {
        assert.doesNotMatch(text, new RegExp(`${code}|XSD|cvc-`), `${code}: ${text}`);
      }
      assert.deepEqual(n.status, { status: 'COMPLETED', outcome: 'FAILED' }, 'every failure is final');
      assert.equal(n.message, 'always');
    }
  });

  void it('says plainly that without a responsible authority nothing is forwarded and whom to contact', () => {
    const n = routingFailedNotice(
      { ...ref, code: 'NO_AUTHORITY', reason: { de: 'x', en: 'x' }, at: '2026-03-01T10:00:00Z' },
      ctx,
    );
    assert.equal(n.subject.de, 'Ihr Antrag „Bewohnerparkausweis“: Keine Weiterleitung möglich');
    assert.match(n.body.de, /nicht online weitergeleitet/);
    assert.match(n.body.de, /Stadt- oder Gemeindeverwaltung/);
    assert.match(n.body.de, /nicht an Ihren Angaben/);
    assert.match(n.body.de, /Vorgangsnummer: HB-2026-000042/);
    assert.match(n.body.en ?? '', /cannot be forwarded online.*local administration/s);
    // Nothing happens later: no promise of a follow-up or of an operations team taking care of it.
    for (const text of [n.subject.de, n.body.de])
      assert.doesNotMatch(text, /Verzögerung|sobald|Betriebsteam/);
    assert.doesNotMatch(n.body.en ?? '', /once|operations team/);
  });

  void it('calls every routing failure final and tells the citizen whom to ask', () => {
    const notice = (code: 'INVALID_MESSAGE' | 'REJECTED' | 'UNDELIVERABLE' | 'NOT_FETCHED') =>
      routingFailedNotice({ ...ref, code, reason: { de: 'x', en: 'x' }, at: '2026-03-01T10:00:00Z' }, ctx);
    const invalid = notice('INVALID_MESSAGE');
    assert.deepEqual(invalid.title, { de: 'Übermittlung nicht möglich', en: 'Could not be transmitted' });
    const rejected = notice('REJECTED');
    assert.deepEqual(rejected.title, {
      de: 'Technisch nicht angenommen',
      en: 'Not accepted for technical reasons',
    });
    const undeliverable = notice('UNDELIVERABLE');
    assert.deepEqual(undeliverable.title, { de: 'Zustellung gescheitert', en: 'Delivery failed' });
    const notFetched = notice('NOT_FETCHED');
    assert.deepEqual(notFetched.title, { de: 'Nicht abgeholt', en: 'Not collected' });
    for (const n of [invalid, rejected, undeliverable, notFetched]) {
      assert.equal(n.subject.de, `Ihr Antrag „Bewohnerparkausweis“: ${n.title.de}`);
      // Nothing will arrive later, so nothing may sound like it will: the citizen is told whom to ask.
      for (const text of [n.subject.de, n.body.de]) {
        assert.doesNotMatch(text, /Verzögerung|Sie müssen nichts tun|erneut zugestellt/);
      }
      assert.doesNotMatch(`${n.subject.en ?? ''} ${n.body.en ?? ''}`, /[Dd]elay|nothing you need to do/);
      assert.match(n.body.de, /wenden Sie sich an die zuständige Behörde/);
      assert.match(n.body.de, /nicht an Ihren Angaben/);
      assert.match(n.body.en ?? '', /contact the responsible authority/);
    }
  });

  void it('words the fee with amount, reference and deadline', () => {
    const n = paymentRequestedNotice(
      {
        submissionId: ref.submissionId,
        tenant: 'hb',
        transactionId: '1b6c8a52-1f1e-4c55-9f43-3c3c7d7b2a10',
        amountCents: 1250,
        currency: 'EUR',
        purpose: 'Bewohnerparken',
        expiresAt: '2026-03-08T22:59:00Z',
      },
      ctx,
      new Date('2026-03-01T10:00:00Z'),
    );
    assert.match(n.subject.de, /12,50\s€/);
    assert.match(n.body.de, /bis 08\.03\.2026, 23:59 Uhr/);
    assert.match(n.body.de, /Verwendungszweck: Bewohnerparken/);
    assert.equal(n.category, 'payment');
    assert.deepEqual(n.status, { status: 'ACTION_REQUIRED', outcome: null });
  });

  void it('quotes the authority on a request for action and offers to reply; a bare status is news only on change', () => {
    const asked = routingStatusNotice(
      {
        ...ref,
        messageId: ref.submissionId,
        authority,
        status: 'ACTION_REQUIRED',
        message: 'Bitte Foto nachreichen.',
        at: '2026-03-01T10:00:00Z',
      },
      ctx,
    );
    assert.equal(asked.category, 'request-for-action');
    assert.equal(asked.message, 'always');
    assert.match(asked.body.de, /Nachricht der Behörde:\nBitte Foto nachreichen\./);
    assert.match(asked.body.de, /antworten/);
    assert.equal(asked.sender.name, 'Bürgeramt Bremen');
    const bare = routingStatusNotice(
      { ...ref, messageId: ref.submissionId, authority, status: 'REJECTED', at: '2026-03-01T10:00:00Z' },
      ctx,
    );
    assert.equal(bare.message, 'on-change');
    assert.deepEqual(bare.status, { status: 'COMPLETED', outcome: 'REJECTED' });
  });

  void it("keeps an authority's own words and leaves the English fields empty", () => {
    const n = replyNotice({
      ...ref,
      replyId: '2b6c8a52-1f1e-4c55-9f43-3c3c7d7b2a10',
      authority,
      kind: 'BESCHEID',
      subject: 'Ihr Bescheid',
      body: 'Text',
      attachments: [],
      at: '2026-03-01T10:00:00Z',
    });
    assert.deepEqual(
      [n.subject, n.body, n.bodyHtml],
      [{ de: 'Ihr Bescheid', en: null }, { de: 'Text', en: null }, null],
    );
    assert.equal(n.authorityRef, '2b6c8a52-1f1e-4c55-9f43-3c3c7d7b2a10');
  });
});
