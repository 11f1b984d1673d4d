import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stackPaths } from './paths';
import { renderS3Identities, S3_ACCESS_KEY_ID, seaweedfsPorts, weedServerArgs } from './seaweedfs';

void describe('SeaweedFS of the local stack', () => {
  void it('derives every port from the S3 port, so stacks with different ports never share one', () => {
    const ports = (s3: number) => Object.values(seaweedfsPorts(s3)).flatMap((p) => [p.http, p.grpc]);
    const a = ports(8333);
    const b = ports(18333);
    assert.equal(new Set(a).size, 8);
    assert.deepEqual(
      a.filter((p) => b.includes(p)),
      [],
    );
    // SeaweedFS's own defaults (and the gRPC default of S3 8333, 18333) are never used.
    for (const taken of [9333, 19333, 8080, 18080, 8888, 18888, 18333])
      assert.ok(!a.includes(taken), String(taken));
    assert.throws(() => seaweedfsPorts(65530), /no room/);
  });

  void it('runs on loopback only, with the identities file, without telemetry or extra catalogs', () => {
    const p = stackPaths('/repo').seaweedfs;
    const args = weedServerArgs(p, 8333);
    for (const expected of [
      '-ip=127.0.0.1',
      '-ip.bind=127.0.0.1',
      '-s3',
      '-s3.port=8333',
      `-s3.config=${p.identities}`,
      '-master.telemetry=false',
      '-s3.port.iceberg=0',
      '-s3.port.lance=0',
      `-dir=${p.data}`,
    ]) {
      assert.ok(args.includes(expected), expected);
    }
    const identities = JSON.parse(renderS3Identities()) as {
      identities: Array<{ credentials: Array<{ accessKey: string }>; actions: string[] }>;
    };
    assert.equal(identities.identities[0].credentials[0].accessKey, S3_ACCESS_KEY_ID);
    assert.ok(identities.identities[0].actions.includes('Write'));
  });
});
