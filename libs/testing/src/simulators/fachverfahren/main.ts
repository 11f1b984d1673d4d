/**
 * The Fachverfahren simulator as a process:
 *
 *   node libs/testing/dist/src/simulators/fachverfahren/main.js --port 4600 --secret <hmac secret> \
 *     [--private-key key.jwk.json] [--schema-dir ../shared/fixtures] [--routing-url http://127.0.0.1:3004 \
 *      --issuer http://127.0.0.1:4400 --client-id fv-bremen-parken --client-secret fv-bremen-parken-secret] \
 *     [--auto-respond] [--auto-pull]
 *
 * Push endpoint POST /inbox, callback POST /callback; control: POST /_sim/mode {"kind":"down"|"slow"|...},
 * POST /_sim/pull, GET /_sim/messages, GET /_sim/stats.
 */
import { readFileSync } from 'node:fs';
import type { JWK } from 'jose';
import { FachverfahrenSimulator } from './simulator';

function args(argv: string[]): Map<string, string | true> {
  const out = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) out.set(a.slice(2), true);
    else {
      out.set(a.slice(2), next);
      i++;
    }
  }
  return out;
}

async function main(): Promise<void> {
  const a = args(process.argv.slice(2));
  const str = (k: string) => (typeof a.get(k) === 'string' ? (a.get(k) as string) : undefined);
  const keyFile = str('private-key');
  const routingUrl = str('routing-url');
  const sim = await FachverfahrenSimulator.start({
    port: Number(str('port') ?? '0'),
    host: str('host') ?? '127.0.0.1',
    secret: str('secret') ?? process.env.FV_SIMULATOR_SECRET,
    privateKey: keyFile ? (JSON.parse(readFileSync(keyFile, 'utf8')) as JWK) : undefined,
    schemaDir: str('schema-dir'),
    routing: routingUrl
      ? {
          url: routingUrl,
          issuer: str('issuer') ?? 'http://127.0.0.1:4400',
          clientId: str('client-id') ?? 'fv-bremen-parken',
          clientSecret:
            str('client-secret') ?? process.env.FV_SIMULATOR_CLIENT_SECRET ?? 'fv-bremen-parken-secret',
        }
      : undefined,
    autoRespond: a.has('auto-respond'),
    autoPullOnCallback: a.has('auto-pull'),
    log: (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
  });
  process.stdout.write(
    `Fachverfahren simulator listening on ${sim.url} (push: ${sim.inboxUrl}, callback: ${sim.callbackUrl})\n`,
  );
  const stop = () => void sim.stop().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main();
