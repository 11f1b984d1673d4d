/**
 * An http(s) URL from stored settings or a remote answer, without its trailing slashes; undefined for
 * anything else — also for a URL with credentials in it: secrets are referenced, never stored in a URL.
 */
export function httpUrl(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  try {
    const u = new URL(v);
    return ['http:', 'https:'].includes(u.protocol) && u.username === '' && u.password === ''
      ? v.replace(/\/+$/, '')
      : undefined;
  } catch {
    return undefined;
  }
}
