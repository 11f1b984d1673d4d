import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { principalFromClaims, principalKey, trustLevelFromAcr } from './principal';

void describe('trustLevelFromAcr', () => {
  const cases: Array<[string | undefined, number]> = [
    ['STORK-QAA-Level-1', 1],
    ['STORK-QAA-Level-2', 2],
    ['STORK-QAA-Level-3', 3],
    ['STORK-QAA-Level-4', 4],
    ['stork-qaa-level-4', 4],
    ['STORK-QAA-Level-0', 0],
    ['http://eidas.europa.eu/LoA/low', 2],
    ['http://eidas.europa.eu/LoA/substantial', 3],
    ['http://eidas.europa.eu/LoA/high', 4],
    ['low', 2],
    ['substantial', 3],
    ['high', 4],
    ['urn:unknown:loa', 0],
    ['', 0],
    [undefined, 0],
  ];
  for (const [acr, level] of cases) {
    void it(`maps ${JSON.stringify(acr)} to ${level}`, () => {
      assert.equal(trustLevelFromAcr(acr), level);
    });
  }
});

void describe('principalFromClaims', () => {
  void it('reads a citizen token', () => {
    const principal = principalFromClaims({
      iss: 'https://idp.example',
      sub: 'anna',
      acr: 'STORK-QAA-Level-3',
      kind: 'person',
      roles: [],
      given_name: 'Anna',
      family_name: 'Schmidt',
      email: 'anna@example.org',
      client_id: 'portal',
    });
    assert.equal(principal.kind, 'person');
    assert.equal(principal.trustLevel, 3);
    assert.equal(principal.name, 'Anna Schmidt');
    assert.equal(principal.clientId, 'portal');
    assert.deepEqual(principal.roles, []);
    assert.deepEqual(principal.destinations, []);
    assert.equal(principalKey(principal), 'https://idp.example|anna');
  });

  void it('takes Keycloak realm and client roles when there is no roles claim', () => {
    const principal = principalFromClaims({
      iss: 'https://kc.example/realms/amtsbote',
      sub: 'f3a1',
      azp: 'admin-ui',
      realm_access: { roles: ['operator', 'offline_access'] },
      resource_access: { 'admin-ui': { roles: ['catalog-admin'] }, account: { roles: ['operator'] } },
    });
    assert.deepEqual([...principal.roles].sort(), ['catalog-admin', 'offline_access', 'operator']);
    assert.equal(principal.clientId, 'admin-ui');
    assert.equal(principal.kind, 'person');
    assert.equal(principal.trustLevel, 0);
  });

  void it('prefers the roles claim over Keycloak structures', () => {
    const principal = principalFromClaims({
      iss: 'https://idp.example',
      sub: 'x',
      roles: ['payment-admin', 42],
      realm_access: { roles: ['operator'] },
    });
    assert.deepEqual(principal.roles, ['payment-admin']);
  });

  void it('recognises client tokens without a kind claim', () => {
    const keycloak = principalFromClaims({
      iss: 'https://kc.example',
      sub: '0b9c',
      azp: 'fv-x',
      preferred_username: 'service-account-fv-x',
      scope: 'routing.pull profile',
    });
    assert.equal(keycloak.kind, 'client');
    assert.deepEqual(keycloak.scopes, ['routing.pull', 'profile']);

    const rfc9068 = principalFromClaims({
      iss: 'https://idp.example',
      sub: 'fv-y',
      client_id: 'fv-y',
      scp: ['a', 'b'],
    });
    assert.equal(rfc9068.kind, 'client');
    assert.deepEqual(rfc9068.scopes, ['a', 'b']);
  });

  void it('gives clients no trust level even when they carry an acr', () => {
    const principal = principalFromClaims({
      iss: 'https://idp.example',
      sub: 'fv',
      kind: 'client',
      acr: 'STORK-QAA-Level-4',
      destinations: ['hb-a', 7, 'hb-b'],
    });
    assert.equal(principal.trustLevel, 0);
    assert.deepEqual(principal.destinations, ['hb-a', 'hb-b']);
  });

  void it('reads an organisation token', () => {
    const principal = principalFromClaims({
      iss: 'https://idp.example',
      sub: 'musterbau',
      kind: 'organisation',
      name: 'Musterbau GmbH',
      acr: 'http://eidas.europa.eu/LoA/substantial',
    });
    assert.equal(principal.kind, 'organisation');
    assert.equal(principal.name, 'Musterbau GmbH');
    assert.equal(principal.trustLevel, 3);
  });
});
