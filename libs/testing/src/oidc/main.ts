import { parseArgs } from 'node:util';
import { startDevOidcProvider, type DevOidcProvider } from './dev-oidc-provider';

const log = (stream: NodeJS.WriteStream, entry: Record<string, unknown>) =>
  stream.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);

/**
 * Standalone dev OIDC provider for the local stack:
 *   node libs/testing/dist/src/oidc/main.js [--port 4400] [--key-file .stack/oidc/signing-key.json] [--issuer URL]
 * Env fallbacks: OIDC_PORT, OIDC_KEY_FILE, OIDC_ISSUER. Prints one JSON line once it accepts requests.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'key-file': { type: 'string' },
      issuer: { type: 'string' },
    },
  });
  const portText = values.port ?? process.env.OIDC_PORT ?? '4400';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`invalid port '${portText}'`);

  const provider: DevOidcProvider = await startDevOidcProvider({
    port,
    keyFile: values['key-file'] ?? process.env.OIDC_KEY_FILE,
    issuer: values.issuer ?? process.env.OIDC_ISSUER,
  });

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    provider.close().then(
      () => {
        log(process.stdout, { level: 'info', msg: 'oidc provider stopped', signal });
        process.exit(0);
      },
      (error: unknown) => {
        log(process.stderr, { level: 'error', msg: 'oidc provider failed to stop', error: String(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  log(process.stdout, {
    level: 'info',
    msg: 'oidc provider ready',
    pid: process.pid,
    issuer: provider.issuer,
    jwksUri: provider.jwksUri,
    tokenEndpoint: provider.tokenEndpoint,
    port: provider.port,
    kid: provider.kid,
  });
}

main().catch((error: unknown) => {
  log(process.stderr, {
    level: 'error',
    msg: 'oidc provider failed to start',
    error: error instanceof Error ? error.message : String(error),
  });
  process.exit(1);
});
