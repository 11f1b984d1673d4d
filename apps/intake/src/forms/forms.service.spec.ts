import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { etagMatches } from './forms.service';

describe('etagMatches', () => {
  it('matches the ETag in a list, weak or strong, and *', () => {
    assert.ok(etagMatches('"abc"', '"abc"'));
    assert.ok(etagMatches('"x", W/"abc"', '"abc"'));
    assert.ok(etagMatches('*', '"abc"'));
    assert.equal(etagMatches('"abd"', '"abc"'), false);
    assert.equal(etagMatches(undefined, '"abc"'), false);
  });
});
