/**
 * Hand-written XDatenfelder 3 messages for behaviour the shared fixtures do not cover (inline werte with
 * values, hidden and locked fields, text_latin, time, datetime, num_int, obj, file media types).
 */

interface FieldSpec {
  id: string;
  name: string;
  feldart: string;
  datentyp: string;
  anzahl?: string;
  praezisierung?: Record<string, string>;
  inhalt?: string;
  vorbefuellung?: string;
  werte?: Array<[string, string, string?]>;
  codeliste?: { uri: string; version: string };
  mediaTypes?: string[];
  maxSize?: number;
  hilfe?: string;
  regel?: string;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}

export function xdf3Field(f: FieldSpec): string {
  const prae = f.praezisierung
    ? `<xdf:praezisierung ${Object.entries(f.praezisierung)
        .map(([k, v]) => `${k}="${esc(v)}"`)
        .join(' ')}/>`
    : '';
  const werte = f.werte
    ? `<xdf:werte>${f.werte
        .map(
          ([code, name, hilfe]) =>
            `<xdf:wert><xdf:code>${esc(code)}</xdf:code><xdf:name>${esc(name)}</xdf:name>${hilfe ? `<xdf:hilfe>${esc(hilfe)}</xdf:hilfe>` : ''}</xdf:wert>`,
        )
        .join('')}</xdf:werte>`
    : '';
  const codeliste = f.codeliste
    ? `<xdf:codelisteReferenz><xdf:canonicalIdentification>${f.codeliste.uri}</xdf:canonicalIdentification><xdf:version>${f.codeliste.version}</xdf:version><xdf:canonicalVersionUri>${f.codeliste.uri}_${f.codeliste.version}</xdf:canonicalVersionUri></xdf:codelisteReferenz>`
    : '';
  const regel = f.regel
    ? `<xdf:regel><xdf:identifikation><xdf:id>${f.regel}</xdf:id><xdf:version>1.0.0</xdf:version></xdf:identifikation><xdf:name>Regel ${f.regel}</xdf:name><xdf:freitextRegel>Nur ausfüllen, wenn zutreffend.</xdf:freitextRegel><xdf:letzteAenderung>2024-01-01T00:00:00Z</xdf:letzteAenderung><xdf:typ><code>V</code></xdf:typ><xdf:skript>function pruefe() { return true; }</xdf:skript></xdf:regel>`
    : '';
  const field = `<xdf:datenfeld>
  <xdf:identifikation><xdf:id>${f.id}</xdf:id><xdf:version>1.0.0</xdf:version></xdf:identifikation>
  <xdf:name>${esc(f.name)}</xdf:name>
  <xdf:freigabestatus listVersionID="2020-03-19"><code>6</code></xdf:freigabestatus>
  <xdf:letzteAenderung>2024-01-01T00:00:00Z</xdf:letzteAenderung>
  <xdf:bezeichnungEingabe>${esc(f.name)}</xdf:bezeichnungEingabe>
  <xdf:schemaelementart><code>RNG</code></xdf:schemaelementart>
  ${f.hilfe ? `<xdf:hilfetextEingabe>${esc(f.hilfe)}</xdf:hilfetextEingabe>` : ''}
  <xdf:feldart><code>${f.feldart}</code></xdf:feldart>
  <xdf:datentyp><code>${f.datentyp}</code></xdf:datentyp>
  ${prae}
  ${f.inhalt !== undefined ? `<xdf:inhalt>${esc(f.inhalt)}</xdf:inhalt>` : ''}
  ${f.vorbefuellung ? `<xdf:vorbefuellung><code>${f.vorbefuellung}</code></xdf:vorbefuellung>` : ''}
  ${werte}
  ${codeliste}
  ${f.maxSize !== undefined ? `<xdf:maxSize>${f.maxSize}</xdf:maxSize>` : ''}
  ${(f.mediaTypes ?? []).map((m) => `<xdf:mediaType>${m}</xdf:mediaType>`).join('')}
  ${regel}
</xdf:datenfeld>`;
  return `<xdf:struktur><xdf:anzahl>${f.anzahl ?? '1:1'}</xdf:anzahl><xdf:enthaelt>${field}</xdf:enthaelt></xdf:struktur>`;
}

export function xdf3Group(id: string, name: string, anzahl: string, children: string[]): string {
  return `<xdf:struktur><xdf:anzahl>${anzahl}</xdf:anzahl><xdf:enthaelt><xdf:datenfeldgruppe>
  <xdf:identifikation><xdf:id>${id}</xdf:id><xdf:version>1.0.0</xdf:version></xdf:identifikation>
  <xdf:name>${esc(name)}</xdf:name>
  <xdf:freigabestatus><code>6</code></xdf:freigabestatus>
  <xdf:bezeichnungEingabe>${esc(name)}</xdf:bezeichnungEingabe>
  <xdf:schemaelementart><code>RNG</code></xdf:schemaelementart>
  ${children.join('\n')}
</xdf:datenfeldgruppe></xdf:enthaelt></xdf:struktur>`;
}

export function xdf3Schema(children: string[], id = 'S60000000001'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<xdf:xdatenfelder.stammdatenschema.0102 xmlns:xdf="urn:xoev-de:fim:standard:xdatenfelder_3.0.0">
<xdf:header><xdf:nachrichtID>test-0001</xdf:nachrichtID><xdf:erstellungszeitpunkt>2024-01-01T00:00:00Z</xdf:erstellungszeitpunkt></xdf:header>
<xdf:stammdatenschema>
  <xdf:identifikation><xdf:id>${id}</xdf:id><xdf:version>1.0.0</xdf:version></xdf:identifikation>
  <xdf:name>Testantrag</xdf:name>
  <xdf:bezug link="https://example.org/gesetz">§ 1 Testgesetz</xdf:bezug>
  <xdf:freigabestatus><code>6</code></xdf:freigabestatus>
  <xdf:letzteAenderung>2024-01-01T00:00:00Z</xdf:letzteAenderung>
  <xdf:bezeichnung>Antrag auf Test</xdf:bezeichnung>
  <xdf:hilfetext>Bitte alle Pflichtfelder ausfüllen.</xdf:hilfetext>
  ${children.join('\n')}
</xdf:stammdatenschema>
</xdf:xdatenfelder.stammdatenschema.0102>`;
}

/** A schema that uses every xdf3 feature the validator enforces. */
export const XDF3_FULL = xdf3Schema([
  xdf3Group('G60000000100', 'Person', '1:1', [
    xdf3Field({
      id: 'F60000000101',
      name: 'Familienname',
      feldart: 'input',
      datentyp: 'text_latin',
      praezisierung: { minLength: '1', maxLength: '20' },
      hilfe: 'Wie im Ausweis.',
    }),
    xdf3Field({
      id: 'F60000000102',
      name: 'Anrede',
      feldart: 'select',
      datentyp: 'text',
      werte: [
        ['01', 'Herr'],
        ['02', 'Frau', 'weibliche Anrede'],
        ['03', 'keine Anrede'],
      ],
    }),
    xdf3Field({
      id: 'F60000000103',
      name: 'Geburtsdatum',
      feldart: 'input',
      datentyp: 'date',
      anzahl: '0:1',
      praezisierung: { minValue: '1900-01-01', maxValue: '2030-12-31' },
    }),
    xdf3Field({ id: 'F60000000104', name: 'Uhrzeit', feldart: 'input', datentyp: 'time', anzahl: '0:1' }),
    xdf3Field({
      id: 'F60000000105',
      name: 'Zeitpunkt',
      feldart: 'input',
      datentyp: 'datetime',
      anzahl: '0:1',
    }),
    xdf3Field({
      id: 'F60000000106',
      name: 'Anzahl Kinder',
      feldart: 'input',
      datentyp: 'num_int',
      anzahl: '0:1',
      praezisierung: { minValue: '0', maxValue: '20' },
    }),
    xdf3Field({
      id: 'F60000000107',
      name: 'Verfahrenskennung',
      feldart: 'hidden',
      datentyp: 'text',
      inhalt: 'AB-123',
      vorbefuellung: 'verpflichtend',
    }),
    xdf3Field({
      id: 'F60000000108',
      name: 'Einwilligung',
      feldart: 'locked',
      datentyp: 'bool',
      inhalt: 'true',
    }),
    xdf3Field({
      id: 'F60000000109',
      name: 'Postleitzahl',
      feldart: 'input',
      datentyp: 'text',
      anzahl: '0:1',
      praezisierung: { pattern: '[0-9]{5}' },
      regel: 'R60000000109',
    }),
    xdf3Field({
      id: 'F60000000110',
      name: 'Hinweis',
      feldart: 'label',
      datentyp: 'text',
      inhalt: 'Bitte vollständig ausfüllen.',
    }),
    xdf3Field({
      id: 'F60000000111',
      name: 'Betrag',
      feldart: 'input',
      datentyp: 'num',
      anzahl: '0:1',
      praezisierung: { minValue: '0,5', maxValue: '1000' },
    }),
  ]),
  xdf3Field({
    id: 'F60000000120',
    name: 'Nachweis',
    feldart: 'input',
    datentyp: 'file',
    anzahl: '0:3',
    mediaTypes: ['application/pdf', 'image/*'],
    maxSize: 2048 * 1024,
  }),
  xdf3Field({ id: 'F60000000121', name: 'Zusatzdaten', feldart: 'input', datentyp: 'obj', anzahl: '0:1' }),
  xdf3Field({ id: 'F60000000122', name: 'Kennung', feldart: 'hidden', datentyp: 'text', anzahl: '0:1' }),
  xdf3Field({
    id: 'F60000000123',
    name: 'Staat',
    feldart: 'select',
    datentyp: 'text',
    anzahl: '0:1',
    codeliste: { uri: 'urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staat', version: '2017-01-01' },
  }),
  xdf3Field({ id: 'F60000000124', name: 'Gebühr', feldart: 'input', datentyp: 'num_currency' }),
  xdf3Group('G60000000130', 'Kontakt', '0:*', [
    xdf3Field({
      id: 'F60000000131',
      name: 'E-Mail',
      feldart: 'input',
      datentyp: 'text',
      praezisierung: { maxLength: '254' },
    }),
  ]),
]);

/** A small genericode code list with code, name and help columns. */
export function genericode(uri: string, version: string, rows: Array<[string, string, string?]>): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<gc:CodeList xmlns:gc="http://docs.oasis-open.org/codelist/ns/genericode/1.0/">
  <Identification>
    <ShortName>test</ShortName>
    <Version>${version}</Version>
    <CanonicalUri>${uri}</CanonicalUri>
    <CanonicalVersionUri>${uri}_${version}</CanonicalVersionUri>
  </Identification>
  <ColumnSet>
    <Column Id="schluessel" Use="required"><ShortName>Schluessel</ShortName><Data Type="string"/></Column>
    <Column Id="beschreibung" Use="required"><ShortName>Beschreibung</ShortName><Data Type="string"/></Column>
    <Column Id="hinweis" Use="optional"><ShortName>Hinweis</ShortName><Data Type="string"/></Column>
    <Key Id="schluesselKey"><ShortName>SchluesselKey</ShortName><ColumnRef Ref="schluessel"/></Key>
  </ColumnSet>
  <SimpleCodeList>
${rows
  .map(
    ([c, n, h]) =>
      `    <Row><Value ColumnRef="schluessel"><SimpleValue>${c}</SimpleValue></Value><Value ColumnRef="beschreibung"><SimpleValue>${n}</SimpleValue></Value>${h ? `<Value ColumnRef="hinweis"><SimpleValue>${h}</SimpleValue></Value>` : ''}</Row>`,
  )
  .join('\n')}
  </SimpleCodeList>
</gc:CodeList>`;
}
