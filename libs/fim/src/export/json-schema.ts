import type { FimSchema } from '../model';
import { DIN_91379_C_PATTERN } from '../validator/din91379';
import {
  type FieldPlan,
  type PlanNode,
  type SchemaOptions,
  type SchemaPlan,
  planSchema,
} from '../validator/plan';
import { RENDER_TEXTS } from './ui-schema';

export type JsonSchema = Record<string, unknown>;

export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

function annotate(target: JsonSchema, title: string, description: string | undefined): JsonSchema {
  target.title = title;
  if (description !== undefined) target.description = description;
  return target;
}

function attachmentSchema(p: FieldPlan): JsonSchema {
  const file = p.c.file ?? { mediaTypes: [] };
  const required = ['attachmentId'];
  const mediaType: JsonSchema = { type: 'string' };
  if (file.mediaTypePattern !== undefined) {
    mediaType.pattern = file.mediaTypePattern;
    required.push('mediaType');
  }
  const size: JsonSchema = { type: 'integer', minimum: 0 };
  if (file.maxBytes !== undefined) {
    size.maximum = file.maxBytes;
    required.push('size');
  }
  mediaType.title = RENDER_TEXTS.mediaType.de;
  size.title = RENDER_TEXTS.size.de;
  return {
    type: 'object',
    properties: {
      attachmentId: {
        type: 'string',
        minLength: 1,
        maxLength: 256,
        title: RENDER_TEXTS.attachmentId.de,
        description: RENDER_TEXTS.attachmentIdHelp.de,
      },
      filename: { type: 'string', maxLength: 255, title: RENDER_TEXTS.filename.de },
      mediaType,
      size,
    },
    required,
    additionalProperties: false,
  };
}

/** JSON Schema of one field value (without multiplicity). */
function fieldSchema(p: FieldPlan): JsonSchema {
  const c = p.c;
  const f = p.node.field;
  if (c.noData) {
    // A label property must be absent (`not: {}`). The type only tells form renderers how to show it: an
    // object without properties renders as a heading with the text and no input (RJSF would set a `null`
    // field to null, and a schema without type is "unsupported").
    return annotate({ type: 'object', readOnly: true, not: {} }, p.label, f.inhalt ?? p.help);
  }
  let s: JsonSchema;
  if (c.feldart === 'select') {
    s = { type: 'string' };
    if (c.options) {
      s.oneOf = c.options.map((o) => {
        const option: JsonSchema = { const: o.code, title: o.name };
        if (o.help !== undefined) option.description = o.help;
        return option;
      });
    }
  } else {
    switch (c.datentyp) {
      case 'text':
      case 'text_latin': {
        s = { type: 'string' };
        if (c.minLength !== undefined) s.minLength = c.minLength;
        if (c.maxLength !== undefined) s.maxLength = c.maxLength;
        const patterns = [c.pattern?.source, c.latin ? DIN_91379_C_PATTERN : undefined].filter(
          (x): x is string => x !== undefined,
        );
        if (patterns.length > 0) s.pattern = patterns[0];
        if (patterns.length > 1) s.allOf = [{ pattern: patterns[1] }];
        break;
      }
      case 'date':
        s = { type: 'string', format: 'date' };
        if (c.formatMinimum !== undefined) s.formatMinimum = c.formatMinimum;
        if (c.formatMaximum !== undefined) s.formatMaximum = c.formatMaximum;
        break;
      case 'time':
        s = { type: 'string', format: 'time' };
        break;
      case 'datetime':
        s = { type: 'string', format: 'date-time' };
        break;
      case 'bool':
        s = { type: 'boolean' };
        break;
      case 'num':
      case 'num_int':
      case 'num_currency':
        s = { type: c.datentyp === 'num_int' ? 'integer' : 'number' };
        if (c.datentyp === 'num_currency') s.multipleOf = 0.01;
        if (c.minimum !== undefined) s.minimum = c.minimum;
        if (c.maximum !== undefined) s.maximum = c.maximum;
        break;
      case 'file':
        s = attachmentSchema(p);
        break;
      case 'obj':
        s = { type: 'object' };
        break;
    }
  }
  if (c.fixed !== undefined) s.const = c.fixed;
  if (c.defaultValue !== undefined) s.default = c.defaultValue;
  if (c.feldart === 'locked') s.readOnly = true;
  return annotate(s, p.label, p.help);
}

class Builder {
  readonly defs: Record<string, JsonSchema> = {};

  ref(defKey: string): JsonSchema {
    return { $ref: `#/$defs/${defKey.replace(/~/g, '~0').replace(/\//g, '~1')}` };
  }

  property(node: PlanNode): JsonSchema {
    if (!(node.defKey in this.defs)) {
      this.defs[node.defKey] = {};
      this.defs[node.defKey] =
        node.kind === 'group' ? this.object(node.children, node.label, node.help) : fieldSchema(node);
    }
    const ref = this.ref(node.defKey);
    const { min, max } = node.multiplicity;
    // Titles next to the reference and on arrays, so that renderers that do not follow `$ref` for
    // annotations (RJSF's legends of arrays, its messages about missing properties) show labels, not ids.
    if ((node.kind === 'field' && node.c.noData) || (max !== null && max <= 1))
      return { ...ref, title: node.label };
    const arr: JsonSchema = { type: 'array', title: node.label, items: ref };
    if (min > 0) arr.minItems = min;
    if (max !== null) arr.maxItems = max;
    return arr;
  }

  object(children: readonly PlanNode[], title: string, description: string | undefined): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const child of children) {
      properties[child.key] = this.property(child);
      if (child.multiplicity.min >= 1 && !(child.kind === 'field' && child.c.noData))
        required.push(child.key);
    }
    const s: JsonSchema = annotate({ type: 'object', properties }, title, description);
    if (required.length > 0) s.required = required;
    s.additionalProperties = false;
    return s;
  }
}

/** Builds the JSON Schema from an already computed plan (shared with the validator). */
export function planToJsonSchema(plan: SchemaPlan): JsonSchema {
  const b = new Builder();
  const m = plan.schema.meta;
  const body = b.object(plan.children, plan.rootLabel, plan.rootHelp);
  return {
    $schema: JSON_SCHEMA_DIALECT,
    $comment: `Generated by @amtsbote/fim from FIM ${plan.schema.messageType} ${m.id}${m.version ? ` version ${m.version}` : ''} (${plan.schema.generation}). Currency fields use multipleOf 0.01: validate with a multipleOf precision (ajv: multipleOfPrecision 3). Date limits use the ajv-formats keywords formatMinimum/formatMaximum.`,
    ...body,
    $defs: b.defs,
  };
}

/**
 * JSON Schema (2020-12) of a schema's submissions: properties keyed by FIM id, `$defs` per `id_version`,
 * labels and help texts as `title`/`description`, code list values as `oneOf` of `const` + `title`.
 */
export function toJsonSchema(schema: FimSchema, options: SchemaOptions = {}): JsonSchema {
  return planToJsonSchema(planSchema(schema, options));
}
