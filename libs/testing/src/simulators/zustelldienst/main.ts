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
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { minimalPdf } from '../../harness/pdf';
import { FitConnectSubscriber } from './subscriber';
import { TestCa } from './test-pki';
import { ZustelldienstSimulator } from './zustelldienst';

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
  const outDir = need('out-dir');
  const zd = await ZustelldienstSimulator.start({ port: Number(v.port ?? '0') });
  const root = TestCa.create('Amtsbote Demo Root CA');
  const name = v.name ?? 'Bewohnerparkausweis';
  const sub = new FitConnectSubscriber({
    zustelldienst: zd,
    ca: TestCa.create('Amtsbote Demo Issuing CA', root),
    schemaDir: need('schema-dir'),
    metadataVersions: ['2.1.0', '1.0.0'],
    publicServices: [
      {
        name,
        identifier: `urn:de:fim:leika:leistung:${need('leika')}`,
        regions: [need('region')],
        submissionSchemas: [{ schemaUri: need('schema-uri'), mimeType: 'application/json' }],
      },
    ],
    replyTo: () => ({
      kind: 'BESCHEID',
      subject: `Bescheid: ${name} (über FIT-Connect)`,
      body: 'Ihrem Antrag wird stattgegeben. Der Bescheid liegt als PDF bei.',
      attachments: [
        {
          filename: 'bescheid.pdf',
          mediaType: 'application/pdf',
          content: minimalPdf(`Bescheid ${name}: bewilligt (zugestellt über FIT-Connect)`),
        },
      ],
    }),
  });
  sub.start(250);
  writeFileSync(join(outDir, 'fc-sender'), zd.addClient('amtsbote-sender', 'sender'));
  writeFileSync(join(outDir, 'anchors.pem'), root.pem);
  writeFileSync(
    join(outDir, 'destination.json'),
    JSON.stringify({
      destinationId: sub.destinationId,
      submissionApiUrl: zd.url,
      tokenUrl: zd.tokenUrl,
      clientId: 'amtsbote-sender',
      clientSecretRef: 'fc-sender',
    }),
  );
  process.stdout.write(`Zustelldienst simulator at ${zd.url}, destination ${sub.destinationId}\n`);
  const stop = () => {
    sub.stop();
    void zd.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
