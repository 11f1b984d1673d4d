import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { blaueKarte, SCHEMA_DIR, submissionInput } from '../test/fixtures';
import { type PreparedFimSchema, prepareFimSchema } from './fim-message';
import type { FitConnectMetadata } from './fitconnect';
import {
  AMTSBOTE_REPLY_PROCESS_STANDARD,
  buildFitConnectSubmissionOf,
  type FitConnectMetadataV2,
  type IdBundDeReferences,
} from './fitconnect-v2';
import { type CompiledJsonSchema, fitConnectMetadataSchema } from './json-schema';
import type { SubmissionMessageInput } from './message-input';

const MAILBOX = 'a3f1c2d4-5b6e-4f70-8a9b-0c1d2e3f4a5b';
const APPLICATION = '0b8f9e7d-6c5b-4a39-8281-7a6b5c4d3e2f';
const REPLY = {
  processStandards: [AMTSBOTE_REPLY_PROCESS_STANDARD],
  encryptionPublicKey: {
    kty: 'RSA' as const,
    kid: 'reply-key-1',
    alg: 'RSA-OAEP-256' as const,
    key_ops: ['wrapKey'],
    n: 'x'.repeat(683),
    e: 'AQAB',
  },
};

describe('FIT-Connect metadata 2.1.0: BundID/DeutschlandID references and consent to a digital Bescheid', () => {
  let v2: CompiledJsonSchema;
  let v1: CompiledJsonSchema;
  let input: SubmissionMessageInput;

  before(() => {
    const prepared: PreparedFimSchema = prepareFimSchema(blaueKarte());
    input = submissionInput({ schema: prepared.schema, data: prepared.validator.sample() });
    v2 = fitConnectMetadataSchema(SCHEMA_DIR, '2.1.0');
    v1 = fitConnectMetadataSchema(SCHEMA_DIR, '1.0.0');
  });

  const build = (idBundDe?: IdBundDeReferences, reply = false): FitConnectMetadataV2 => {
    const metadata = buildFitConnectSubmissionOf('2.1.0', input, {
      replyHost: 'https://routing.example.org',
      ...(idBundDe ? { idBundDe } : {}),
      ...(reply ? { fitConnectReply: REPLY } : {}),
    }).metadata as FitConnectMetadataV2;
    const report = v2.validate(metadata);
    assert.equal(report.valid, true, JSON.stringify(report.issues));
    return metadata;
  };

  const consents: Array<boolean | undefined> = [true, false, undefined];
  for (const consent of consents) {
    const asked = consent === undefined ? 'not asked' : consent ? 'consented' : 'refused';
    const consentPart = consent === undefined ? {} : { digitalBescheidConsent: consent };

    it(`with BundID claims, ${asked}: mailbox, application id and consent where 2.1.0 has them`, () => {
      const m = build({ mailboxUuid: MAILBOX, applicationId: APPLICATION, ...consentPart }, true);
      // The citizen's DeutschlandID mailbox is the one reply channel, even when FIT-Connect's is offered.
      assert.deepEqual(m.replyChannel, { idBundDeMailbox: { mailboxUuid: MAILBOX } });
      assert.equal(m.additionalReferenceInfo.idBundDeApplicationId, APPLICATION);
      assert.equal(m.additionalReferenceInfo.zustimmungZumDigitalenBescheid, consent);
      assert.equal('zustimmungZumDigitalenBescheid' in m.additionalReferenceInfo, consent !== undefined);
    });

    it(`without BundID claims, ${asked}: FIT-Connect reply channel, no application id`, () => {
      const m = build(consent === undefined ? undefined : consentPart, true);
      assert.deepEqual(Object.keys(m.replyChannel ?? {}), ['fitConnect']);
      assert.equal('idBundDeApplicationId' in m.additionalReferenceInfo, false);
      assert.equal(m.additionalReferenceInfo.zustimmungZumDigitalenBescheid, consent);
    });
  }

  it('without any reply key nor BundID mailbox: the Postkorb as FINK reply channel', () => {
    const m = build({ applicationId: APPLICATION, digitalBescheidConsent: false });
    assert.deepEqual(Object.keys(m.replyChannel ?? {}), ['fink']);
    assert.equal(m.additionalReferenceInfo.idBundDeApplicationId, APPLICATION);
    assert.equal(m.additionalReferenceInfo.zustimmungZumDigitalenBescheid, false);
  });

  it('the official schema refuses what the builder must never write (the checks can fail)', () => {
    const m = build({ mailboxUuid: MAILBOX, applicationId: APPLICATION, digitalBescheidConsent: true });
    const notUuid = structuredClone(m);
    notUuid.additionalReferenceInfo.idBundDeApplicationId = 'not-a-uuid';
    assert.equal(v2.validate(notUuid).valid, false);
    const notBoolean = structuredClone(m) as unknown as {
      additionalReferenceInfo: Record<string, unknown>;
    };
    notBoolean.additionalReferenceInfo.zustimmungZumDigitalenBescheid = 'ja';
    assert.equal(v2.validate(notBoolean).valid, false);
    const twoChannels = structuredClone(m) as unknown as { replyChannel: Record<string, unknown> };
    twoChannels.replyChannel.fitConnect = REPLY;
    assert.equal(v2.validate(twoChannels).valid, false, 'replyChannel holds exactly one channel');
  });

  it('1.0.0 carries none of them and stays valid against the 1.0.0 schema', () => {
    const metadata = buildFitConnectSubmissionOf('1.0.0', input, {
      replyHost: 'https://routing.example.org',
      idBundDe: { mailboxUuid: MAILBOX, applicationId: APPLICATION, digitalBescheidConsent: true },
    }).metadata as FitConnectMetadata;
    const report = v1.validate(metadata);
    assert.equal(report.valid, true, JSON.stringify(report.issues));
    assert.deepEqual(Object.keys(metadata.replyChannel ?? {}), ['fink']);
    assert.deepEqual(Object.keys(metadata.additionalReferenceInfo ?? {}).sort(), [
      'applicationDate',
      'senderReference',
    ]);
    assert.doesNotMatch(JSON.stringify(metadata), new RegExp(`${MAILBOX}|${APPLICATION}`));
  });
});
