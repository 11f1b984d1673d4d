import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { assertPortFree, isPortFree, listeningInodes } from './ports';

const PROC_NET_TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:2384 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 111 1 0 100 0 0 10 0
   1: 0100007F:2385 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 222 1 0 100 0 0 10 0
   2: 0100007F:2384 0100007F:D2A4 01 00000000:00000000 00:00000000 00000000     0        0 333 1 0 20 4 30 10 -1
`;

void describe('listeningInodes', () => {
  void it('finds the listening socket of a port and ignores established connections', () => {
    assert.deepEqual(listeningInodes(PROC_NET_TCP, 9092), ['111']);
    assert.deepEqual(listeningInodes(PROC_NET_TCP, 9093), ['222']);
    assert.deepEqual(listeningInodes(PROC_NET_TCP, 9094), []);
  });
});

void describe('isPortFree / assertPortFree', () => {
  let server: Server;
  let port = 0;
  before(async () => {
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  void it('sees a taken port', async () => {
    assert.equal(await isPortFree(port), false);
  });

  void it('names the port and its owner in the error', async () => {
    await assert.rejects(assertPortFree(port, 'Test thing', 'TEST_PORT'), (err: Error) => {
      assert.match(err.message, new RegExp(`Port ${port} \\(Test thing\\)`));
      assert.match(err.message, new RegExp(`pid ${process.pid}`));
      assert.match(err.message, /TEST_PORT/);
      return true;
    });
  });

  void it('sees a free port', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const freePort = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    assert.equal(await isPortFree(freePort), true);
  });
});
