import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { genericode } from '../../test/samples';
import { CodeListCache } from './cache';

describe('CodeListCache', () => {
  const xml = (version: string) => genericode('urn:test:liste', version, [['1', 'eins']]);

  it('parses a list once per key and evicts the least recently used', async () => {
    const cache = new CodeListCache(2);
    let loads = 0;
    const load = (version: string) => () => {
      loads++;
      return Promise.resolve(xml(version));
    };
    const a = await cache.get('a', load('1'));
    assert.equal(a.canonicalVersionUri, 'urn:test:liste_1');
    assert.equal(await cache.get('a', load('1')), a);
    assert.equal(loads, 1);
    await cache.get('b', load('2'));
    await cache.get('a', load('1'));
    await cache.get('c', load('3'));
    assert.equal(cache.size, 2);
    await cache.get('a', load('1'));
    assert.equal(loads, 3, '"a" was used more recently than "b" and stayed');
    await cache.get('b', load('2'));
    assert.equal(loads, 4, '"b" was evicted');
  });

  it('does not remember a failed load or a list that does not parse', async () => {
    const cache = new CodeListCache();
    await assert.rejects(
      cache.get('x', () => Promise.reject(new Error('database away'))),
      /database away/,
    );
    await assert.rejects(
      cache.get('y', () => Promise.resolve('<no-genericode/>')),
      /genericode/,
    );
    assert.equal(cache.size, 0);
    const list = await cache.get('x', () => Promise.resolve(xml('9')));
    assert.equal(list.version, '9');
  });
});
