import { parseArgs } from 'node:util';
import { startPaymentSimulator } from './simulator';

const log = (stream: NodeJS.WriteStream, entry: Record<string, unknown>) =>
  stream.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);

/**
 * Standalone payment provider simulator (XBezahldienste REST, pmPayment classic, pay page, control API):
 *   node libs/testing/dist/src/simulators/payment/main.js [--port 4500] [--host 127.0.0.1] [--public-url URL]
 *     [--client-id ID --client-secret SECRET] [--pm-ags 04011000 --pm-procedure NAME --pm-salt SALT]
 * Env fallbacks: PAYMENT_SIMULATOR_PORT, PAYMENT_SIMULATOR_HOST, PAYMENT_SIMULATOR_PUBLIC_URL.
 * Prints one JSON line once it accepts requests.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'public-url': { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      'pm-ags': { type: 'string' },
      'pm-procedure': { type: 'string' },
      'pm-salt': { type: 'string' },
    },
  });
  const portText = values.port ?? process.env.PAYMENT_SIMULATOR_PORT ?? '4500';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`invalid port '${portText}'`);
  const clientId = values['client-id'];
  const clientSecret = values['client-secret'];
  const pm =
    values['pm-ags'] && values['pm-procedure'] && values['pm-salt']
      ? [{ ags: values['pm-ags'], procedure: values['pm-procedure'], salt: values['pm-salt'] }]
      : undefined;

  const simulator = await startPaymentSimulator({
    port,
    host: values.host ?? process.env.PAYMENT_SIMULATOR_HOST ?? '127.0.0.1',
    publicUrl: values['public-url'] ?? process.env.PAYMENT_SIMULATOR_PUBLIC_URL,
    client: clientId && clientSecret ? { clientId, clientSecret } : undefined,
    pmPayment: pm,
  });

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    simulator.close().then(
      () => {
        log(process.stdout, { level: 'info', msg: 'payment simulator stopped', signal });
        process.exit(0);
      },
      (error: unknown) => {
        log(process.stderr, {
          level: 'error',
          msg: 'payment simulator failed to stop',
          error: String(error),
        });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  log(process.stdout, {
    level: 'info',
    msg: 'payment simulator ready',
    pid: process.pid,
    url: simulator.url,
    port: simulator.port,
    oauth2: clientId ? `${simulator.url}/oauth/token` : undefined,
  });
}

main().catch((error: unknown) => {
  log(process.stderr, {
    level: 'error',
    msg: 'payment simulator failed to start',
    error: error instanceof Error ? error.message : String(error),
  });
  process.exit(1);
});
