/**
 * The Zustelldienst simulator as a process, with one Fachverfahren that receives over FIT-Connect,
 * accepts what passes its checks and answers each accepted submission with a Bescheid (PDF):
 *
 *   node libs/testing/dist/src/simulators/zustelldienst/main.js --port 4700 --out-dir <dir> \
 *     --schema-dir ../shared/fixtures --leika <LeiKa key> --region DE04011 --schema-uri <FIM schema URI>
 *
 * Writes into --out-dir what routing needs: `fc-sender` (the sender client's secret, for
 * ROUTING_FITCONNECT_SECRETS_DIR), `anchors.pem` (the test PKI's root, ROUTING_FITCONNECT_TRUST_ANCHORS_FILE)
 * and, last, `destination.json` (the destination's channelSettings). Control: GET /_sim/submissions.
 */
import { parseArgs } from 'node:util';
import { startFitConnectFachverfahren } from './demo-fachverfahren';

async function main(): Promise<void> {
  const { values: v } = parseArgs({
    options: {
      port: { type: 'string' },
      'out-dir': { type: 'string' },
      'schema-dir': { type: 'string' },
      leika: { type: 'string' },
      region: { type: 'string' },
      'schema-uri': { type: 'string' },
      name: { type: 'string' },
    },
  });
  const need = (k: keyof typeof v) => {
    const value = v[k];
    if (!value) throw new Error(`--${k} is required`);
    return value;
  };
  const fv = await startFitConnectFachverfahren({
    port: Number(v.port ?? '0'),
    outDir: need('out-dir'),
    schemaDir: need('schema-dir'),
    leikaKey: need('leika'),
    region: need('region'),
    schemaUri: need('schema-uri'),
    name: v.name,
  });
  process.stdout.write(`Zustelldienst simulator at ${fv.zd.url}, destination ${fv.sub.destinationId}\n`);
  const stop = () => void fv.stop().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
