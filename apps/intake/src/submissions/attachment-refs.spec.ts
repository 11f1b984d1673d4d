import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileValidator, parseSchema } from '@amtsbote/fim';
import { demoSchemaXml } from '../../test/fixtures/demo-schema';
import { findAttachmentRefs } from './attachment-refs';

describe('findAttachmentRefs', () => {
  const plan = compileValidator(parseSchema(demoSchemaXml())).plan;

  it('finds the references of repeated file fields with their JSON Pointers', () => {
    const a = { attachmentId: 'a' };
    const b = { attachmentId: 'b', size: 3 };
    const refs = findAttachmentRefs(plan.children, {
      F60000000241: [a, b],
      G60000000210: { F60000000211: 'x' },
    });
    assert.deepEqual(
      refs.map((r) => r.pointer),
      ['/F60000000241/0', '/F60000000241/1'],
    );
    assert.equal(refs[1].value, b);
  });

  it('ignores data that is not shaped like the schema', () => {
    assert.deepEqual(findAttachmentRefs(plan.children, null), []);
    assert.deepEqual(
      findAttachmentRefs(plan.children, { F60000000241: 'x', Fremd: { attachmentId: 'c' } }),
      [],
    );
  });
});
