import type { Praezisierung } from '../model';
import type { LocalizedMessage } from '../validator/messages';

const KEYS = ['minLength', 'maxLength', 'minValue', 'maxValue', 'pattern'] as const;
type Key = (typeof KEYS)[number];

export interface PraezisierungResult {
  value: Praezisierung;
  problems: LocalizedMessage[];
}

function isKey(k: string): k is Key {
  return (KEYS as readonly string[]).includes(k);
}

function assign(target: Praezisierung, key: Key, raw: unknown, problems: LocalizedMessage[]): void {
  if (raw === null || raw === undefined || raw === '') return;
  const value = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : undefined;
  if (value === undefined) {
    problems.push({
      de: `praezisierung „${key}“ hat einen nicht unterstützten Wert`,
      en: `praezisierung "${key}" has an unsupported value`,
    });
    return;
  }
  if (value === '') return;
  if (key === 'minLength' || key === 'maxLength') {
    if (!/^\d{1,9}$/.test(value)) {
      problems.push({
        de: `praezisierung „${key}“ muss eine nicht-negative ganze Zahl sein, ist aber „${value}“; ignoriert`,
        en: `praezisierung "${key}" must be a non-negative integer, got "${value}"; ignored`,
      });
      return;
    }
    target[key] = Number(value);
  } else {
    target[key] = key === 'pattern' ? (typeof raw === 'string' ? raw : value) : value;
  }
}

/**
 * xdf2 keeps precision as a JSON-ish string, e.g. `{"minLength":"1","maxLength":"120"}`. Real exports are
 * not always valid JSON (unescaped backslashes in patterns), so a lenient key/value scan is the fallback.
 */
export function parseXdf2Praezisierung(raw: string): PraezisierungResult {
  const value: Praezisierung = { raw };
  const problems: LocalizedMessage[] = [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
      if (isKey(k)) assign(value, k, v, problems);
      else
        problems.push({
          de: `unbekannter praezisierung-Schlüssel „${k}“ ignoriert`,
          en: `unknown praezisierung key "${k}" ignored`,
        });
    }
    return { value, problems };
  }
  const re = /"?(minLength|maxLength|minValue|maxValue|pattern)"?\s*:\s*(?:"((?:[^"\\]|\\.)*)"|([^,}\s]+))/g;
  let found = false;
  for (let m = re.exec(raw); m !== null; m = re.exec(raw)) {
    found = true;
    const key = m[1] as Key;
    assign(value, key, m[2] ?? m[3], problems);
  }
  problems.push(
    found
      ? {
          de: 'praezisierung ist kein gültiges JSON; die Werte wurden nachsichtig gelesen',
          en: 'praezisierung is not valid JSON; values were read leniently',
        }
      : {
          de: `praezisierung „${raw}“ konnte nicht gelesen werden; ignoriert`,
          en: `praezisierung "${raw}" could not be read; ignored`,
        },
  );
  return { value, problems };
}

/** xdf3 carries precision as attributes of `praezisierung`. */
export function parseXdf3Praezisierung(
  attrs: Readonly<Record<string, string>>,
  content: string | undefined,
): PraezisierungResult {
  const value: Praezisierung = {};
  const problems: LocalizedMessage[] = [];
  for (const [k, v] of Object.entries(attrs)) {
    if (isKey(k)) assign(value, k, v, problems);
    else if (!k.includes(':'))
      problems.push({
        de: `unbekanntes praezisierung-Attribut „${k}“ ignoriert`,
        en: `unknown praezisierung attribute "${k}" ignored`,
      });
  }
  if (content !== undefined) value.raw = content;
  return { value, problems };
}
