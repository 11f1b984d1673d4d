import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProblemException } from '../errors';
import { type Mandate, mandateCovers, maySeeOwner, resolveActingParty } from './representation';

const base: Mandate = {
  mandateId: 'm1',
  organisationKey: 'iss|musterbau',
  representativeKey: 'iss|dora',
  leikaKeys: ['99050012104000'],
  validFrom: new Date('2026-01-01T00:00:00Z'),
  validUntil: new Date('2027-01-01T00:00:00Z'),
  revokedAt: null,
};
const at = new Date('2026-06-01T00:00:00Z');

describe('representation mandates', () => {
  it('cover only their organisation, representative, Leistungen and validity', () => {
    const q = {
      representativeKey: 'iss|dora',
      organisationKey: 'iss|musterbau',
      leikaKey: '99050012104000',
      at,
    };
    assert.equal(mandateCovers(base, q), true);
    assert.equal(mandateCovers(base, { ...q, leikaKey: '99000000000000' }), false);
    assert.equal(mandateCovers(base, { ...q, representativeKey: 'iss|ben' }), false);
    assert.equal(mandateCovers(base, { ...q, at: new Date('2027-02-01T00:00:00Z') }), false);
    assert.equal(mandateCovers(base, { ...q, at: new Date('2025-02-01T00:00:00Z') }), false);
    assert.equal(mandateCovers({ ...base, revokedAt: new Date('2026-05-01T00:00:00Z') }, q), false);
    assert.equal(mandateCovers({ ...base, leikaKeys: null }, { ...q, leikaKey: '99000000000000' }), true);
  });

  it('resolves who acts, and hides organisations the caller may not act for', () => {
    assert.deepEqual(resolveActingParty('iss|dora', undefined, []), { ownerKey: 'iss|dora' });
    assert.deepEqual(resolveActingParty('iss|dora', 'iss|musterbau', [base], '99050012104000', at), {
      ownerKey: 'iss|musterbau',
      actedByKey: 'iss|dora',
    });
    assert.throws(
      () => resolveActingParty('iss|ben', 'iss|musterbau', [base], undefined, at),
      (e: unknown) => e instanceof ProblemException && e.problem.status === 404,
    );
  });

  it('lets a representative see the organisation’s things, nobody else', () => {
    assert.equal(maySeeOwner('iss|dora', 'iss|musterbau', [base], undefined, at), true);
    assert.equal(maySeeOwner('iss|ben', 'iss|musterbau', [base], undefined, at), false);
    assert.equal(maySeeOwner('iss|ben', null, [], undefined, at), false);
    assert.equal(maySeeOwner('iss|ben', 'iss|ben', [], undefined, at), true);
  });
});
