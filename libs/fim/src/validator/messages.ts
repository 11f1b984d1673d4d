export type FimErrorCode =
  | 'type'
  | 'required'
  | 'unknown_property'
  | 'no_data'
  | 'min_items'
  | 'max_items'
  | 'min_length'
  | 'max_length'
  | 'pattern'
  | 'charset'
  | 'format'
  | 'minimum'
  | 'maximum'
  | 'currency'
  | 'code'
  | 'fixed_value'
  | 'attachment'
  | 'media_type'
  | 'file_size';

export interface LocalizedMessage {
  de: string;
  en: string;
}

export type ErrorParams = Readonly<Record<string, string | number | boolean>>;

const EXPECTED: Readonly<Record<string, LocalizedMessage>> = {
  object: { de: 'eine Datenfeldgruppe (Objekt)', en: 'a group (object)' },
  array: { de: 'eine Liste (Array)', en: 'a list (array)' },
  string: { de: 'ein Text', en: 'a text (string)' },
  number: { de: 'eine Zahl', en: 'a number' },
  integer: { de: 'eine ganze Zahl', en: 'an integer' },
  boolean: { de: 'ja oder nein (true/false)', en: 'true or false' },
  attachment: {
    de: 'eine Anlagenreferenz (Objekt mit attachmentId)',
    en: 'an attachment reference (object with attachmentId)',
  },
};

const FORMATS: Readonly<Record<string, LocalizedMessage>> = {
  date: { de: 'kein gültiges Datum (JJJJ-MM-TT)', en: 'not a valid date (YYYY-MM-DD)' },
  time: {
    de: 'keine gültige Uhrzeit (hh:mm:ss mit Zeitzone, z. B. 14:30:00+01:00)',
    en: 'not a valid time (hh:mm:ss with UTC offset, e.g. 14:30:00+01:00)',
  },
  'date-time': {
    de: 'kein gültiger Zeitpunkt (JJJJ-MM-TTThh:mm:ss mit Zeitzone)',
    en: 'not a valid date-time (YYYY-MM-DDThh:mm:ss with UTC offset)',
  },
};

const ATTACHMENT: Readonly<Record<string, LocalizedMessage>> = {
  attachmentId: {
    de: 'attachmentId fehlt oder ist kein Text von 1 bis 256 Zeichen',
    en: 'attachmentId is missing or not a text of 1 to 256 characters',
  },
  filename: {
    de: 'filename ist kein Text bis 255 Zeichen',
    en: 'filename is not a text of up to 255 characters',
  },
  mediaType: { de: 'mediaType fehlt oder ist kein Text', en: 'mediaType is missing or not a text' },
  size: {
    de: 'size fehlt oder ist keine nicht-negative ganze Zahl',
    en: 'size is missing or not a non-negative integer',
  },
  unknown: {
    de: 'unbekannte Angabe in der Anlagenreferenz',
    en: 'unknown property in the attachment reference',
  },
};

function shorten(v: unknown): string {
  const s = typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Builds the bilingual message of an error. `label` is the bezeichnungEingabe (or name) of the element. */
export function message(
  code: FimErrorCode,
  label: string,
  id: string,
  params: ErrorParams = {},
): LocalizedMessage {
  const de = `„${label}“ (${id})`;
  const en = `"${label}" (${id})`;
  const p = (k: string): string => String(params[k] ?? '');
  switch (code) {
    case 'type': {
      const exp = EXPECTED[p('expected')] ?? { de: p('expected'), en: p('expected') };
      return { de: `${de}: ${exp.de} erwartet.`, en: `${en}: expected ${exp.en}.` };
    }
    case 'required':
      return { de: `${de} ist eine Pflichtangabe und fehlt.`, en: `${en} is required but missing.` };
    case 'unknown_property':
      return {
        de: `Unbekannte Angabe „${p('property')}“ in ${de}.`,
        en: `Unknown property "${p('property')}" in ${en}.`,
      };
    case 'no_data':
      return {
        de: `${de} ist ein Hinweistext und darf keinen Wert haben.`,
        en: `${en} is a label and must not have a value.`,
      };
    case 'min_items':
      return {
        de: `${de}: mindestens ${p('limit')} Einträge erforderlich.`,
        en: `${en}: at least ${p('limit')} entries required.`,
      };
    case 'max_items':
      return {
        de: `${de}: höchstens ${p('limit')} Einträge erlaubt.`,
        en: `${en}: at most ${p('limit')} entries allowed.`,
      };
    case 'min_length':
      return {
        de: `${de}: mindestens ${p('limit')} Zeichen erforderlich.`,
        en: `${en}: at least ${p('limit')} characters required.`,
      };
    case 'max_length':
      return {
        de: `${de}: höchstens ${p('limit')} Zeichen erlaubt.`,
        en: `${en}: at most ${p('limit')} characters allowed.`,
      };
    case 'pattern':
      return {
        de: `${de} hat nicht das vorgegebene Format.`,
        en: `${en} does not match the required pattern.`,
      };
    case 'charset':
      return {
        de: `${de} enthält Zeichen, die nach DIN 91379 nicht zulässig sind.`,
        en: `${en} contains characters that DIN 91379 does not allow.`,
      };
    case 'format': {
      const f = FORMATS[p('format')] ?? { de: 'ungültiges Format', en: 'invalid format' };
      return { de: `${de}: ${f.de}.`, en: `${en}: ${f.en}.` };
    }
    case 'minimum':
      return { de: `${de} muss mindestens ${p('limit')} sein.`, en: `${en} must be at least ${p('limit')}.` };
    case 'maximum':
      return { de: `${de} darf höchstens ${p('limit')} sein.`, en: `${en} must be at most ${p('limit')}.` };
    case 'currency':
      return {
        de: `${de}: Geldbetrag mit höchstens zwei Nachkommastellen erwartet.`,
        en: `${en}: amount with at most two decimals expected.`,
      };
    case 'code':
      return {
        de: `${de}: „${shorten(params.value)}“ ist kein zulässiger Wert.`,
        en: `${en}: "${shorten(params.value)}" is not an allowed value.`,
      };
    case 'fixed_value':
      return {
        de: `${de} muss den Wert „${p('expected')}“ haben.`,
        en: `${en} must have the value "${p('expected')}".`,
      };
    case 'attachment': {
      const r = ATTACHMENT[p('reason')] ?? ATTACHMENT.unknown;
      return {
        de: `${de}: ungültige Anlagenreferenz, ${r.de}.`,
        en: `${en}: invalid attachment reference, ${r.en}.`,
      };
    }
    case 'media_type':
      return {
        de: `${de}: Dateityp „${shorten(params.value)}“ ist nicht erlaubt (erlaubt: ${p('allowed')}).`,
        en: `${en}: media type "${shorten(params.value)}" is not allowed (allowed: ${p('allowed')}).`,
      };
    case 'file_size':
      return {
        de: `${de}: die Datei ist größer als ${p('limit')} Bytes.`,
        en: `${en}: the file is larger than ${p('limit')} bytes.`,
      };
  }
}
