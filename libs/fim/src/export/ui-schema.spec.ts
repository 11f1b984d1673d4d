import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BLAUE_KARTE, readFixture } from '../../test/helpers';
import { XDF3_FULL } from '../../test/samples';
import { parseSchema } from '../parser/parse-schema';
import { compileValidator } from '../validator/compile';
import type { JsonSchema } from './json-schema';
import { ATTACHMENT_FIELD, type UiSchema, toUiSchema } from './ui-schema';

/** Follows a uiSchema along the JSON Schema it belongs to; fails on a key the data cannot have. */
function assertFits(ui: UiSchema, schema: JsonSchema, root: JsonSchema, where = ''): void {
  const resolve = (s: JsonSchema): JsonSchema =>
    typeof s.$ref === 'string'
      ? (root.$defs as Record<string, JsonSchema>)[s.$ref.slice('#/$defs/'.length)]
      : s;
  const s = resolve(schema);
  for (const [key, value] of Object.entries(ui)) {
    if (key.startsWith('ui:')) continue;
    const sub =
      key === 'items' && s.type === 'array'
        ? (s.items as JsonSchema)
        : (s.properties as Record<string, JsonSchema> | undefined)?.[key];
    assert.ok(sub, `uiSchema key ${where}/${key} is not in the JSON Schema`);
    assertFits(value as UiSchema, sub, root, `${where}/${key}`);
  }
}

describe('toUiSchema', () => {
  it('xdf3: placeholders for selects, hidden widgets, file fields, times; nothing for labels', () => {
    const ui = toUiSchema(parseSchema(XDF3_FULL));
    const person = ui.G60000000100 as UiSchema;
    assert.deepEqual(person.F60000000102, { 'ui:placeholder': 'Bitte auswählen' });
    assert.deepEqual(person.F60000000107, { 'ui:widget': 'hidden' });
    assert.deepEqual(person.F60000000104, { 'ui:widget': 'text', 'ui:placeholder': 'z. B. 14:30:00+01:00' });
    assert.equal(person.F60000000110, undefined, 'a label renders from its schema');
    assert.equal(person.F60000000101, undefined, 'plain inputs need no hints');
    assert.deepEqual(ui.F60000000123, { 'ui:placeholder': 'Bitte auswählen' });
    assert.equal(ui.G60000000130, undefined);
    assert.deepEqual((ui.F60000000120 as UiSchema).items, {
      'ui:field': ATTACHMENT_FIELD,
      'ui:options': { accept: 'application/pdf,image/*', maxBytes: 2048 * 1024 },
      'ui:help': 'Erlaubte Dateitypen: application/pdf, image/*. Höchstens 2 MiB.',
      attachmentId: { 'ui:widget': 'hidden', 'ui:title': 'Kennung des Anhangs' },
      filename: { 'ui:title': 'Dateiname', 'ui:readonly': true },
      mediaType: { 'ui:title': 'Dateityp', 'ui:readonly': true },
      size: { 'ui:title': 'Dateigröße in Bytes', 'ui:readonly': true },
    });
  });

  it('our texts in English on request; FIM texts are not ours to translate', () => {
    const v = compileValidator(parseSchema(XDF3_FULL));
    const ui = v.uiSchema('en');
    assert.deepEqual((ui.G60000000100 as UiSchema).F60000000102, { 'ui:placeholder': 'Please choose' });
    const file = (ui.F60000000120 as UiSchema).items as Record<string, UiSchema>;
    assert.equal(file['ui:help'], 'Allowed file types: application/pdf, image/*. At most 2 MiB.');
    assert.equal(file.filename['ui:title'], 'File name');
    assert.deepEqual(v.uiSchema(), toUiSchema(v.schema));
  });

  it('fits the JSON Schema of every element of BlaueKarte and the xdf3 sample', () => {
    for (const schema of [parseSchema(readFixture(...BLAUE_KARTE)), parseSchema(XDF3_FULL)]) {
      const v = compileValidator(schema);
      const js = v.jsonSchema();
      for (const lang of ['de', 'en'] as const) assertFits(v.uiSchema(lang), js, js);
    }
  });
});
