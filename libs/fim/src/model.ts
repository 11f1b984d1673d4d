import type { FimIssue } from './errors';

/** XDatenfelder generation of the source document. */
export type XdfGeneration = 'xdf2' | 'xdf3';

/** Kind of XDatenfelder message the model was read from. */
export type FimMessageType = 'stammdatenschema' | 'datenfeldgruppe';

export const DATENTYPEN = [
  'text',
  'text_latin',
  'date',
  'time',
  'datetime',
  'bool',
  'num',
  'num_int',
  'num_currency',
  'file',
  'obj',
] as const;
export type Datentyp = (typeof DATENTYPEN)[number];

export const FELDARTEN = ['input', 'select', 'label', 'hidden', 'locked'] as const;
export type Feldart = (typeof FELDARTEN)[number];

export type Vorbefuellung = 'keine' | 'optional' | 'verpflichtend';

/** `anzahl` of a child in a structure: "min:max", max `null` for `*`. */
export interface Multiplicity {
  min: number;
  max: number | null;
  raw: string;
}

/** Precision (praezisierung) of a Datenfeld. Values are kept as written; the validator interprets them per Datentyp. */
export interface Praezisierung {
  minLength?: number;
  maxLength?: number;
  minValue?: string;
  maxValue?: string;
  /** XML Schema regular expression as written in the FIM source. */
  pattern?: string;
  /** xdf3: text content of the element; xdf2: the original JSON-ish string. */
  raw?: string;
}

/** Reference to a genericode code list. Resolution uses the pinned `canonicalVersionUri`. */
export interface CodeListReference {
  /** xdf2 only: FIM id of the code list (e.g. C00000001). */
  fimId?: string;
  fimVersion?: string;
  canonicalUri?: string;
  version?: string;
  canonicalVersionUri?: string;
}

/** xdf3 inline value of a select field (`werte/wert`). */
export interface SelectValue {
  code: string;
  name: string;
  help?: string;
}

/** Legal or other reference (`bezug`); xdf3 may carry a link. */
export interface LegalReference {
  text: string;
  link?: string;
}

export interface Keyword {
  text: string;
  uri?: string;
}

export interface Relation {
  /** xdf3 praedikat code, e.g. ERS (ersetzt), ABL (abgeleitet von), EQU, VKN. */
  praedikat: string;
  id: string;
  version?: string;
}

/** Metadata shared by schema, groups, fields and rules of both generations. */
export interface FimElementMeta {
  id: string;
  version?: string;
  /** `${id}_${version}`, or the id alone when the source has no version. */
  idVersion: string;
  name: string;
  beschreibung?: string;
  definition?: string;
  bezug: LegalReference[];
  /** xdf2 status code (inVorbereitung, aktiv, inaktiv). */
  status?: string;
  /** xdf3 Freigabestatus code 1..8. */
  freigabestatus?: string;
  statusGesetztAm?: string;
  statusGesetztDurch?: string;
  gueltigAb?: string;
  gueltigBis?: string;
  versionshinweis?: string;
  fachlicherErsteller?: string;
  freigabedatum?: string;
  veroeffentlichungsdatum?: string;
  letzteAenderung?: string;
  stichwort: Keyword[];
  relation: Relation[];
}

export interface FimLabels {
  bezeichnungEingabe?: string;
  bezeichnungAusgabe?: string;
  hilfetextEingabe?: string;
  hilfetextAusgabe?: string;
  /** ABS, HAR, RNG (xdf3 also RNG/ABS/HAR). */
  schemaelementart?: string;
}

/** A Regel. Rules are kept as metadata: they are not executed (see README). */
export interface FimRule extends FimElementMeta {
  kind: 'rule';
  /** xdf3 freitextRegel. */
  freitextRegel?: string;
  /** xdf2 `script` / xdf3 `skript`. */
  script?: string;
  /** xdf3 rule type (K, M, V, B). */
  typ?: string;
  bezeichnungEingabe?: string;
  bezeichnungAusgabe?: string;
}

export interface FimField extends FimElementMeta, FimLabels {
  kind: 'field';
  feldart: Feldart;
  datentyp: Datentyp;
  praezisierung: Praezisierung;
  /** Fixed text (label) or preset value (input/hidden/locked). */
  inhalt?: string;
  vorbefuellung?: Vorbefuellung;
  codeliste?: CodeListReference;
  /** xdf3 inline values of select fields. */
  werte: SelectValue[];
  codeKey?: string;
  nameKey?: string;
  helpKey?: string;
  /** xdf3 maximum attachment size in bytes (the FIM portal writes 20000000 for "20 MB"). */
  maxSize?: number;
  mediaTypes: string[];
  /** idVersion of the rules attached to this field. */
  rules: string[];
}

export interface FimGroup extends FimElementMeta, FimLabels {
  kind: 'group';
  /** xdf3 `art` of the group, when given. */
  art?: string;
  rules: string[];
}

interface NodeBase {
  /** Property name in the data (the FIM id; `<id>_<n>` for the n-th repeated sibling with the same id). */
  key: string;
  /** JSON Pointer of this element in a data instance, without array indices. */
  path: string;
  multiplicity: Multiplicity;
  /** `bezug` of the structure entry (legal reference of this occurrence). */
  bezug: LegalReference[];
}

export interface FimFieldNode extends NodeBase {
  kind: 'field';
  field: FimField;
}

export interface FimGroupNode extends NodeBase {
  kind: 'group';
  group: FimGroup;
  children: FimNode[];
}

export type FimNode = FimFieldNode | FimGroupNode;

export interface FimMessageHeader {
  nachrichtID?: string;
  erstellungszeitpunkt?: string;
}

/** The typed model of a Stammdatenschema (or a single Datenfeldgruppe) of either generation. */
export interface FimSchema {
  generation: XdfGeneration;
  messageType: FimMessageType;
  namespace: string;
  header: FimMessageHeader;
  /** Metadata of the Stammdatenschema (or of the root Datenfeldgruppe for group messages). */
  meta: FimElementMeta & {
    bezeichnungEingabe?: string;
    bezeichnungAusgabe?: string;
    hilfetext?: string;
    ableitungsmodifikationenStruktur?: string;
    ableitungsmodifikationenRepraesentation?: string;
    dokumentsteckbrief?: { id: string; version?: string };
  };
  /** Rules attached to the schema itself (idVersion). */
  rules: string[];
  /** Top-level occurrences; the data instance is an object keyed by their `key`. */
  children: FimNode[];
  /** Every occurrence by its path. */
  nodes: ReadonlyMap<string, FimNode>;
  /** First definition of each group, keyed by idVersion. */
  groups: ReadonlyMap<string, FimGroup>;
  /** First definition of each field, keyed by idVersion. */
  fields: ReadonlyMap<string, FimField>;
  /** All rules, keyed by idVersion. */
  ruleDefs: ReadonlyMap<string, FimRule>;
  /** Paths of the elements that carry each rule. */
  ruleTargets: ReadonlyMap<string, string[]>;
  warnings: FimIssue[];
}

export function isRepeated(m: Multiplicity): boolean {
  return m.max === null || m.max > 1;
}
