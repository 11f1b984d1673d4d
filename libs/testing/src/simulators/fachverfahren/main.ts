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
import { parseArgs } from 'node:util';
import type { JWK } from 'jose';
import { FachverfahrenSimulator } from './simulator';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      secret: { type: 'string' },
      'private-key': { type: 'string' },
      'schema-dir': { type: 'string' },
      'routing-url': { type: 'string' },
      issuer: { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      'auto-respond': { type: 'boolean' },
      'auto-pull': { type: 'boolean' },
    },
  });
  const str = (k: Exclude<keyof typeof values, 'auto-respond' | 'auto-pull'>) => values[k];
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
    autoRespond: values['auto-respond'] === true,
    autoPullOnCallback: values['auto-pull'] === true,
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
