import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ID_BUND_DE_CLAIMS, principalFromClaims } from '@amtsbote/platform';
import type { ActingAs } from '../common/access.service';
import { idBundDeReferences } from './id-bund-de';

const MAILBOX = 'A3F1C2D4-5B6E-4F70-8A9B-0C1D2E3F4A5B';
const APPLICATION = '0b8f9e7d-6c5b-4a39-8281-7a6b5c4d3e2f';
const person: ActingAs = { ownerKey: 'iss|sub', kind: 'person', trustLevel: 4 };

const principal = (extra: Record<string, unknown>) =>
  principalFromClaims({ iss: 'https://idp.example', sub: 'sub', acr: 'STORK-QAA-Level-4', ...extra });

describe('BundID/DeutschlandID references from the identity token', () => {
  it('takes mailbox and application id of a citizen acting for themselves (UUIDs, lower case)', () => {
    const p = principal({
      [ID_BUND_DE_CLAIMS.mailboxUuid]: MAILBOX,
      [ID_BUND_DE_CLAIMS.applicationId]: `urn:uuid:${APPLICATION}`,
    });
    assert.deepEqual(idBundDeReferences(p, person), {
      mailboxUuid: MAILBOX.toLowerCase(),
      applicationId: APPLICATION,
    });
  });

  it('takes one without the other, and leaves out what is not a UUID', () => {
    const p = principal({
      [ID_BUND_DE_CLAIMS.mailboxUuid]: 'hh/by/12345',
      [ID_BUND_DE_CLAIMS.applicationId]: APPLICATION,
    });
    assert.deepEqual(idBundDeReferences(p, person), { applicationId: APPLICATION });
    assert.equal(idBundDeReferences(principal({ [ID_BUND_DE_CLAIMS.mailboxUuid]: 42 }), person), null);
  });

  it('none without the claims, for anonymous callers, organisations and representatives', () => {
    const withClaims = principal({ [ID_BUND_DE_CLAIMS.mailboxUuid]: MAILBOX });
    assert.equal(idBundDeReferences(principal({}), person), null);
    assert.equal(idBundDeReferences(undefined, { ownerKey: null, kind: 'anonymous', trustLevel: 0 }), null);
    assert.equal(idBundDeReferences(withClaims, { ...person, kind: 'organisation' }), null);
    assert.equal(
      idBundDeReferences(withClaims, { ...person, kind: 'organisation', actedByKey: 'iss|sub' }),
      null,
    );
  });
});
