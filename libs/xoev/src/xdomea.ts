import { join } from 'node:path';
import { requireBundle, SCHEMA_BUNDLES, schemaFileUrl } from './bundles';
import {
  type Authority,
  deterministicUuid,
  type MessageAttachment,
  parseDvdvIdentity,
  safeFilename,
  type SubmissionMessageInput,
} from './message-input';
import type { SchemaSet } from './validation';
import { XmlWriter } from './xml-writer';

export const XDOMEA = {
  namespace: 'urn:xoev-de:xdomea:schema:3.0.0',
  messageType: 'Geschaeftsgang.Geschaeftsgang.0201',
  nachrichtentyp: { code: '0201', name: 'Geschaeftsgang.Geschaeftsgang' },
  nachrichtentypList: { listURI: 'urn:xoev-de:xdomea:codeliste:nachrichtentyp', listVersionID: '2.0' },
  dateiformatList: { listURI: 'urn:xoev-de:xdomea:codeliste:dateiformat', listVersionID: '2.0' },
} as const;

/** Schema set of xdomea 3.0.0 messages (entry `xdomea.xsd`, all message groups). */
export function xdomeaSchemaSet(schemaDir: string): SchemaSet {
  requireBundle(schemaDir, SCHEMA_BUNDLES.xdomea);
  return {
    id: SCHEMA_BUNDLES.xdomea.id,
    entry: schemaFileUrl(schemaDir, SCHEMA_BUNDLES.xdomea.files[0]),
    directories: [join(schemaDir, 'xdomea')],
  };
}

/** Codes of the xdomea code list Dateiformat for the formats Amtsbote sees; everything else is 100 (Sonstiges). */
const DATEIFORMAT: Record<string, string> = {
  bmp: '001',
  csv: '002',
  eml: '006',
  htm: '007',
  html: '008',
  jpeg: '010',
  jpg: '011',
  msg: '012',
  odp: '013',
  ods: '014',
  odt: '015',
  pdf: '018',
  png: '019',
  ppt: '020',
  rtf: '022',
  tif: '023',
  tiff: '024',
  xls: '028',
  xml: '030',
  xsd: '031',
  docx: '035',
  xlsx: '036',
  pptx: '037',
  txt: '045',
};

const MEDIA_EXTENSIONS: Record<string, string> = {
  'application/pdf': 'pdf',
  'application/xml': 'xml',
  'text/xml': 'xml',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/tiff': 'tif',
  'text/plain': 'txt',
  'text/csv': 'csv',
  'application/vnd.oasis.opendocument.text': 'odt',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
};

export function dateiformatCode(filename: string, mediaType: string): { code: string; other?: string } {
  const ext = /\.([a-z0-9]{1,5})$/i.exec(filename)?.[1]?.toLowerCase() ?? MEDIA_EXTENSIONS[mediaType];
  const code = ext === undefined ? undefined : DATEIFORMAT[ext];
  return code === undefined ? { code: '100', other: ext ?? mediaType } : { code };
}

/** A file inside the xdomea ZIP. */
export interface XdomeaFile {
  /** Name inside the ZIP; matches `Dateiname` in the message. */
  name: string;
  /** For attachments: which one; undefined for the Antrag document. */
  attachmentId?: string;
}

export interface XdomeaMessage {
  /** File name of the message XML inside the ZIP. */
  messageFile: string;
  /** Suggested name of the ZIP file. */
  zipName: string;
  xml: string;
  /** The Antrag (FIM data XML) document's file. */
  antragFile: XdomeaFile;
  attachmentFiles: XdomeaFile[];
}

function writeKontakt(w: XmlWriter, element: string, authority: Authority): void {
  const { praefix, kennung } = parseDvdvIdentity(authority.identity);
  w.open(element);
  w.open('xdomea:Behoerdenkennung');
  w.open('xdomea:Behoerdenschluessel').leaf('code', kennung).close('xdomea:Behoerdenschluessel');
  w.open('xdomea:Praefix').leaf('code', praefix).close('xdomea:Praefix');
  w.close('xdomea:Behoerdenkennung');
  w.open('xdomea:Institution').leaf('xdomea:Name', authority.name).close('xdomea:Institution');
  w.close(element);
}

function writeFormat(w: XmlWriter, filename: string, mediaType: string, zipName: string, at: string): void {
  const format = dateiformatCode(filename, mediaType);
  w.open('xdomea:Version');
  w.leaf('xdomea:Nummer', '1');
  w.open('xdomea:Format');
  w.open('xdomea:Name', {
    listURI: XDOMEA.dateiformatList.listURI,
    listVersionID: XDOMEA.dateiformatList.listVersionID,
  });
  w.leaf('code', format.code);
  w.close('xdomea:Name');
  w.leaf('xdomea:SonstigerName', format.other);
  w.leaf('xdomea:Version', format.code === '030' ? '1.0' : '');
  w.open('xdomea:Primaerdokument');
  w.leaf('xdomea:Dateiname', zipName);
  w.leaf('xdomea:DateinameOriginal', filename);
  w.leaf('xdomea:DatumUhrzeit', at);
  w.close('xdomea:Primaerdokument');
  w.close('xdomea:Format');
  w.close('xdomea:Version');
}

function writeAttachmentDokument(
  w: XmlWriter,
  a: MessageAttachment,
  position: number,
  file: XdomeaFile,
  at: string,
): void {
  w.open('xdomea:Dokument');
  w.open('xdomea:Identifikation');
  w.leaf('xdomea:ID', a.attachmentId);
  w.leaf('xdomea:NummerImUebergeordnetenContainer', position);
  w.close('xdomea:Identifikation');
  w.open('xdomea:AllgemeineMetadaten');
  w.leaf('xdomea:Betreff', a.filename);
  w.leaf('xdomea:Bemerkung', `SHA-512 ${a.sha512}`);
  w.close('xdomea:AllgemeineMetadaten');
  w.leaf('xdomea:Typ', 'Anlage');
  writeFormat(w, a.filename, a.mediaType, file.name, at);
  w.close('xdomea:Dokument');
}

/**
 * Builds an xdomea 3.0.0 Geschäftsgang message (0201) for one submission: the Kopf names Amtsbote as
 * Absender and the destination's authority as Empfänger (DVDV präfix and kennung), ProzessID = message id.
 * The Hauptobjekt is the Antrag: a Dokument whose primary file is the FIM data as FIM-XML. The Vorgang (id =
 * submission id, Kennzeichen = Vorgangsnummer) travels as Anlage and holds each attachment as a Dokument.
 * One Beteiligungsschritt asks the receiving authority to process the Antrag.
 */
export function buildXdomeaMessage(input: SubmissionMessageInput): XdomeaMessage {
  const at = input.createdAt;
  const antragId = deterministicUuid(input.messageId, 'antrag');
  const geschaeftsgangId = deterministicUuid(input.messageId, 'geschaeftsgang');
  const antragFile: XdomeaFile = { name: `${antragId}_Antrag.xml` };
  const attachmentFiles = input.attachments.map((a) => ({
    name: `${a.attachmentId}_${safeFilename(a.filename)}`,
    attachmentId: a.attachmentId,
  }));
  const messageFile = `${input.messageId}_${XDOMEA.messageType}.xml`;

  const w = new XmlWriter().declaration();
  w.open(`xdomea:${XDOMEA.messageType}`, { 'xmlns:xdomea': XDOMEA.namespace });
  w.open('xdomea:Kopf');
  w.leaf('xdomea:ProzessID', input.messageId);
  w.open('xdomea:Nachrichtentyp', XDOMEA.nachrichtentypList);
  w.leaf('code', XDOMEA.nachrichtentyp.code);
  w.leaf('name', XDOMEA.nachrichtentyp.name);
  w.close('xdomea:Nachrichtentyp');
  w.leaf('xdomea:Erstellungszeitpunkt', at);
  writeKontakt(w, 'xdomea:Absender', input.sender);
  writeKontakt(w, 'xdomea:Empfaenger', input.recipient);
  w.open('xdomea:SendendesSystem');
  w.leaf('xdomea:Produktname', input.product.name);
  w.leaf('xdomea:Version', input.product.version);
  w.close('xdomea:SendendesSystem');
  w.leaf(
    'xdomea:Hinweis',
    `Antrag ${input.vorgangsnummer}: ${input.leistungName} (LeiKa ${input.leikaKey}), Regionalschlüssel ${input.ars}`,
  );
  w.leaf('xdomea:EmpfangsbestaetigungAnInitiator', 'true');
  w.leaf('xdomea:EmpfangsbestaetigungAnVorgaenger', 'false');
  w.close('xdomea:Kopf');

  w.open('xdomea:Hauptobjekt');
  w.open('xdomea:Dokument');
  w.open('xdomea:Identifikation').leaf('xdomea:ID', antragId).close('xdomea:Identifikation');
  w.open('xdomea:AllgemeineMetadaten');
  w.leaf('xdomea:Betreff', `Antrag: ${input.leistungName}`);
  w.leaf('xdomea:Kennzeichen', input.vorgangsnummer);
  w.leaf(
    'xdomea:Bemerkung',
    `FIM-Stammdatenschema ${input.schema.meta.id}${input.schema.meta.version ? ` ${input.schema.meta.version}` : ''}`,
  );
  w.open('xdomea:Medium', { listURI: 'urn:xoev-de:xdomea:codeliste:medium', listVersionID: '1.0' });
  w.leaf('code', '001');
  w.close('xdomea:Medium');
  w.close('xdomea:AllgemeineMetadaten');
  w.leaf('xdomea:Posteingangsdatum', input.submittedAt.slice(0, 10));
  w.leaf('xdomea:Typ', 'Antrag');
  writeFormat(w, 'Antrag.xml', 'application/xml', antragFile.name, at);
  w.close('xdomea:Dokument');
  w.close('xdomea:Hauptobjekt');

  w.open('xdomea:ExternerGeschaeftsgang');
  w.open('xdomea:Identifikation').leaf('xdomea:ID', geschaeftsgangId).close('xdomea:Identifikation');
  w.open('xdomea:Beteiligungsschritt');
  w.leaf('xdomea:Nummer', '1');
  w.open('xdomea:Status', {
    listURI: 'urn:xoev-de:xdomea:codeliste:beteiligungsstatus',
    listVersionID: '1.1',
  });
  w.leaf('code', '002');
  w.close('xdomea:Status');
  w.open('xdomea:Verfuegung');
  writeKontakt(w, 'xdomea:Ersteller', input.sender);
  writeKontakt(w, 'xdomea:Adressat', input.recipient);
  w.leaf('xdomea:Erstellungsdatum', at.slice(0, 10));
  w.leaf('xdomea:Verfuegung', 'Zur Bearbeitung des Antrags');
  w.close('xdomea:Verfuegung');
  w.close('xdomea:Beteiligungsschritt');
  w.close('xdomea:ExternerGeschaeftsgang');

  w.open('xdomea:Anlage');
  w.open('xdomea:Vorgang');
  w.open('xdomea:Identifikation').leaf('xdomea:ID', input.submissionId).close('xdomea:Identifikation');
  w.open('xdomea:AllgemeineMetadaten');
  w.leaf('xdomea:Betreff', input.leistungName);
  w.leaf('xdomea:Kennzeichen', input.vorgangsnummer);
  w.close('xdomea:AllgemeineMetadaten');
  w.leaf('xdomea:Typ', `LeiKa ${input.leikaKey}`);
  input.attachments.forEach((a, i) => writeAttachmentDokument(w, a, i + 1, attachmentFiles[i], at));
  w.close('xdomea:Vorgang');
  w.close('xdomea:Anlage');
  w.close(`xdomea:${XDOMEA.messageType}`);

  return {
    messageFile,
    zipName: `${input.messageId}_${XDOMEA.messageType}.zip`,
    xml: w.toString(),
    antragFile,
    attachmentFiles,
  };
}
