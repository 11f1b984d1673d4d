import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DESTINATION_ID } from '../../destinations/destinations.dto';
import { provisionedDestinationId } from './routing-api.resolver';

const DEST = '7d1ac0f1-7b36-4a4f-9a5f-1f2a3b4c5d6e';

describe('provisionedDestinationId', () => {
  it('is tenant-prefixed, stable, differs per Zustellpunkt and stays a valid destination id', () => {
    const id = provisionedDestinationId('hb', DEST);
    assert.match(id, /^hb-fc-[0-9a-f]{16}$/);
    assert.equal(provisionedDestinationId('hb', DEST), id);
    assert.notEqual(provisionedDestinationId('hb', '0b4f1b56-2f0e-4a38-8d4e-8f0d5f6c7a8b'), id);
    for (const tenant of ['hb', 'a'.repeat(43), 'b'.repeat(50)]) {
      const long = provisionedDestinationId(tenant, DEST);
      assert.ok(long.startsWith(`${tenant}-fc-`));
      assert.match(long, DESTINATION_ID, tenant);
    }
  });
});
