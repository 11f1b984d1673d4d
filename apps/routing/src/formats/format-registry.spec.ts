import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FimXmlFormat } from './fim-xml.format';
import { FitConnectJsonFormat } from './fit-connect-json.format';
import { FormatRegistry } from './format-registry';
import type { MessageFormat } from './message-format';
import { XdomeaFormat } from './xdomea.format';

const format = (name: string, schemaBundles: string[] = []): MessageFormat => ({
  name,
  mediaType: 'application/json',
  schemaBundles,
  build: () => Promise.reject(new Error('not built in this test')),
});

describe('format registry', () => {
  it('finds each registered format by name', () => {
    const registry = new FormatRegistry([format('a'), format('b')]);
    assert.deepEqual(registry.names(), ['a', 'b']);
    assert.equal(registry.get('b').name, 'b');
  });

  it('refuses at boot two formats of one name, and names a format no plug-in provides', () => {
    assert.throws(() => new FormatRegistry([format('x'), format('x')]), /two message formats named x/);
    assert.throws(() => new FormatRegistry([]).get('gone'), /no message format gone is registered/);
  });

  it('says which formats a missing schema bundle stops (the shipped ones, each on its bundle)', () => {
    const registry = new FormatRegistry([new XdomeaFormat(), new FimXmlFormat(), new FitConnectJsonFormat()]);
    assert.deepEqual(registry.usingBundle('xdomea-3.0.0'), ['xdomea-3.0']);
    assert.deepEqual(registry.usingBundle('xoev-basisnachricht-g2g-1.1'), ['fim-xml']);
    assert.deepEqual(registry.usingBundle('fitconnect-metadata-1.0.0'), ['fit-connect-json']);
    assert.deepEqual(registry.usingBundle('unknown'), []);
  });
});
