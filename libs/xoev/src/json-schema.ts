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

/** The FIT-Connect metadata schema 1.0.0 from the schema directory, compiled. */
export function fitConnectMetadataSchema(schemaDir: string): CompiledJsonSchema {
  requireBundle(schemaDir, SCHEMA_BUNDLES.fitconnect);
  const file = join(schemaDir, SCHEMA_BUNDLES.fitconnect.files[0]);
  const schema = JSON.parse(readFileSync(file, 'utf8')) as object;
  return compileJsonSchema(SCHEMA_BUNDLES.fitconnect.id, schema);
}
