import { compileValidator, type FimSchema, type FimValidator, parseSchema } from '@amtsbote/fim';
import { Injectable } from '@nestjs/common';
import { CodeListCatalog, type CodeListSources } from '../code-lists/code-list-catalog.service';
import { FimSchemasRepository } from './fim-schemas.repository';

export interface UploadCompilation {
  validator: FimValidator;
  /** The lists the resolution could use, with where each came from. */
  sources: CodeListSources;
}

/**
 * Compiled validators by schema id + version. A version is immutable and compiled with the code lists it was
 * pinned to at upload, so a compiled validator never goes stale; the first request of a version per process
 * parses and compiles it.
 */
@Injectable()
export class FimRuntime {
  private readonly validators = new Map<string, Promise<FimValidator>>();

  constructor(
    private readonly schemas: FimSchemasRepository,
    private readonly codeLists: CodeListCatalog,
  ) {}

  /**
   * Compiles an uploaded schema under the resolution rule (exact version, else the newest stored one unless
   * `exact`); throws FimSchemaError when it cannot be enforced. `validator.plan.codeLists` is what to pin.
   */
  async compileUpload(
    schema: FimSchema,
    options: { allowUnknownCodeLists: boolean; codeListVersions: 'newest' | 'exact' },
  ): Promise<UploadCompilation> {
    const sources = await this.codeLists.forSchema(schema);
    const validator = compileValidator(schema, { ...options, codeLists: sources.registry });
    return { validator, sources };
  }

  validator(schemaId: string, version: string): Promise<FimValidator> {
    const key = `${schemaId}@${version}`;
    let v = this.validators.get(key);
    if (v === undefined) {
      v = (async () => {
        const record = await this.schemas.find(schemaId, version);
        if (!record) throw new Error(`FIM schema ${key} is referenced but not stored`);
        const sources = await this.codeLists.forPins(record.codeListPins);
        return compileValidator(parseSchema(record.xdf), {
          codeLists: sources.registry,
          codeListPins: record.codeListPins,
          allowUnknownCodeLists: record.allowUnknownCodeLists,
        });
      })();
      this.validators.set(key, v);
      // A failure (database away) is not cached.
      v.catch(() => this.validators.delete(key));
    }
    return v;
  }
}
