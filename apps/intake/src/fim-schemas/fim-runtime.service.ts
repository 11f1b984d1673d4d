import {
  CodeListRegistry,
  compileValidator,
  type FimSchema,
  type FimValidator,
  parseSchema,
} from '@amtsbote/fim';
import { APP_CONFIG } from '@amtsbote/platform';
import { Inject, Injectable } from '@nestjs/common';
import type { IntakeConfig } from '../config';
import { FimSchemasRepository } from './fim-schemas.repository';

/**
 * Compiled validators by schema id + version. A version is immutable, so a compiled validator never goes
 * stale; the first request of a version per process parses and compiles it.
 */
@Injectable()
export class FimRuntime {
  readonly codeLists: CodeListRegistry;
  private readonly validators = new Map<string, Promise<FimValidator>>();

  constructor(
    private readonly schemas: FimSchemasRepository,
    @Inject(APP_CONFIG) config: IntakeConfig,
  ) {
    this.codeLists = new CodeListRegistry();
    if (config.INTAKE_CODELIST_DIR !== undefined) this.codeLists.loadDirectory(config.INTAKE_CODELIST_DIR);
  }

  /** Compiles a parsed schema with this service's code lists (throws FimSchemaError when unusable). */
  compile(schema: FimSchema, allowUnknownCodeLists: boolean): FimValidator {
    return compileValidator(schema, { codeLists: this.codeLists, allowUnknownCodeLists });
  }

  validator(schemaId: string, version: string): Promise<FimValidator> {
    const key = `${schemaId}@${version}`;
    let v = this.validators.get(key);
    if (v === undefined) {
      v = (async () => {
        const record = await this.schemas.find(schemaId, version);
        if (!record) throw new Error(`FIM schema ${key} is referenced but not stored`);
        return this.compile(parseSchema(record.xdf), record.allowUnknownCodeLists);
      })();
      this.validators.set(key, v);
      // A failure (database away) is not cached.
      v.catch(() => this.validators.delete(key));
    }
    return v;
  }
}
