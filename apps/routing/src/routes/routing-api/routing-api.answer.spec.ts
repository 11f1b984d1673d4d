import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRoutingApiAnswer } from './routing-api.answer';

const DEST = '7d1ac0f1-7b36-4a4f-9a5f-1f2a3b4c5d6e';
const OTHER = '0b4f1b56-2f0e-4a38-8d4e-8f0d5f6c7a8b';

const route = (over: Record<string, unknown> = {}, params: Record<string, unknown> = {}) => ({
  destinationId: DEST,
  destinationSignature: 'eyJhbGciOiJQUzUxMiJ9.e30.c2ln',
  destinationName: ' Ausländerbehörde Bremen ',
  destinationParameters: {
    submissionUrl: 'https://submission-api-testing.fit-connect.fitko.dev/',
    status: 'active',
    encryptionKid: 'kid-1',
    metadataVersions: ['2.1.0'],
    ...params,
  },
  ...over,
});
const answer = (...routes: unknown[]) => ({
  count: routes.length,
  offset: 0,
  totalCount: routes.length,
  routes,
});

describe('parseRoutingApiAnswer', () => {
  it('takes the one route: destination id, submission URL without trailing slash, trimmed name', () => {
    assert.deepEqual(parseRoutingApiAnswer(answer(route())), {
      kind: 'found',
      route: {
        destinationId: DEST,
        submissionUrl: 'https://submission-api-testing.fit-connect.fitko.dev',
        destinationName: 'Ausländerbehörde Bremen',
        destinationSignature: 'eyJhbGciOiJQUzUxMiJ9.e30.c2ln',
      },
    });
  });

  it('no routes, or only inactive Zustellpunkte: none', () => {
    assert.deepEqual(parseRoutingApiAnswer(answer()), { kind: 'none' });
    assert.deepEqual(parseRoutingApiAnswer(answer(route({}, { status: 'inactive' }))), { kind: 'none' });
  });

  it('two different Zustellpunkte are ambiguous; the same one twice is one', () => {
    assert.deepEqual(parseRoutingApiAnswer(answer(route(), route({ destinationId: OTHER }))), {
      kind: 'ambiguous',
      destinationIds: [DEST, OTHER],
    });
    assert.equal(parseRoutingApiAnswer(answer(route(), route())).kind, 'found');
  });

  it('a shape other than the documented one is invalid, never "no route"', () => {
    for (const body of [
      null,
      [],
      { routes: 'x' },
      answer('x'),
      answer(route({ destinationId: 'not-a-uuid' })),
      answer(route({ destinationParameters: undefined })),
      answer(route({}, { submissionUrl: 'ftp://zd.example' })),
      answer(route({}, { submissionUrl: 'https://user:pw@zd.example' })),
      answer(route({}, { submissionUrl: 42 })),
    ]) {
      assert.equal(parseRoutingApiAnswer(body).kind, 'invalid', JSON.stringify(body));
    }
  });

  it('a missing name or signature is kept as null', () => {
    const a = parseRoutingApiAnswer(answer(route({ destinationName: '', destinationSignature: undefined })));
    assert.equal(a.kind, 'found');
    if (a.kind === 'found') {
      assert.equal(a.route.destinationName, null);
      assert.equal(a.route.destinationSignature, null);
    }
  });
});
