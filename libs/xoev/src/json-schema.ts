import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { requireBundle, SCHEMA_BUNDLES } from './bundles';
import type { ValidationReport } from './validation';

/** A JSON Schema (2020-12) compiled once, with the same report shape as the XSD validators. */
export class CompiledJsonSchema {
  readonly validator = 'ajv 2020-12';

  constructor(
    readonly schema: string,
    private readonly fn: ValidateFunction,
  ) {}

  validate(document: unknown): ValidationReport {
    const start = performance.now();
    const valid = this.fn(document);
    const errors: ErrorObject[] = valid ? [] : (this.fn.errors ?? []);
    return {
      valid,
      validator: this.validator,
      schema: this.schema,
      issues: errors.map((e) => ({
        level: 'error',
        message: `${e.instancePath || '/'} ${e.message ?? e.keyword}`,
        path: e.instancePath || '/',
      })),
      durationMs: performance.now() - start,
    };
  }
}

export function compileJsonSchema(id: string, schema: object): CompiledJsonSchema {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  return new CompiledJsonSchema(id, ajv.compile(schema));
}

/** The official FIT-Connect metadata schema of that version (1.0.0 or 2.1.0) from the schema directory, compiled. */
export function fitConnectMetadataSchema(
  schemaDir: string,
  version: '1.0.0' | '2.1.0' = '1.0.0',
): CompiledJsonSchema {
  const bundle = version === '1.0.0' ? SCHEMA_BUNDLES.fitconnect : SCHEMA_BUNDLES.fitconnect2;
  requireBundle(schemaDir, bundle);
  const schema = JSON.parse(readFileSync(join(schemaDir, bundle.files[0]), 'utf8')) as object;
  return compileJsonSchema(bundle.id, schema);
}
