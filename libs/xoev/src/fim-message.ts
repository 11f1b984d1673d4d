import { join } from 'node:path';
import {
  type CompileOptions,
  compileValidator,
  defaultNamespace,
  type FimSchema,
  type FimValidator,
} from '@amtsbote/fim';
import { G2G_HEADER_XSD_URL, G2G_NAMESPACE, g2gCatalog } from './bundles';
import { writeNachrichtenkopfG2G } from './g2g';
import type { SubmissionMessageInput } from './message-input';
import type { SchemaSet } from './validation';
import { XmlWriter } from './xml-writer';

/**
 * The `fim-xml` format: an XÖV-style message whose root extends `Nachricht.G2GType` of the Basisnachricht
 * G2G 1.1 (header `nachrichtenkopf.g2g`), followed by the Vorgang's facts, the FIM data as XML in the
 * namespace of the XSD exported from the FIM schema, and a description of each attachment. The message
 * schema is generated per FIM schema version and imports the official header XSD (through the catalog)
 * and the exported FIM XSD.
 */
export const FIM_MESSAGE = {
  namespace: 'urn:amtsbote:xoev:fim-antrag:1',
  root: 'fim.antrag.0001',
  standard: 'urn:amtsbote:standard:fim-antrag',
  version: '1.0',
  nachrichtentyp: {
    code: '0001',
    name: 'fim.antrag',
    listURI: 'urn:amtsbote:codeliste:nachrichtentyp',
    listVersionID: '1',
  },
} as const;

const GENERATED = 'file:///amtsbote-generated';

/** A FIM schema version prepared for messages: compiled once, reused for every message of that version. */
export interface PreparedFimSchema {
  schema: FimSchema;
  validator: FimValidator;
  /** Namespace of the FIM data XML. */
  namespace: string;
  /** Name of the data root element (the schema id). */
  rootId: string;
  /** XSD of the FIM data (exported by @amtsbote/fim). */
  dataXsd: string;
  /** Schema of the whole `fim-xml` message. */
  messageXsd: string;
  key: string;
}

/**
 * Compiles a FIM schema for messages. `options` are those the catalog compiled it with (code lists, pins,
 * allowUnknownCodeLists), so the XSD enumerates exactly the codes intake accepted.
 */
export function prepareFimSchema(schema: FimSchema, options: CompileOptions = {}): PreparedFimSchema {
  const validator = compileValidator(schema, options);
  const namespace = defaultNamespace(schema);
  const dataXsd = validator.toXsd({ namespace, annotations: false });
  const key = schema.meta.idVersion;
  return {
    schema,
    validator,
    namespace,
    rootId: validator.plan.rootId,
    dataXsd,
    messageXsd: messageXsdFor(
      namespace,
      validator.plan.rootId,
      `${GENERATED}/fim/${encodeURIComponent(key)}.xsd`,
    ),
    key,
  };
}

function messageXsdFor(fimNamespace: string, rootId: string, fimXsdUrl: string): string {
  const w = new XmlWriter().declaration();
  const xs = (name: string) => `xs:${name}`;
  w.open(xs('schema'), {
    'xmlns:xs': 'http://www.w3.org/2001/XMLSchema',
    'xmlns:bn-g2g': G2G_NAMESPACE,
    'xmlns:ab': FIM_MESSAGE.namespace,
    'xmlns:fim': fimNamespace,
    targetNamespace: FIM_MESSAGE.namespace,
    elementFormDefault: 'qualified',
    attributeFormDefault: 'unqualified',
    version: FIM_MESSAGE.version,
  });
  w.empty(xs('import'), { namespace: G2G_NAMESPACE, schemaLocation: G2G_HEADER_XSD_URL });
  w.empty(xs('import'), { namespace: fimNamespace, schemaLocation: fimXsdUrl });

  w.open(xs('element'), { name: FIM_MESSAGE.root });
  w.open(xs('complexType'))
    .open(xs('complexContent'))
    .open(xs('extension'), { base: 'bn-g2g:Nachricht.G2GType' });
  w.open(xs('sequence'));
  w.empty(xs('element'), { name: 'vorgang', type: 'ab:VorgangType' });
  w.open(xs('element'), { name: 'antragsdaten' }).open(xs('complexType')).open(xs('sequence'));
  w.empty(xs('element'), { ref: `fim:${rootId}` });
  w.close(xs('sequence')).close(xs('complexType')).close(xs('element'));
  w.empty(xs('element'), { name: 'anlage', type: 'ab:AnlageType', minOccurs: 0, maxOccurs: 'unbounded' });
  w.close(xs('sequence'));
  w.close(xs('extension')).close(xs('complexContent')).close(xs('complexType'));
  w.close(xs('element'));

  const simple = (name: string, base: string, facets: Array<[string, string]>) => {
    w.open(xs('simpleType'), { name }).open(xs('restriction'), { base });
    for (const [facet, value] of facets) w.empty(xs(facet), { value });
    w.close(xs('restriction')).close(xs('simpleType'));
  };
  simple('UUIDType', 'xs:string', [
    ['pattern', '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}'],
  ]);
  simple('LeiKaSchluesselType', 'xs:string', [['pattern', '99[0-9]{12}']]);
  simple('RegionalschluesselType', 'xs:string', [
    ['pattern', '[0-9]{2}|[0-9]{3}|[0-9]{5}|[0-9]{9}|[0-9]{12}'],
  ]);
  simple('SHA512Type', 'xs:string', [['pattern', '[0-9a-f]{128}']]);
  simple('TextType', 'xs:string', [
    ['minLength', '1'],
    ['maxLength', '1000'],
  ]);

  const sequenceType = (name: string, elements: Array<[string, string, number?]>) => {
    w.open(xs('complexType'), { name }).open(xs('sequence'));
    for (const [el, type, minOccurs] of elements) w.empty(xs('element'), { name: el, type, minOccurs });
    w.close(xs('sequence')).close(xs('complexType'));
  };
  sequenceType('VorgangType', [
    ['vorgangsnummer', 'ab:TextType'],
    ['einreichungsID', 'ab:UUIDType'],
    ['leistung', 'ab:LeistungType'],
    ['regionalschluessel', 'ab:RegionalschluesselType'],
    ['eingereichtAm', 'xs:dateTime'],
    ['antragsteller', 'ab:AntragstellerType'],
    ['fimSchema', 'ab:FimSchemaType'],
    ['zahlung', 'ab:ZahlungType', 0],
  ]);
  sequenceType('LeistungType', [
    ['leikaSchluessel', 'ab:LeiKaSchluesselType'],
    ['bezeichnung', 'ab:TextType'],
  ]);
  w.open(xs('complexType'), { name: 'AntragstellerType' }).open(xs('sequence'));
  w.open(xs('element'), { name: 'art' })
    .open(xs('simpleType'))
    .open(xs('restriction'), { base: 'xs:string' });
  for (const v of ['person', 'organisation', 'anonymous']) w.empty(xs('enumeration'), { value: v });
  w.close(xs('restriction')).close(xs('simpleType')).close(xs('element'));
  w.open(xs('element'), { name: 'vertrauensniveau' }).open(xs('simpleType'));
  w.open(xs('restriction'), { base: 'xs:nonNegativeInteger' }).empty(xs('maxInclusive'), { value: '4' });
  w.close(xs('restriction')).close(xs('simpleType')).close(xs('element'));
  w.close(xs('sequence')).close(xs('complexType'));
  sequenceType('FimSchemaType', [
    ['id', 'ab:TextType'],
    ['version', 'ab:TextType', 0],
  ]);
  sequenceType('ZahlungType', [
    ['transaktionsID', 'ab:TextType'],
    ['referenz', 'ab:TextType'],
    ['zahlart', 'ab:TextType'],
    ['status', 'ab:TextType'],
    ['betrag', 'xs:decimal'],
  ]);
  sequenceType('AnlageType', [
    ['anlageID', 'ab:UUIDType'],
    ['dateiname', 'ab:TextType'],
    ['mimeType', 'ab:TextType'],
    ['groesse', 'xs:nonNegativeInteger'],
    ['sha512', 'ab:SHA512Type'],
  ]);
  w.close(xs('schema'));
  return w.toString();
}

/** Schema set of `fim-xml` messages of one FIM schema version (header XSD from the schema directory). */
export function fimMessageSchemaSet(prepared: PreparedFimSchema, schemaDir: string): SchemaSet {
  const messageUrl = `${GENERATED}/fim-message/${encodeURIComponent(prepared.key)}.xsd`;
  return {
    id: `fim-xml:${prepared.key}`,
    entry: messageUrl,
    directories: [join(schemaDir, 'xoev-xwasser', 'schemas')],
    catalog: g2gCatalog(schemaDir),
    documents: new Map([
      [messageUrl, prepared.messageXsd],
      [`${GENERATED}/fim/${encodeURIComponent(prepared.key)}.xsd`, prepared.dataXsd],
    ]),
  };
}

/** Schema set of the FIM data XML alone (the Antrag document inside an xdomea message). */
export function fimDataSchemaSet(prepared: PreparedFimSchema): SchemaSet {
  const url = `${GENERATED}/fim/${encodeURIComponent(prepared.key)}.xsd`;
  return {
    id: `fim-data:${prepared.key}`,
    entry: url,
    directories: [],
    documents: new Map([[url, prepared.dataXsd]]),
  };
}

/** The FIM data as a standalone XML document (with declaration). */
export function fimDataXml(prepared: PreparedFimSchema, data: Record<string, unknown>): string {
  return prepared.validator.toXml(data, { namespace: prepared.namespace });
}

/** Builds a `fim-xml` message. Validate it with {@link fimMessageSchemaSet} before sending. */
export function buildFimMessage(prepared: PreparedFimSchema, input: SubmissionMessageInput): string {
  const w = new XmlWriter().declaration();
  w.open(`ab:${FIM_MESSAGE.root}`, {
    'xmlns:ab': FIM_MESSAGE.namespace,
    produkt: input.product.name,
    produkthersteller: input.product.vendor,
    produktversion: input.product.version,
    standard: FIM_MESSAGE.standard,
    test: input.test === true ? 'true' : undefined,
    version: FIM_MESSAGE.version,
  });
  writeNachrichtenkopfG2G(w, {
    nachrichtenUUID: input.messageId,
    nachrichtentyp: FIM_MESSAGE.nachrichtentyp,
    erstellungszeitpunkt: input.createdAt,
    leser: input.recipient,
    autor: input.sender,
  });
  w.open('ab:vorgang');
  w.leaf('ab:vorgangsnummer', input.vorgangsnummer);
  w.leaf('ab:einreichungsID', input.submissionId);
  w.open('ab:leistung');
  w.leaf('ab:leikaSchluessel', input.leikaKey);
  w.leaf('ab:bezeichnung', input.leistungName);
  w.close('ab:leistung');
  w.leaf('ab:regionalschluessel', input.ars);
  w.leaf('ab:eingereichtAm', input.submittedAt);
  w.open('ab:antragsteller');
  w.leaf('ab:art', input.applicant.kind);
  w.leaf('ab:vertrauensniveau', input.applicant.trustLevel);
  w.close('ab:antragsteller');
  w.open('ab:fimSchema');
  w.leaf('ab:id', input.schema.meta.id);
  w.leaf('ab:version', input.schema.meta.version);
  w.close('ab:fimSchema');
  if (input.payment) {
    w.open('ab:zahlung');
    w.leaf('ab:transaktionsID', input.payment.transactionId);
    w.leaf('ab:referenz', input.payment.transactionReference);
    w.leaf('ab:zahlart', input.payment.paymentMethod);
    w.leaf('ab:status', input.payment.status);
    w.leaf('ab:betrag', input.payment.grossAmount.toFixed(2));
    w.close('ab:zahlung');
  }
  w.close('ab:vorgang');
  w.open('ab:antragsdaten');
  w.fragment(prepared.validator.toXml(input.data, { namespace: prepared.namespace, omitDeclaration: true }));
  w.close('ab:antragsdaten');
  for (const a of input.attachments) {
    w.open('ab:anlage');
    w.leaf('ab:anlageID', a.attachmentId);
    w.leaf('ab:dateiname', a.filename);
    w.leaf('ab:mimeType', a.mediaType);
    w.leaf('ab:groesse', a.size);
    w.leaf('ab:sha512', a.sha512);
    w.close('ab:anlage');
  }
  w.close(`ab:${FIM_MESSAGE.root}`);
  return w.toString();
}
