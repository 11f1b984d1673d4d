import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import JSZip from 'jszip';
import { createZip } from './zip';

describe('createZip', () => {
  it('writes an archive another implementation (JSZip) reads back exactly, UTF-8 names included', async () => {
    const entries = [
      { name: 'a_Geschaeftsgang.Geschaeftsgang.0201.xml', data: Buffer.from('<x>Grüße</x>'.repeat(500)) },
      { name: 'b_Übersicht äöü.pdf', data: randomBytes(5000) },
      { name: 'empty.txt', data: Buffer.alloc(0) },
    ];
    const when = new Date('2026-11-20T10:15:02Z');
    const zip = createZip(entries, when);
    assert.deepEqual(createZip(entries, when), zip, 'deterministic');
    const read = await JSZip.loadAsync(zip);
    assert.deepEqual(
      Object.keys(read.files),
      entries.map((e) => e.name),
    );
    for (const e of entries) assert.deepEqual(await read.file(e.name)!.async('nodebuffer'), e.data);
    assert.ok(zip.length < 5000 + 6000 + 500, 'text is deflated, random bytes are stored');
    assert.equal(read.files[entries[0].name].date.getUTCFullYear(), 2026);
  });
});
