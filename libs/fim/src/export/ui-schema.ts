import type { FimSchema } from '../model';
import {
  type FieldPlan,
  type PlanNode,
  type SchemaOptions,
  type SchemaPlan,
  planSchema,
} from '../validator/plan';

export type UiLanguage = 'de' | 'en';

/**
 * Texts the exports add to a form. FIM labels and help texts exist in German only and pass through as they
 * are; these are ours, so they come in both languages. The JSON Schema carries the German ones.
 */
export const RENDER_TEXTS = {
  choose: { de: 'Bitte auswählen', en: 'Please choose' },
  attachmentId: { de: 'Kennung des Anhangs', en: 'Attachment ID' },
  attachmentIdHelp: {
    de: 'Wird beim Hochladen der Datei vergeben.',
    en: 'Assigned when the file is uploaded.',
  },
  filename: { de: 'Dateiname', en: 'File name' },
  mediaType: { de: 'Dateityp', en: 'File type' },
  size: { de: 'Dateigröße in Bytes', en: 'File size in bytes' },
  allowedTypes: { de: 'Erlaubte Dateitypen: {0}.', en: 'Allowed file types: {0}.' },
  maxSize: { de: 'Höchstens {0}.', en: 'At most {0}.' },
  timeExample: { de: 'z. B. 14:30:00+01:00', en: 'e.g. 14:30:00+01:00' },
} as const satisfies Record<string, Record<UiLanguage, string>>;

type TextKey = keyof typeof RENDER_TEXTS;

function text(key: TextKey, lang: UiLanguage, arg?: string): string {
  const s: string = RENDER_TEXTS[key][lang];
  return arg === undefined ? s : s.replace('{0}', arg);
}

/** Name under which a portal registers its upload field with RJSF (`fields` prop of `Form`). */
export const ATTACHMENT_FIELD = 'FimAttachmentField';

/**
 * A react-jsonschema-form uiSchema: renderer hints that are not JSON Schema, keyed like the data (array
 * elements under `items`).
 */
export type UiSchema = { [key: string]: unknown };

function formatBytes(bytes: number, lang: UiLanguage): string {
  const units: Array<[number, string]> = [
    [1024 * 1024, 'MiB'],
    [1024, 'KiB'],
    [1, 'Bytes'],
  ];
  const [factor, unit] = units.find(([f]) => bytes >= f) ?? [1, 'Bytes'];
  const n = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(bytes / factor);
  return `${n} ${unit}`;
}

function attachmentUi(p: FieldPlan, lang: UiLanguage): UiSchema {
  const file = p.c.file ?? { mediaTypes: [] };
  const help: string[] = [];
  const options: UiSchema = {};
  if (file.mediaTypes.length > 0) {
    help.push(text('allowedTypes', lang, file.mediaTypes.join(', ')));
    options.accept = file.mediaTypes.join(',');
  }
  if (file.maxBytes !== undefined) {
    help.push(text('maxSize', lang, formatBytes(file.maxBytes, lang)));
    options.maxBytes = file.maxBytes;
  }
  // The upload answer fills these in; a citizen neither types nor sees the id.
  const filled = (key: TextKey): UiSchema => ({ 'ui:title': text(key, lang), 'ui:readonly': true });
  const ui: UiSchema = {
    'ui:field': ATTACHMENT_FIELD,
    attachmentId: { 'ui:widget': 'hidden', 'ui:title': text('attachmentId', lang) },
    filename: filled('filename'),
    mediaType: filled('mediaType'),
    size: filled('size'),
  };
  if (Object.keys(options).length > 0) ui['ui:options'] = options;
  if (help.length > 0) ui['ui:help'] = help.join(' ');
  return ui;
}

function fieldUi(p: FieldPlan, lang: UiLanguage): UiSchema | undefined {
  const c = p.c;
  // Labels render from title and description alone (see the JSON Schema export).
  if (c.noData) return undefined;
  if (c.feldart === 'hidden') return { 'ui:widget': 'hidden' };
  if (c.feldart === 'select') return c.options ? { 'ui:placeholder': text('choose', lang) } : undefined;
  if (c.datentyp === 'file') return attachmentUi(p, lang);
  // A browser's time input yields "14:30" without seconds and offset; JSON Schema `time` needs both.
  if (c.datentyp === 'time') return { 'ui:widget': 'text', 'ui:placeholder': text('timeExample', lang) };
  return undefined;
}

function nodeUi(node: PlanNode, lang: UiLanguage): UiSchema | undefined {
  const inner = node.kind === 'group' ? objectUi(node.children, lang) : fieldUi(node, lang);
  const { max } = node.multiplicity;
  const repeated = !(node.kind === 'field' && node.c.noData) && (max === null || max > 1);
  return repeated && inner !== undefined ? { items: inner } : inner;
}

function objectUi(children: readonly PlanNode[], lang: UiLanguage): UiSchema | undefined {
  const ui: UiSchema = {};
  for (const child of children) {
    const u = nodeUi(child, lang);
    if (u !== undefined) ui[child.key] = u;
  }
  return Object.keys(ui).length > 0 ? ui : undefined;
}

/** Builds the uiSchema from a computed plan. */
export function planToUiSchema(plan: SchemaPlan, lang: UiLanguage = 'de'): UiSchema {
  return objectUi(plan.children, lang) ?? {};
}

/**
 * uiSchema for react-jsonschema-form to go with {@link toJsonSchema}: "please choose" placeholders for
 * selects, hidden widgets, file fields (upload field name, sub-field labels, allowed types and size as help)
 * and a text input for times. `lang` picks the language of our own texts; FIM texts stay German.
 */
export function toUiSchema(schema: FimSchema, options: SchemaOptions & { lang?: UiLanguage } = {}): UiSchema {
  return planToUiSchema(planSchema(schema, options), options.lang);
}
