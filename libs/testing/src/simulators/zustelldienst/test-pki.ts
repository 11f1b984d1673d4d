import { generateKeyPairSync, type KeyObject, randomBytes, sign, X509Certificate } from 'node:crypto';

// A small DER writer: enough of X.509 (RFC 5280) to issue a test CA and the destinations' certificates.
function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag: number, content: Buffer): Buffer =>
  Buffer.concat([Buffer.from([tag]), length(content.length), content]);
const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const explicit = (n: number, inner: Buffer) => tlv(0xa0 + n, inner);
const octets = (b: Buffer) => tlv(0x04, b);
const bool = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0]));
const bits = (b: Buffer, unused = 0) => tlv(0x03, Buffer.concat([Buffer.from([unused]), b]));
function integer(b: Buffer): Buffer {
  let v = b;
  while (v.length > 1 && v[0] === 0 && (v[1] & 0x80) === 0) v = v.subarray(1);
  return tlv(0x02, v[0] & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
}
function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [40 * a + b];
  for (const n of rest) {
    const chunk: number[] = [];
    for (let v = n; ; v = Math.floor(v / 128)) {
      chunk.unshift((v % 128) | (chunk.length ? 0x80 : 0));
      if (v < 128) break;
    }
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}
function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return d.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`))
    : tlv(0x18, Buffer.from(`${iso}Z`));
}
const name = (cn: string) => seq(set(seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(cn, 'utf8')))));
const SHA256_RSA = seq(oid('1.2.840.113549.1.1.11'), tlv(0x05, Buffer.alloc(0)));

export type KeyUse = 'ca' | 'enc' | 'sig';

export interface IssueOptions {
  subject: string;
  publicKey: KeyObject;
  use: KeyUse;
  notBefore?: Date;
  notAfter?: Date;
}

/** A certificate authority of the test PKI: issues certificates signed with its key (SHA-256 with RSA). */
export class TestCa {
  readonly certificate: X509Certificate;

  private constructor(
    readonly subject: string,
    private readonly key: KeyObject,
    der: Buffer,
  ) {
    this.certificate = new X509Certificate(der);
  }

  /** A self-signed root (`subject` as CN), or an intermediate issued by `parent`. */
  static create(subject: string, parent?: TestCa, o: { notAfter?: Date } = {}): TestCa {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const o2: IssueOptions = { subject, publicKey, use: 'ca', notAfter: o.notAfter };
    const der = parent ? parent.issueDer(o2) : certificateDer(subject, subject, privateKey, o2);
    return new TestCa(subject, privateKey, der);
  }

  get pem(): string {
    return this.certificate.toString();
  }

  issueDer(o: IssueOptions): Buffer {
    return certificateDer(this.subject, o.subject, this.key, o);
  }

  /** Base64 DER, as `x5c` carries it. */
  issue(o: IssueOptions): string {
    return this.issueDer(o).toString('base64');
  }
}

function certificateDer(issuer: string, subject: string, signer: KeyObject, o: IssueOptions): Buffer {
  const now = Date.now();
  const usage =
    o.use === 'ca'
      ? bits(Buffer.from([0x06]), 1)
      : o.use === 'enc'
        ? bits(Buffer.from([0x20]), 5)
        : bits(Buffer.from([0x80]), 7);
  const extensions = seq(
    seq(oid('2.5.29.19'), bool(true), octets(o.use === 'ca' ? seq(bool(true)) : seq())),
    seq(oid('2.5.29.15'), bool(true), octets(usage)),
  );
  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))),
    integer(randomBytes(12)),
    SHA256_RSA,
    name(issuer),
    seq(time(o.notBefore ?? new Date(now - 3600_000)), time(o.notAfter ?? new Date(now + 365 * 86400_000))),
    name(subject),
    o.publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, extensions),
  );
  return seq(tbs, SHA256_RSA, bits(sign('sha256', tbs, signer)));
}
