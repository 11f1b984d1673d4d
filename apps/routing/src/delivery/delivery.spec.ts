import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { arsCandidates } from '../routes/routes.repository';
import { isPermanentRefusal, refusesTheMessage } from '../channels/refusal';
import { backoffMs } from './delivery.service';

describe('retry policy', () => {
  it('backs off exponentially with jitter in the upper half, capped', () => {
    assert.equal(
      backoffMs(1, 1000, 60_000, () => 0),
      500,
    );
    assert.equal(
      backoffMs(1, 1000, 60_000, () => 1),
      1000,
    );
    assert.equal(
      backoffMs(4, 1000, 60_000, () => 1),
      8000,
    );
    assert.equal(
      backoffMs(4, 1000, 60_000, () => 0),
      4000,
    );
    assert.equal(
      backoffMs(20, 1000, 60_000, () => 1),
      60_000,
    );
    const spread = new Set(Array.from({ length: 50 }, () => backoffMs(3, 1000, 60_000)));
    assert.ok(spread.size > 10, 'jitter spreads retries');
    for (const d of spread) assert.ok(d >= 2000 && d <= 4000);
  });

  it('treats 4xx as a refusal except 408 and 429; 5xx is retried', () => {
    assert.deepEqual(
      [400, 401, 403, 404, 408, 409, 413, 422, 429, 500, 502, 503].map((s) => [s, isPermanentRefusal(s)]),
      [
        [400, true],
        [401, true],
        [403, true],
        [404, true],
        [408, false],
        [409, true],
        [413, true],
        [422, true],
        [429, false],
        [500, false],
        [502, false],
        [503, false],
      ],
    );
  });

  it("tells the citizen of refusals of the message, not of routing's credentials or address", () => {
    assert.deepEqual(
      [400, 401, 403, 404, 409, 413, 415, 422].filter((s) => refusesTheMessage(s)),
      [400, 413, 415, 422],
    );
  });
});

describe('ARS candidates', () => {
  it('are the 12, 9, 5, 3 and 2 digit prefixes, most specific first, then the nationwide default', () => {
    assert.deepEqual(arsCandidates('040110000001'), ['040110000001', '040110000', '04011', '040', '04', '']);
    assert.deepEqual(arsCandidates('04011'), ['04011', '040', '04', '']);
    assert.deepEqual(arsCandidates('04'), ['04', '']);
  });
});
