import { readFile } from 'node:fs/promises';
import { isAbsolute, normalize, sep } from 'node:path';
import { APP_CONFIG } from '@amtsbote/platform';
import { Inject, Injectable } from '@nestjs/common';
import { type PaymentConfig, SECRET_ENV_PREFIX } from '../config';
import { ProviderError } from './provider';

/**
 * A credential named, never contained: an environment variable `PAYMENT_SECRET_<TENANT>_<NAME>` or a file
 * mounted from a Kubernetes Secret under `PAYMENT_SECRETS_DIR/<tenant>/`.
 */
export type SecretRef = { env: string } | { file: string };

/** `hb` → `PAYMENT_SECRET_HB_`, `ba-wue` → `PAYMENT_SECRET_BA_WUE_`. */
export function envPrefixFor(tenant: string): string {
  return `${SECRET_ENV_PREFIX}${tenant.toUpperCase().replace(/-/g, '_')}_`;
}

/**
 * Where a reference may point for a tenant. The scoping matters: the provider's base URL is chosen by the
 * tenant's admin, so a reference to anything else (DATABASE_PASSWORD, another tenant's key) would let an
 * admin send that secret to a server of their choosing.
 */
export function secretRefProblem(tenant: string, ref: SecretRef, secretsDir: string): string | undefined {
  if ('env' in ref) {
    const prefix = envPrefixFor(tenant);
    if (!ref.env.startsWith(prefix) || !/^[A-Z0-9_]+$/.test(ref.env) || ref.env.length === prefix.length) {
      return `must name an environment variable ${prefix}<NAME> (A–Z, 0–9, _)`;
    }
    return undefined;
  }
  const dir = normalize(`${secretsDir}/${tenant}`) + sep;
  if (!isAbsolute(ref.file) || normalize(ref.file) !== ref.file || !ref.file.startsWith(dir)) {
    return `must be an absolute, normalised path under ${dir}`;
  }
  return undefined;
}

/** Reads secrets at the moment they are needed, so a rotated Secret takes effect without a restart. */
@Injectable()
export class SecretResolver {
  constructor(@Inject(APP_CONFIG) private readonly config: PaymentConfig) {}

  get secretsDir(): string {
    return this.config.PAYMENT_SECRETS_DIR;
  }

  problem(tenant: string, ref: SecretRef): string | undefined {
    return secretRefProblem(tenant, ref, this.config.PAYMENT_SECRETS_DIR);
  }

  async resolve(tenant: string, ref: SecretRef): Promise<string> {
    const problem = this.problem(tenant, ref);
    if (problem) throw new ProviderError('misconfigured', `secret reference ${describe(ref)} ${problem}`);
    if ('env' in ref) {
      const value = this.config[ref.env as `${typeof SECRET_ENV_PREFIX}${string}`];
      if (value === undefined || value === '') {
        throw new ProviderError('misconfigured', `secret ${describe(ref)} is not set`);
      }
      return value;
    }
    try {
      const value = (await readFile(ref.file, 'utf8')).replace(/\r?\n$/, '');
      if (value === '') throw new Error('empty');
      return value;
    } catch {
      throw new ProviderError('misconfigured', `secret ${describe(ref)} cannot be read`);
    }
  }
}

/** For messages and the audit log: the reference, never the value. */
export function describe(ref: SecretRef): string {
  return 'env' in ref ? `env:${ref.env}` : `file:${ref.file}`;
}
