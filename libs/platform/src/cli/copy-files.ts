#!/usr/bin/env node
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { z } from 'zod';
import { ConfigError, loadConfig } from '../config';
import { copyFilesystemStore } from '../files/copy-files';
import { checkFileStoreConfig, fileStoreConfigShape } from '../files/file-store.config';
import { createFileStore } from '../files/file-store.registry';

/** Exit codes: 0 all there, 1 some files failed, 2 usage, 78 bad settings (as the services at boot). */
const USAGE = `Usage: npm run files:copy -- <service> <directory>
  in an image: node /app/libs/platform/dist/src/cli/copy-files.js <service> <directory>

Copies the files of a service's filesystem store (<directory>: what INTAKE_STORAGE_DIR,
ACCOUNTS_STORAGE_DIR or ROUTING_STORAGE_DIR named) into the store FILE_STORE=s3 and the FILE_STORE_S3_*
settings of the environment name, under the same keys (the key prefix defaults to "<service>/", as in the
service). Every copy is read back and checked against the original's size and SHA-512. Run it before
switching the service to FILE_STORE=s3 and once more after the switch; copies already there are skipped.
Nothing is deleted. See docs/deploy.md, "File storage".`;

export async function main(
  argv: readonly string[],
  /** The settings' source; default the process environment (loadConfig's). */
  env?: Record<string, string | undefined>,
  out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  err: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<number> {
  const [service, dir, ...extra] = argv;
  if (!service || !dir || extra.length > 0 || !/^[a-z][a-z0-9-]*$/.test(service)) {
    err(USAGE);
    return 2;
  }
  const source = path.resolve(dir);
  if (!(await stat(source).catch(() => undefined))?.isDirectory()) {
    err(`${source} is not a directory`);
    return 2;
  }
  let config;
  try {
    config = loadConfig(z.object(fileStoreConfigShape).superRefine(checkFileStoreConfig), env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    err(e.message);
    return 78;
  }
  if (config.FILE_STORE !== 's3') {
    err('FILE_STORE must name the target: set FILE_STORE=s3 and the FILE_STORE_S3_* settings.');
    return 2;
  }
  const target = await createFileStore(config, { service });
  try {
    const report = await copyFilesystemStore(source, target, out);
    out(
      `${report.copied} copied (${report.bytes} bytes), ${report.skipped} already there, ` +
        `${report.failed.length} failed`,
    );
    return report.failed.length === 0 ? 0 : 1;
  } finally {
    await target.close?.();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
