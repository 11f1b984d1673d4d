import { checkSchemaDir } from '@amtsbote/xoev';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { RoutingSettings } from '../common/settings';
import { FormatRegistry } from './format-registry';

/**
 * Says at start-up which official schema bundle is missing from XOEV_SCHEMA_DIR and where to get it.
 * The service still starts: messages of a format whose bundle is missing wait (retry) and end as dead
 * letters with that explanation if it does not appear.
 */
@Injectable()
export class SchemaBundleCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger('SchemaBundles');

  constructor(
    private readonly settings: RoutingSettings,
    private readonly formats: FormatRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const missing = checkSchemaDir(this.settings.schemaDir);
    for (const m of missing)
      this.logger.error(
        { bundle: m.bundle.id, formats: this.formats.usingBundle(m.bundle.id), missingFiles: m.missingFiles },
        m.message,
      );
    if (missing.length === 0) this.logger.log(`schema bundles complete in ${this.settings.schemaDir}`);
  }
}
