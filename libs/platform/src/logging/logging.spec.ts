import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import pino from 'pino';
import { REDACT_PATHS } from './logging';

function capture(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { stream, lines };
}

describe('log redaction', () => {
  it('removes credentials and personal data from log lines', () => {
    const { stream, lines } = capture();
    const logger = pino({ redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, stream);
    logger.info(
      {
        req: { headers: { authorization: 'Bearer eyJhbGci', cookie: 'sid=1' } },
        submission: { id: 's-1', data: { F00000013: 'Erika Mustermann' }, email: 'erika@example.org' },
        provider: { clientSecret: 'hunter2', token: 'abc' },
      },
      'hello',
    );
    const line = lines.join('');
    for (const secret of ['eyJhbGci', 'sid=1', 'Erika Mustermann', 'erika@example.org', 'hunter2', '"abc"']) {
      assert.ok(!line.includes(secret), `${secret} leaked: ${line}`);
    }
    assert.ok(line.includes('s-1'), 'non-personal ids stay');
  });
});
