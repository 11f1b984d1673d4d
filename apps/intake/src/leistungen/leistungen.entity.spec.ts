import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mediaTypeAllowed, regionOffered } from './leistungen.entity';

describe('Leistung rules', () => {
  it('offers a Leistung in an ARS that starts with one of its regions', () => {
    assert.ok(regionOffered(['04011'], '040110000000'));
    assert.ok(regionOffered(['05', '04011'], '05913'));
    assert.equal(regionOffered(['04011'], '04'), false);
    assert.equal(regionOffered(['04011'], '040120000000'), false);
  });

  it('matches media types exactly or by type wildcard', () => {
    assert.ok(mediaTypeAllowed(['application/pdf', 'image/*'], 'image/png'));
    assert.ok(mediaTypeAllowed(['application/pdf'], 'application/pdf'));
    assert.equal(mediaTypeAllowed(['application/pdf'], 'application/zip'), false);
    assert.equal(mediaTypeAllowed(['image/*'], 'application/pdf'), false);
  });
});
