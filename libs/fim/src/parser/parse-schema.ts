import { FimParseError, type FimIssue } from '../errors';
import {
  type CodeListReference,
  type Datentyp,
  type Feldart,
  type FimElementMeta,
  type FimField,
  type FimGroup,
  type FimLabels,
  type FimNode,
  type FimRule,
  type FimSchema,
  type LegalReference,
  type Multiplicity,
  type Praezisierung,
  type SelectValue,
  type Vorbefuellung,
  type XdfGeneration,
  DATENTYPEN,
  FELDARTEN,
} from '../model';
import type { LocalizedMessage } from '../validator/messages';
import { readXml, type XmlElement, type XmlReadLimits } from '../xml/secure-xml';
import { parseXdf2Praezisierung, parseXdf3Praezisierung } from './praezisierung';
import { type ChildSpec, type Children, ReadContext, checkCode, code, collect, text } from './reader';

export const NS_XDF1 = 'urn:xoev-de:fim:standard:xdatenfelder_1';
export const NS_XDF2 = 'urn:xoev-de:fim:standard:xdatenfelder_2';
export const NS_XDF3 = 'urn:xoev-de:fim:standard:xdatenfelder_3.0.0';

const MSG_SCHEMA = 'xdatenfelder.stammdatenschema.0102';
const MSG_GROUP = 'xdatenfelder.datenfeldgruppe.0103';

const STATUS: LocalizedMessage = { de: 'den Status', en: 'status' };
const FREIGABE: LocalizedMessage = { de: 'den Freigabestatus', en: 'Freigabestatus' };
const RELATION_PRAEDIKAT: LocalizedMessage = { de: 'das Prädikat der Relation', en: 'relation praedikat' };
const VORBEFUELLUNG_LABEL: LocalizedMessage = { de: 'die Vorbefüllung', en: 'vorbefuellung' };

/** `<child>` is missing in `<owner>` (or, with `of`, of the element with that id). */
function missing(child: string, owner: string, rel: 'in' | 'of' = 'in'): LocalizedMessage {
  return rel === 'in'
    ? { de: `<${child}> fehlt in <${owner}>`, en: `Missing <${child}> in <${owner}>` }
    : { de: `<${child}> von ${owner} fehlt`, en: `Missing <${child}> of ${owner}` };
}

function prefixed(id: string, m: LocalizedMessage): LocalizedMessage {
  return { de: `${id}: ${m.de}`, en: `${id}: ${m.en}` };
}

export interface ParseOptions extends XmlReadLimits {
  /** Treat warnings as errors. */
  strict?: boolean;
}

const XDF2_BASE: ChildSpec = {
  identifikation: 'one',
  name: 'one',
  bezeichnungEingabe: 'one',
  bezeichnungAusgabe: 'one',
  beschreibung: 'one',
  definition: 'one',
  bezug: 'one',
  status: 'one',
  gueltigAb: 'one',
  gueltigBis: 'one',
  fachlicherErsteller: 'one',
  versionshinweis: 'one',
  freigabedatum: 'one',
  veroeffentlichungsdatum: 'one',
};
const XDF2_ELEMENT: ChildSpec = {
  ...XDF2_BASE,
  schemaelementart: 'one',
  hilfetextEingabe: 'one',
  hilfetextAusgabe: 'one',
};

const XDF3_BASE: ChildSpec = {
  identifikation: 'one',
  name: 'one',
  beschreibung: 'one',
  definition: 'one',
  bezug: 'many',
  freigabestatus: 'one',
  statusGesetztAm: 'one',
  statusGesetztDurch: 'one',
  gueltigAb: 'one',
  gueltigBis: 'one',
  versionshinweis: 'one',
  veroeffentlichungsdatum: 'one',
  letzteAenderung: 'one',
  relation: 'many',
  stichwort: 'many',
};
const XDF3_ELEMENT: ChildSpec = {
  ...XDF3_BASE,
  bezeichnungEingabe: 'one',
  bezeichnungAusgabe: 'one',
  schemaelementart: 'one',
  hilfetextEingabe: 'one',
  hilfetextAusgabe: 'one',
};

const SPECS: Record<XdfGeneration, Record<'schema' | 'group' | 'field' | 'rule' | 'struktur', ChildSpec>> = {
  xdf2: {
    schema: {
      ...XDF2_BASE,
      hilfetext: 'one',
      ableitungsmodifikationenStruktur: 'one',
      ableitungsmodifikationenRepraesentation: 'one',
      regel: 'many',
      struktur: 'many',
    },
    group: { ...XDF2_ELEMENT, regel: 'many', struktur: 'many' },
    field: {
      ...XDF2_ELEMENT,
      feldart: 'one',
      datentyp: 'one',
      praezisierung: 'one',
      inhalt: 'one',
      codelisteReferenz: 'one',
      regel: 'many',
    },
    rule: { ...XDF2_BASE, script: 'one' },
    struktur: { anzahl: 'one', bezug: 'one', enthaelt: 'one' },
  },
  xdf3: {
    schema: {
      ...XDF3_BASE,
      bezeichnung: 'one',
      hilfetext: 'one',
      ableitungsmodifikationenStruktur: 'one',
      ableitungsmodifikationenRepraesentation: 'one',
      dokumentsteckbrief: 'one',
      regel: 'many',
      struktur: 'many',
    },
    group: { ...XDF3_ELEMENT, art: 'one', regel: 'many', struktur: 'many' },
    field: {
      ...XDF3_ELEMENT,
      feldart: 'one',
      datentyp: 'one',
      praezisierung: 'one',
      inhalt: 'one',
      vorbefuellung: 'one',
      werte: 'one',
      codelisteReferenz: 'one',
      codeKey: 'one',
      nameKey: 'one',
      helpKey: 'one',
      maxSize: 'one',
      mediaType: 'many',
      regel: 'many',
    },
    rule: {
      identifikation: 'one',
      name: 'one',
      beschreibung: 'one',
      freitextRegel: 'one',
      bezug: 'many',
      stichwort: 'many',
      fachlicherErsteller: 'one',
      letzteAenderung: 'one',
      typ: 'one',
      param: 'many',
      ziel: 'many',
      skript: 'one',
      fehler: 'many',
    },
    struktur: { anzahl: 'one', bezug: 'many', enthaelt: 'one' },
  },
};

const XDF2_DATENTYPEN: readonly Datentyp[] = [
  'text',
  'date',
  'bool',
  'num',
  'num_int',
  'num_currency',
  'file',
  'obj',
];
const XDF2_FELDARTEN: readonly Feldart[] = ['input', 'select', 'label'];
const XDF2_STATUS = ['inVorbereitung', 'aktiv', 'inaktiv'] as const;
const FREIGABESTATUS = ['1', '2', '3', '4', '5', '6', '7', '8'] as const;
const SCHEMAELEMENTART = ['ABS', 'HAR', 'RNG'] as const;
const VORBEFUELLUNG: readonly Vorbefuellung[] = ['keine', 'optional', 'verpflichtend'];
const REGELTYP = ['K', 'M', 'V', 'B'] as const;
const PRAEDIKAT = ['ABL', 'ERS', 'EQU', 'VKN'] as const;

/** Ids become JSON property names and XML element names. */
const ID_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]*$/;

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

type OptionalMetaKey =
  | 'beschreibung'
  | 'definition'
  | 'gueltigAb'
  | 'gueltigBis'
  | 'versionshinweis'
  | 'fachlicherErsteller'
  | 'freigabedatum'
  | 'veroeffentlichungsdatum'
  | 'statusGesetztAm'
  | 'statusGesetztDurch'
  | 'letzteAenderung';

class SchemaReader {
  readonly groups = new Map<string, FimGroup>();
  readonly fields = new Map<string, FimField>();
  readonly ruleDefs = new Map<string, FimRule>();
  readonly ruleTargets = new Map<string, string[]>();
  readonly nodes = new Map<string, FimNode>();
  private readonly signatures = new Map<string, string>();

  constructor(
    readonly ctx: ReadContext,
    readonly gen: XdfGeneration,
  ) {}

  private spec(kind: 'schema' | 'group' | 'field' | 'rule' | 'struktur'): ChildSpec {
    return SPECS[this.gen][kind];
  }

  identification(el: XmlElement | undefined, owner: XmlElement): { id: string; version?: string } {
    if (!el) {
      this.ctx.error('MISSING_ELEMENT', missing('identifikation', owner.qname), owner);
      return { id: '' };
    }
    const kids = collect(this.ctx, el, { id: 'one', version: 'one' });
    const idEl = kids.one('id');
    const id = text(this.ctx, idEl);
    if (!idEl) {
      this.ctx.error('MISSING_ID', missing('id', el.qname), el);
    } else if (id === undefined) {
      this.ctx.error(
        'EMPTY_ID',
        {
          de: `Leeres <${idEl.qname}>: jedes Element braucht eine Id`,
          en: `Empty <${idEl.qname}>: every element needs an id`,
        },
        idEl,
      );
    } else if (!ID_PATTERN.test(id) || id in Object.prototype) {
      this.ctx.error(
        'INVALID_ID',
        {
          de: `Die Id „${id}“ ist als Eigenschafts- und XML-Elementname nicht verwendbar`,
          en: `Id "${id}" is not usable as a property and XML element name`,
        },
        idEl,
        id,
      );
    }
    const version = text(this.ctx, kids.one('version'), id);
    return version === undefined ? { id: id ?? '' } : { id: id ?? '', version };
  }

  /**
   * The FIM portal and the tools around it publish `<dokumentsteckbrief><id/><version/></dokumentsteckbrief>`;
   * an `identifikation` wrapper (as for every other element) is accepted too.
   */
  dokumentsteckbrief(el: XmlElement, ownerId: string): { id: string; version?: string } {
    const wrapped = el.children.some((c) => c.local === 'identifikation');
    if (wrapped) {
      return this.identification(
        collect(this.ctx, el, { identifikation: 'one' }, ownerId).one('identifikation'),
        el,
      );
    }
    return this.identification(el, el);
  }

  legalRefs(list: XmlElement[], id: string): LegalReference[] {
    const refs: LegalReference[] = [];
    for (const el of list) {
      const t = text(this.ctx, el, id);
      if (t === undefined) continue;
      const link = el.attrs.link?.trim();
      refs.push(link ? { text: t, link } : { text: t });
    }
    return refs;
  }

  meta(el: XmlElement, kids: Children): FimElementMeta {
    const { id, version } = this.identification(kids.one('identifikation'), el);
    const name = text(this.ctx, kids.one('name'), id);
    if (name === undefined) this.ctx.error('MISSING_ELEMENT', missing('name', id || el.qname, 'of'), el, id);
    const meta: FimElementMeta = {
      id,
      idVersion: version === undefined ? id : `${id}_${version}`,
      name: name ?? '',
      bezug: this.legalRefs(kids.many('bezug'), id),
      stichwort: [],
      relation: [],
    };
    if (version !== undefined) meta.version = version;
    const opt = (key: OptionalMetaKey, child: string): void => {
      const v = text(this.ctx, kids.one(child), id);
      if (v !== undefined) meta[key] = v;
    };
    opt('beschreibung', 'beschreibung');
    opt('definition', 'definition');
    opt('gueltigAb', 'gueltigAb');
    opt('gueltigBis', 'gueltigBis');
    opt('versionshinweis', 'versionshinweis');
    opt('fachlicherErsteller', 'fachlicherErsteller');
    opt('freigabedatum', 'freigabedatum');
    opt('veroeffentlichungsdatum', 'veroeffentlichungsdatum');
    opt('statusGesetztAm', 'statusGesetztAm');
    opt('statusGesetztDurch', 'statusGesetztDurch');
    opt('letzteAenderung', 'letzteAenderung');
    const statusEl = kids.one('status');
    const status = checkCode(this.ctx, code(this.ctx, statusEl, id), XDF2_STATUS, STATUS, statusEl, id);
    if (status !== undefined) meta.status = status;
    const fsEl = kids.one('freigabestatus');
    const fs = checkCode(this.ctx, code(this.ctx, fsEl, id), FREIGABESTATUS, FREIGABE, fsEl, id);
    if (fs !== undefined) meta.freigabestatus = fs;
    for (const kw of kids.many('stichwort')) {
      const t = text(this.ctx, kw, id);
      if (t === undefined) continue;
      const uri = kw.attrs.uri?.trim();
      meta.stichwort.push(uri ? { text: t, uri } : { text: t });
    }
    for (const rel of kids.many('relation')) {
      const r = collect(this.ctx, rel, { praedikat: 'one', objekt: 'one' }, id);
      const pEl = r.one('praedikat');
      const praedikat = code(this.ctx, pEl, id);
      checkCode(this.ctx, praedikat, PRAEDIKAT, RELATION_PRAEDIKAT, pEl, id, 'warning');
      const objEl = r.one('objekt');
      const obj = objEl ? collect(this.ctx, objEl, { id: 'one', version: 'one' }, id) : undefined;
      const objId = text(this.ctx, obj?.one('id'), id);
      if (praedikat === undefined || objId === undefined) {
        this.ctx.warn(
          'INCOMPLETE_RELATION',
          {
            de: 'Relation ohne praedikat oder objekt-Id wird ignoriert',
            en: 'Relation without praedikat or objekt id ignored',
          },
          rel,
          id,
        );
        continue;
      }
      const objVersion = text(this.ctx, obj?.one('version'), id);
      meta.relation.push(
        objVersion ? { praedikat, id: objId, version: objVersion } : { praedikat, id: objId },
      );
    }
    return meta;
  }

  labels(kids: Children, id: string): FimLabels {
    const labels: FimLabels = {};
    for (const key of [
      'bezeichnungEingabe',
      'bezeichnungAusgabe',
      'hilfetextEingabe',
      'hilfetextAusgabe',
    ] as const) {
      const v = text(this.ctx, kids.one(key), id);
      if (v !== undefined) labels[key] = v;
    }
    const artEl = kids.one('schemaelementart');
    const art = checkCode(
      this.ctx,
      code(this.ctx, artEl, id),
      SCHEMAELEMENTART,
      { de: 'schemaelementart', en: 'schemaelementart' },
      artEl,
      id,
    );
    if (art !== undefined) labels.schemaelementart = art;
    return labels;
  }

  rules(list: XmlElement[], ownerPath: string): string[] {
    const ids: string[] = [];
    for (const el of list) {
      const rule = this.rule(el);
      ids.push(rule.idVersion);
      if (!this.ruleDefs.has(rule.idVersion)) this.ruleDefs.set(rule.idVersion, rule);
      const targets = this.ruleTargets.get(rule.idVersion);
      if (targets) targets.push(ownerPath);
      else this.ruleTargets.set(rule.idVersion, [ownerPath]);
    }
    return ids;
  }

  rule(el: XmlElement): FimRule {
    const kids = collect(this.ctx, el, this.spec('rule'));
    const rule: FimRule = { kind: 'rule', ...this.meta(el, kids) };
    const script = text(this.ctx, kids.one(this.gen === 'xdf2' ? 'script' : 'skript'), rule.id);
    if (script !== undefined) rule.script = script;
    const freitext = text(this.ctx, kids.one('freitextRegel'), rule.id);
    if (freitext !== undefined) rule.freitextRegel = freitext;
    const be = text(this.ctx, kids.one('bezeichnungEingabe'), rule.id);
    if (be !== undefined) rule.bezeichnungEingabe = be;
    const ba = text(this.ctx, kids.one('bezeichnungAusgabe'), rule.id);
    if (ba !== undefined) rule.bezeichnungAusgabe = ba;
    const typEl = kids.one('typ');
    const typ = checkCode(
      this.ctx,
      code(this.ctx, typEl, rule.id),
      REGELTYP,
      { de: 'den Regeltyp', en: 'Regel typ' },
      typEl,
      rule.id,
      'warning',
    );
    if (typ !== undefined) rule.typ = typ;
    return rule;
  }

  multiplicity(el: XmlElement | undefined, owner: XmlElement, id: string): Multiplicity {
    const raw = text(this.ctx, el, id);
    if (raw === undefined) {
      this.ctx.error('MISSING_ELEMENT', missing('anzahl', owner.qname), el ?? owner, id);
      return { min: 1, max: 1, raw: '1:1' };
    }
    const m = /^(\d{1,6})\s*:\s*(\d{1,6}|\*)$/.exec(raw);
    if (!m) {
      this.ctx.error(
        'INVALID_ANZAHL',
        {
          de: `Ungültige anzahl „${raw}“ (erwartet „min:max“, max darf * sein)`,
          en: `Invalid anzahl "${raw}" (expected "min:max", max may be *)`,
        },
        el,
        id,
      );
      return { min: 1, max: 1, raw };
    }
    const min = Number(m[1]);
    const max = m[2] === '*' ? null : Number(m[2]);
    if (max !== null && (max < min || max === 0)) {
      this.ctx.error(
        'INVALID_ANZAHL',
        {
          de: `Ungültige anzahl „${raw}“: max muss mindestens min und mindestens 1 sein`,
          en: `Invalid anzahl "${raw}": max must be at least min and at least 1`,
        },
        el,
        id,
      );
    }
    return { min, max, raw };
  }

  /** Reads the `struktur` entries of a schema or group into occurrence nodes under `parentPath`. */
  structure(list: XmlElement[], parentPath: string, ownerId: string): FimNode[] {
    const nodes: FimNode[] = [];
    const siblings = new Map<string, number>();
    for (const st of list) {
      const kids = collect(this.ctx, st, this.spec('struktur'), ownerId);
      const enthaelt = kids.one('enthaelt');
      if (!enthaelt) {
        this.ctx.error('MISSING_ELEMENT', missing('enthaelt', st.qname), st, ownerId);
        continue;
      }
      const inner = collect(this.ctx, enthaelt, { datenfeld: 'many', datenfeldgruppe: 'many' }, ownerId);
      const elements = [...inner.many('datenfeld'), ...inner.many('datenfeldgruppe')];
      if (elements.length !== 1) {
        this.ctx.error(
          'INVALID_STRUKTUR',
          {
            de: `<${enthaelt.qname}> muss genau ein datenfeld oder eine datenfeldgruppe enthalten, gefunden: ${elements.length}`,
            en: `<${enthaelt.qname}> must contain exactly one datenfeld or datenfeldgruppe, found ${elements.length}`,
          },
          enthaelt,
          ownerId,
        );
        if (elements.length === 0) continue;
      }
      const child = elements[0];
      const childIdEl = child.children.find((c) => c.local === 'identifikation');
      const childId = childIdEl?.children.find((c) => c.local === 'id')?.text.trim() ?? '';
      const n = (siblings.get(childId) ?? 0) + 1;
      siblings.set(childId, n);
      const key = n === 1 ? childId : `${childId}_${n}`;
      if (n > 1) {
        this.ctx.warn(
          'REPEATED_SIBLING',
          {
            de: `${childId} kommt ${n}-mal direkt in ${ownerId} vor; Vorkommen ${n} verwendet die Eigenschaft „${key}“`,
            en: `${childId} occurs ${n} times directly in ${ownerId}; occurrence ${n} uses the property "${key}"`,
          },
          child,
          childId,
        );
      }
      const path = `${parentPath}/${escapePointer(key)}`;
      const multiplicity = this.multiplicity(kids.one('anzahl'), st, childId);
      const bezug = this.legalRefs(kids.many('bezug'), childId);
      let node: FimNode;
      if (child.local === 'datenfeldgruppe') {
        const { group, children } = this.group(child, path);
        node = { kind: 'group', key, path, multiplicity, bezug, group, children };
      } else {
        node = { kind: 'field', key, path, multiplicity, bezug, field: this.field(child, path) };
      }
      this.nodes.set(path, node);
      nodes.push(node);
    }
    return nodes;
  }

  group(el: XmlElement, path: string): { group: FimGroup; children: FimNode[] } {
    const kids = collect(this.ctx, el, this.spec('group'));
    const meta = this.meta(el, kids);
    const group: FimGroup = { kind: 'group', ...meta, ...this.labels(kids, meta.id), rules: [] };
    const artEl = kids.one('art');
    const art = code(this.ctx, artEl, meta.id);
    if (art !== undefined) group.art = art;
    group.rules = this.rules(kids.many('regel'), path);
    const children = this.structure(kids.many('struktur'), path, meta.id);
    this.register(
      this.groups,
      group,
      JSON.stringify([group.rules, children.map((c) => [c.key, c.multiplicity.raw, idVersionOf(c)])]),
      el,
    );
    return { group, children };
  }

  field(el: XmlElement, path: string): FimField {
    const kids = collect(this.ctx, el, this.spec('field'));
    const meta = this.meta(el, kids);
    const id = meta.id;
    const feldartEl = kids.one('feldart');
    const datentypEl = kids.one('datentyp');
    const feldartCode = code(this.ctx, feldartEl, id);
    const datentypCode = code(this.ctx, datentypEl, id);
    if (!feldartEl) this.ctx.error('MISSING_ELEMENT', missing('feldart', id, 'of'), el, id);
    if (!datentypEl) this.ctx.error('MISSING_ELEMENT', missing('datentyp', id, 'of'), el, id);
    const feldart = checkCode(
      this.ctx,
      feldartCode,
      this.gen === 'xdf2' ? XDF2_FELDARTEN : FELDARTEN,
      { de: `die Feldart (${this.gen})`, en: `Feldart for ${this.gen}` },
      feldartEl,
      id,
    );
    const datentyp = checkCode(
      this.ctx,
      datentypCode,
      this.gen === 'xdf2' ? XDF2_DATENTYPEN : DATENTYPEN,
      { de: `den Datentyp (${this.gen})`, en: `Datentyp for ${this.gen}` },
      datentypEl,
      id,
    );
    const field: FimField = {
      kind: 'field',
      ...meta,
      ...this.labels(kids, id),
      feldart: feldart ?? 'input',
      datentyp: datentyp ?? 'text',
      praezisierung: this.praezisierung(kids.one('praezisierung'), id),
      werte: this.werte(kids.one('werte'), id),
      mediaTypes: [],
      rules: this.rules(kids.many('regel'), path),
    };
    const inhalt = text(this.ctx, kids.one('inhalt'), id);
    if (inhalt !== undefined) field.inhalt = inhalt;
    const vbEl = kids.one('vorbefuellung');
    const vb = checkCode(this.ctx, code(this.ctx, vbEl, id), VORBEFUELLUNG, VORBEFUELLUNG_LABEL, vbEl, id);
    if (vb !== undefined) field.vorbefuellung = vb;
    const codeliste = this.codeliste(kids.one('codelisteReferenz'), id);
    if (codeliste) field.codeliste = codeliste;
    for (const key of ['codeKey', 'nameKey', 'helpKey'] as const) {
      const v = text(this.ctx, kids.one(key), id);
      if (v !== undefined) field[key] = v;
    }
    const maxSizeEl = kids.one('maxSize');
    const maxSize = text(this.ctx, maxSizeEl, id);
    if (maxSize !== undefined) {
      if (/^\d{1,12}$/.test(maxSize)) field.maxSize = Number(maxSize);
      else
        this.ctx.error(
          'INVALID_VALUE',
          {
            de: `maxSize muss eine nicht-negative ganze Zahl sein, ist aber „${maxSize}“`,
            en: `maxSize must be a non-negative integer, got "${maxSize}"`,
          },
          maxSizeEl,
          id,
        );
    }
    for (const mt of kids.many('mediaType')) {
      const v = text(this.ctx, mt, id);
      if (v !== undefined) field.mediaTypes.push(v);
    }
    this.checkField(field, el);
    this.register(
      this.fields,
      field,
      JSON.stringify([
        field.feldart,
        field.datentyp,
        field.praezisierung,
        field.inhalt,
        field.codeliste,
        field.werte,
        field.maxSize,
        field.mediaTypes,
      ]),
      el,
    );
    return field;
  }

  private checkField(field: FimField, el: XmlElement): void {
    const { id } = field;
    if (field.feldart === 'select' && field.werte.length === 0 && !field.codeliste) {
      this.ctx.warn(
        'SELECT_WITHOUT_VALUES',
        {
          de: `Auswahlfeld ${id} hat weder werte noch einen Codelistenverweis`,
          en: `Select field ${id} has neither werte nor a code list reference`,
        },
        el,
        id,
      );
    }
    if (field.feldart !== 'select' && (field.werte.length > 0 || field.codeliste)) {
      this.ctx.warn(
        'VALUES_NOT_SELECT',
        {
          de: `Feld ${id} hat Werte oder eine Codeliste, aber die Feldart „${field.feldart}“`,
          en: `Field ${id} has values or a code list but Feldart "${field.feldart}"`,
        },
        el,
        id,
      );
    }
    const { minLength, maxLength } = field.praezisierung;
    if (minLength !== undefined && maxLength !== undefined && minLength > maxLength) {
      this.ctx.warn(
        'CONTRADICTORY_PRAEZISIERUNG',
        {
          de: `Feld ${id}: minLength ${minLength} ist größer als maxLength ${maxLength}`,
          en: `Field ${id}: minLength ${minLength} > maxLength ${maxLength}`,
        },
        el,
        id,
      );
    }
  }

  private register<T extends { idVersion: string }>(
    map: Map<string, T>,
    def: T,
    signature: string,
    el: XmlElement,
  ): void {
    const known = this.signatures.get(def.idVersion);
    if (known === undefined) {
      map.set(def.idVersion, def);
      this.signatures.set(def.idVersion, signature);
    } else if (known !== signature) {
      this.ctx.warn(
        'CONFLICTING_DEFINITION',
        {
          de: `${def.idVersion} kommt mit unterschiedlichen Definitionen vor; jedes Vorkommen wird nach seiner eigenen Definition geprüft`,
          en: `${def.idVersion} occurs with different definitions; every occurrence is validated by its own definition`,
        },
        el,
        def.idVersion,
      );
    }
  }

  praezisierung(el: XmlElement | undefined, id: string): Praezisierung {
    if (!el) return {};
    if (this.gen === 'xdf2') {
      const raw = text(this.ctx, el, id);
      if (raw === undefined) return {};
      const result = parseXdf2Praezisierung(raw);
      for (const p of result.problems) this.ctx.warn('PRAEZISIERUNG', prefixed(id, p), el, id);
      return result.value;
    }
    const result = parseXdf3Praezisierung(el.attrs, text(this.ctx, el, id));
    for (const p of result.problems) this.ctx.warn('PRAEZISIERUNG', prefixed(id, p), el, id);
    return result.value;
  }

  werte(el: XmlElement | undefined, id: string): SelectValue[] {
    if (!el) return [];
    const values: SelectValue[] = [];
    const seen = new Set<string>();
    for (const wert of collect(this.ctx, el, { wert: 'many' }, id).many('wert')) {
      const kids = collect(this.ctx, wert, { code: 'one', name: 'one', hilfe: 'one' }, id);
      const c = text(this.ctx, kids.one('code'), id);
      const name = text(this.ctx, kids.one('name'), id);
      if (c === undefined) {
        this.ctx.error('MISSING_ELEMENT', prefixed(id, missing('code', wert.qname)), wert, id);
        continue;
      }
      if (seen.has(c)) {
        this.ctx.error(
          'DUPLICATE_VALUE',
          {
            de: `Der Wert-Code „${c}“ kommt in den werten von ${id} mehrfach vor`,
            en: `Value code "${c}" occurs more than once in the werte of ${id}`,
          },
          wert,
          id,
        );
        continue;
      }
      seen.add(c);
      const help = text(this.ctx, kids.one('hilfe'), id);
      const value: SelectValue = { code: c, name: name ?? c };
      if (help !== undefined) value.help = help;
      values.push(value);
    }
    return values;
  }

  codeliste(el: XmlElement | undefined, id: string): CodeListReference | undefined {
    if (!el) return undefined;
    const ref: CodeListReference = {};
    let gc: Children;
    if (this.gen === 'xdf2') {
      const kids = collect(this.ctx, el, { identifikation: 'one', genericodeIdentification: 'one' }, id);
      const ident = kids.one('identifikation');
      if (ident) {
        const i = collect(this.ctx, ident, { id: 'one', version: 'one' }, id);
        const fimId = text(this.ctx, i.one('id'), id);
        const fimVersion = text(this.ctx, i.one('version'), id);
        if (fimId !== undefined) ref.fimId = fimId;
        if (fimVersion !== undefined) ref.fimVersion = fimVersion;
      }
      const gcEl = kids.one('genericodeIdentification');
      gc = gcEl
        ? collect(
            this.ctx,
            gcEl,
            { canonicalIdentification: 'one', version: 'one', canonicalVersionUri: 'one' },
            id,
          )
        : collect(this.ctx, el, {}, id);
    } else {
      gc = collect(
        this.ctx,
        el,
        { canonicalIdentification: 'one', version: 'one', canonicalVersionUri: 'one' },
        id,
      );
    }
    const canonicalUri = text(this.ctx, gc.one('canonicalIdentification'), id);
    const version = text(this.ctx, gc.one('version'), id);
    const canonicalVersionUri = text(this.ctx, gc.one('canonicalVersionUri'), id);
    if (canonicalUri !== undefined) ref.canonicalUri = canonicalUri;
    if (version !== undefined) ref.version = version;
    if (canonicalVersionUri !== undefined) ref.canonicalVersionUri = canonicalVersionUri;
    if (canonicalUri === undefined && canonicalVersionUri === undefined) {
      this.ctx.warn(
        'EMPTY_CODELIST_REFERENCE',
        {
          de: `Der Codelistenverweis von ${id} nennt keine Codeliste und wird ignoriert`,
          en: `Code list reference of ${id} names no code list; ignored`,
        },
        el,
        id,
      );
      return undefined;
    }
    return ref;
  }
}

function idVersionOf(node: FimNode): string {
  return node.kind === 'group' ? node.group.idVersion : node.field.idVersion;
}

function rootProblem(root: XmlElement): FimIssue | undefined {
  const ns = root.ns;
  if (ns === NS_XDF2 || ns === NS_XDF3) {
    if (root.local === MSG_SCHEMA || root.local === MSG_GROUP) return undefined;
    return {
      severity: 'error',
      code: 'UNSUPPORTED_MESSAGE',
      message: {
        de: `Nicht unterstützte Nachricht <${root.qname}>; erwartet ${MSG_SCHEMA} oder ${MSG_GROUP}`,
        en: `Unsupported message <${root.qname}>; expected ${MSG_SCHEMA} or ${MSG_GROUP}`,
      },
      xmlPath: root.path,
    };
  }
  const supported = `xdf2 (${NS_XDF2}) und xdf3 (${NS_XDF3})`;
  const message: LocalizedMessage =
    ns === NS_XDF1
      ? {
          de: `XDatenfelder 1 (Namensraum ${ns}) wird nicht unterstützt; unterstützt werden ${supported}`,
          en: `XDatenfelder 1 (namespace ${ns}) is not supported; supported are xdf2 (${NS_XDF2}) and xdf3 (${NS_XDF3})`,
        }
      : {
          de: `Unbekannter Namensraum ${ns ?? '(keiner)'} an <${root.qname}>; unterstützt werden ${supported}`,
          en: `Unknown namespace ${ns ?? '(none)'} on <${root.qname}>; supported are xdf2 (${NS_XDF2}) and xdf3 (${NS_XDF3})`,
        };
  return { severity: 'error', code: 'UNSUPPORTED_NAMESPACE', message, xmlPath: root.path };
}

/** Result of a parse that does not throw. */
export interface ParseResult {
  schema?: FimSchema;
  issues: FimIssue[];
}

/** Parses an XDatenfelder 2 or 3 message; never throws for bad input, returns the issues instead. */
export function tryParseSchema(xml: string | Uint8Array, options: ParseOptions = {}): ParseResult {
  let doc;
  try {
    doc = readXml(xml, options);
  } catch (e) {
    if (e instanceof FimParseError) return { issues: [...e.issues] };
    throw e;
  }
  const root = doc.root;
  const problem = rootProblem(root);
  if (problem) {
    const loc = doc.locate(root.pos);
    return { issues: [{ ...problem, line: loc.line, column: loc.column }] };
  }
  const gen: XdfGeneration = root.ns === NS_XDF2 ? 'xdf2' : 'xdf3';
  const ctx = new ReadContext(doc, root.ns as string);
  const reader = new SchemaReader(ctx, gen);
  const isGroupMessage = root.local === MSG_GROUP;
  const body = isGroupMessage ? 'datenfeldgruppe' : 'stammdatenschema';
  const top = collect(ctx, root, { header: 'one', [body]: 'one' });
  const header: FimSchema['header'] = {};
  const headerEl = top.one('header');
  if (headerEl) {
    const h = collect(ctx, headerEl, { nachrichtID: 'one', erstellungszeitpunkt: 'one', referenzID: 'one' });
    const nachrichtID = text(ctx, h.one('nachrichtID'));
    const erstellungszeitpunkt = text(ctx, h.one('erstellungszeitpunkt'));
    if (nachrichtID !== undefined) header.nachrichtID = nachrichtID;
    if (erstellungszeitpunkt !== undefined) header.erstellungszeitpunkt = erstellungszeitpunkt;
  }
  const bodyEl = top.one(body);
  if (!bodyEl) {
    ctx.error('MISSING_ELEMENT', missing(body, root.qname), root);
    return { issues: ctx.issues };
  }

  let meta: FimSchema['meta'];
  let rules: string[];
  let children: FimNode[];
  if (isGroupMessage) {
    const { group, children: kids } = reader.group(bodyEl, '');
    const {
      kind: _k,
      rules: _r,
      art: _a,
      schemaelementart: _s,
      hilfetextEingabe,
      hilfetextAusgabe: _h,
      ...rest
    } = group;
    meta = rest;
    if (hilfetextEingabe !== undefined) meta.hilfetext = hilfetextEingabe;
    rules = group.rules;
    children = kids;
  } else {
    const kids = collect(ctx, bodyEl, SPECS[gen].schema);
    meta = reader.meta(bodyEl, kids);
    const label = text(ctx, kids.one(gen === 'xdf2' ? 'bezeichnungEingabe' : 'bezeichnung'), meta.id);
    if (label !== undefined) meta.bezeichnungEingabe = label;
    const ba = text(ctx, kids.one('bezeichnungAusgabe'), meta.id);
    if (ba !== undefined) meta.bezeichnungAusgabe = ba;
    const hilfe = text(ctx, kids.one('hilfetext'), meta.id);
    if (hilfe !== undefined) meta.hilfetext = hilfe;
    const ams = code(ctx, kids.one('ableitungsmodifikationenStruktur'), meta.id);
    if (ams !== undefined) meta.ableitungsmodifikationenStruktur = ams;
    const amr = code(ctx, kids.one('ableitungsmodifikationenRepraesentation'), meta.id);
    if (amr !== undefined) meta.ableitungsmodifikationenRepraesentation = amr;
    const dsEl = kids.one('dokumentsteckbrief');
    if (dsEl) {
      const ds = reader.dokumentsteckbrief(dsEl, meta.id);
      if (ds.id) meta.dokumentsteckbrief = ds;
    }
    rules = reader.rules(kids.many('regel'), '');
    children = reader.structure(kids.many('struktur'), '', meta.id);
  }

  if (ctx.hasErrors) return { issues: ctx.issues };
  const schema: FimSchema = {
    generation: gen,
    messageType: isGroupMessage ? 'datenfeldgruppe' : 'stammdatenschema',
    namespace: root.ns as string,
    header,
    meta,
    rules,
    children,
    nodes: reader.nodes,
    groups: reader.groups,
    fields: reader.fields,
    ruleDefs: reader.ruleDefs,
    ruleTargets: reader.ruleTargets,
    warnings: ctx.issues.filter((i) => i.severity === 'warning'),
  };
  return { schema, issues: ctx.issues };
}

/**
 * Parses an XDatenfelder 2 or 3 Stammdatenschema (`xdatenfelder.stammdatenschema.0102`) or Datenfeldgruppe
 * (`xdatenfelder.datenfeldgruppe.0103`) message. Throws {@link FimParseError} with all issues on failure.
 */
export function parseSchema(xml: string | Uint8Array, options: ParseOptions = {}): FimSchema {
  const result = tryParseSchema(xml, options);
  const fatal = result.issues.some(
    (i) => i.severity === 'error' || (options.strict === true && i.severity === 'warning'),
  );
  if (!result.schema || fatal) throw new FimParseError(result.issues);
  return result.schema;
}
