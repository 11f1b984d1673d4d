import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { BLAUE_KARTE, cliPath, fixturePath } from '../../test/helpers';
import { genericode } from '../../test/samples';
import { EXIT_INVALID, EXIT_OK, EXIT_UNUSABLE } from './main';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fim-cli-'));
const blaueKarte = fixturePath(...BLAUE_KARTE);

function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cliPath(), ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function write(name: string, content: string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, content);
  return file;
}

describe('amtsbote-fim CLI', () => {
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const sample = cli('sample', blaueKarte);
  const sampleFile = write('sample.json', sample.stdout);

  it('has a shebang and prints a valid sample', () => {
    assert.ok(fs.readFileSync(cliPath(), 'utf8').startsWith('#!/usr/bin/env node'));
    assert.equal(sample.code, EXIT_OK);
    assert.ok(JSON.parse(sample.stdout).G00000630);
  });

  it('validate exits 0 for valid data', () => {
    const r = cli('validate', blaueKarte, sampleFile);
    assert.equal(r.code, EXIT_OK, r.stderr);
    assert.match(r.stdout, /^valid: .* conforms to S00000121 1\.0/);
  });

  it('validate exits 1 with the error list for invalid data', () => {
    const data = JSON.parse(sample.stdout) as Record<string, Record<string, unknown>>;
    delete data.G00000630.F00000013;
    data.G00000630.F00000065 = 'q';
    const bad = write('bad.json', JSON.stringify(data));
    const r = cli('validate', blaueKarte, bad);
    assert.equal(r.code, EXIT_INVALID);
    assert.match(r.stdout, /invalid: 2 error\(s\)/);
    assert.match(
      r.stdout,
      /\/G00000630\/F00000013 \[F00000013\] required: „Familienname“ \(F00000013\) ist eine Pflichtangabe/,
    );
    const en = cli('validate', blaueKarte, bad, '--lang', 'en', '--json');
    assert.equal(en.code, EXIT_INVALID);
    const json = JSON.parse(en.stdout) as {
      valid: boolean;
      errors: Array<{ code: string; message: { en: string } }>;
    };
    assert.equal(json.valid, false);
    assert.deepEqual(
      json.errors.map((e) => e.code),
      ['required', 'code'],
    );
    assert.equal(cli('validate', blaueKarte, bad, '--lenient').stdout.includes('required'), false);
  });

  it('validate exits 2 for unusable input', () => {
    const notJson = write('broken.json', '{"G00000630": ');
    assert.equal(cli('validate', blaueKarte, notJson).code, EXIT_UNUSABLE);
    assert.equal(cli('validate', blaueKarte, path.join(tmp, 'missing.json')).code, EXIT_UNUSABLE);
    const xdf1 = cli('validate', fixturePath('fim-xdf1', 'WaBeKa.xml'), sampleFile);
    assert.equal(xdf1.code, EXIT_UNUSABLE);
    assert.match(xdf1.stderr, /UNSUPPORTED_NAMESPACE: XDatenfelder 1/);
    const bomb = write('bomb.xml', '<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>');
    assert.match(cli('validate', bomb, sampleFile).stderr, /DTD_FORBIDDEN/);
    const select = cli(
      'validate',
      fixturePath('fim-xdf2', 'select.xml'),
      write('select.json', '{"F123":"x"}'),
    );
    assert.equal(select.code, EXIT_UNUSABLE);
    assert.match(select.stderr, /urn:de:example_1, which is not available/);
    assert.equal(cli('validate', blaueKarte).code, EXIT_UNUSABLE);
    assert.equal(cli('frobnicate').code, EXIT_UNUSABLE);
    assert.equal(cli().code, EXIT_UNUSABLE);
  });

  it('code lists from a directory or accepting any value for unknown lists', () => {
    const data = write('select.json', '{"F123":"b"}');
    assert.equal(
      cli('validate', fixturePath('fim-xdf2', 'select.xml'), data, '--allow-unknown-codelists').code,
      EXIT_OK,
    );
    const dir = fs.mkdtempSync(path.join(tmp, 'lists-'));
    fs.writeFileSync(path.join(dir, 'example.xml'), genericode('urn:de:example', '1', [['a', 'A']]));
    assert.equal(
      cli('validate', fixturePath('fim-xdf2', 'select.xml'), data, '--codelists', dir).code,
      EXIT_INVALID,
    );
  });

  it('inspect summarises ids, fields, groups, types, code lists and rules', () => {
    const r = cli('inspect', blaueKarte);
    assert.equal(r.code, EXIT_OK);
    assert.match(r.stdout, /stammdatenschema S00000121 1\.0 \(xdf2\): Antrag auf Blaue Karte EU/);
    assert.match(r.stdout, /Datenfelder: 88 occurrences, 71 distinct ids/);
    assert.match(r.stdout, /Datenfeldgruppen: 29 occurrences, 23 distinct ids/);
    assert.match(r.stdout, /input\/text 49, input\/bool 17, input\/file 8, input\/date 7, select\/text 5/);
    assert.match(r.stdout, /urn:de:xoev:codeliste:erreichbarkeit_2 \(available: bundled\) used by F00000025/);
    assert.match(r.stdout, /Regeln: 3 \(kept as metadata, not executed\)/);
    assert.match(r.stdout, /\n {4}F00000013 1\.0 \[1:1\] input\/text Familienname/);
    const json = JSON.parse(cli('inspect', fixturePath('fim-xdf3', 'input.xml'), '--json').stdout) as {
      warnings: unknown[];
    };
    assert.equal(json.warnings.length, 3);
  });

  it('json-schema, form, ui-schema, xsd and xml', () => {
    const js = cli('json-schema', blaueKarte);
    assert.equal(js.code, EXIT_OK);
    assert.equal(
      (JSON.parse(js.stdout) as { $schema: string }).$schema,
      'https://json-schema.org/draft/2020-12/schema',
    );
    const form = JSON.parse(cli('form', blaueKarte).stdout) as { children: Array<{ id: string }> };
    assert.equal(form.children[0].id, 'G00000630');
    const ui = JSON.parse(cli('ui-schema', blaueKarte, '--lang', 'en').stdout) as Record<
      string,
      Record<string, Record<string, string>>
    >;
    assert.equal(ui.G00000630.F00000065['ui:placeholder'], 'Please choose');
    const xsd = cli('xsd', blaueKarte, '--namespace', 'urn:test');
    assert.match(xsd.stdout, /targetNamespace="urn:test"/);
    const xml = cli('xml', blaueKarte, sampleFile, '--namespace', 'urn:test');
    assert.match(xml.stdout, /<S00000121 xmlns="urn:test">/);
  });
});
