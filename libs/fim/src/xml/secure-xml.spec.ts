import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FimParseError } from '../errors';
import { parseSchema } from '../parser/parse-schema';
import { readXml } from './secure-xml';

function issueOf(fn: () => unknown): { code: string; message: string; line?: number } {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof FimParseError, `expected FimParseError, got ${String(e)}`);
    const issue = e.issues[0];
    return { code: issue.code, message: issue.message.en, line: issue.line };
  }
  assert.fail('expected the input to be refused');
}

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<xdf:xdatenfelder.stammdatenschema.0102 xmlns:xdf="urn:xoev-de:fim:standard:xdatenfelder_2"><xdf:x>&lol4;</xdf:x></xdf:xdatenfelder.stammdatenschema.0102>`;

const EXTERNAL_ENTITY = `<?xml version="1.0"?>
<!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<root>&xxe;</root>`;

describe('hardened XML reading', () => {
  it('refuses an XML bomb (entity declarations in a DTD) without expanding it', () => {
    const issue = issueOf(() => parseSchema(BILLION_LAUGHS));
    assert.equal(issue.code, 'DTD_FORBIDDEN');
    assert.equal(issue.line, 2);
    assert.match(issue.message, /not allowed/);
  });

  it('refuses an external entity', () => {
    assert.equal(issueOf(() => readXml(EXTERNAL_ENTITY)).code, 'DTD_FORBIDDEN');
  });

  it('refuses references to undeclared entities instead of resolving them', () => {
    const issue = issueOf(() => readXml('<root>&xxe;</root>'));
    assert.equal(issue.code, 'UNDEFINED_ENTITY');
    assert.match(issue.message, /&xxe;/);
  });

  it('refuses character references to characters XML does not allow', () => {
    assert.equal(issueOf(() => readXml('<root>&#0;</root>')).code, 'INVALID_REFERENCE');
  });

  it('accepts "<!DOCTYPE" inside comments and CDATA', () => {
    const doc = readXml('<root><!-- <!DOCTYPE x> --><a><![CDATA[<!DOCTYPE y> &amp;]]></a></root>');
    assert.equal(doc.root.children[0].text, '<!DOCTYPE y> &amp;');
  });

  it('enforces the maximum input size', () => {
    const big = `<root>${'x'.repeat(2000)}</root>`;
    const issue = issueOf(() => readXml(big, { maxBytes: 1000 }));
    assert.equal(issue.code, 'INPUT_TOO_LARGE');
    assert.match(issue.message, /limit is 1000 bytes/);
    assert.equal(readXml(big, { maxBytes: 5000 }).root.text.length, 2000);
  });

  it('enforces the maximum nesting depth before building a tree', () => {
    const deep = `${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}`;
    const issue = issueOf(() => readXml(deep));
    assert.equal(issue.code, 'NESTING_TOO_DEEP');
    assert.equal(issueOf(() => readXml('<a><b><c/></b></a>', { maxDepth: 2 })).code, 'NESTING_TOO_DEEP');
    assert.equal(readXml('<a><b><c/></b></a>', { maxDepth: 3 }).root.children[0].children[0].local, 'c');
  });

  it('reports malformed XML with its line', () => {
    const issue = issueOf(() => readXml('<root>\n<a>\n</b></root>'));
    assert.equal(issue.code, 'MALFORMED_XML');
    assert.equal(issue.line, 3);
  });

  it('decodes predefined entities and character references and resolves namespaces', () => {
    const doc = readXml(
      '<p:root xmlns:p="urn:p" xmlns="urn:d" a="1 &lt; 2"><child>&#x41;&#66;&amp;&quot;&#13;</child><p:x/></p:root>',
    );
    assert.equal(doc.root.ns, 'urn:p');
    assert.equal(doc.root.local, 'root');
    assert.equal(doc.root.attrs.a, '1 < 2');
    assert.equal(doc.root.children[0].ns, 'urn:d');
    assert.equal(doc.root.children[0].text, 'AB&"\r');
    assert.equal(doc.root.children[1].path, '/root/x');
  });

  it('reads line breaks as XML does, and markup characters inside quotes and CDATA as text', () => {
    const xml =
      '<?xml version="1.0"?>\r\n<?pi data?><r a=\'x > y\r\nz\' b="&#13;">a\r\nb\rc&#13;<![CDATA[<d>\r\n]]><e\r\n/></r >';
    const doc = readXml(xml);
    assert.equal(doc.root.attrs.a, 'x > y\nz');
    assert.equal(doc.root.attrs.b, '\r');
    assert.equal(doc.root.text, 'a\nb\nc\r<d>\n');
    assert.equal(doc.root.children[0].local, 'e');
    assert.equal(doc.root.children[0].pos, xml.indexOf('<e'));
    assert.deepEqual(doc.locate(doc.root.children[0].pos), { line: 5, column: 4 });
  });

  it('refuses a second root element', () => {
    assert.equal(issueOf(() => readXml('<a/><b/>')).code, 'MALFORMED_XML');
  });

  it('refuses undeclared namespace prefixes', () => {
    assert.equal(issueOf(() => readXml('<q:root/>')).code, 'UNDECLARED_PREFIX');
  });

  it('reads UTF-8 with BOM and declared ISO-8859-1 from bytes', () => {
    const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<r>Größe</r>', 'utf8')]);
    assert.equal(readXml(utf8).root.text, 'Größe');
    const latin1 = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><r>Größe</r>', 'latin1');
    assert.equal(readXml(latin1).root.text, 'Größe');
    assert.equal(
      issueOf(() => readXml(Buffer.from([0x3c, 0x72, 0x3e, 0xff, 0x3c, 0x2f, 0x72, 0x3e]))).code,
      'INVALID_ENCODING',
    );
  });
});
