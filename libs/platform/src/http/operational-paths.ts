/**
 * Probes (`/health/…`) and scrapes (`/metrics`): answered whatever the load and the client, not rate-limited,
 * not request-logged, not timed. Takes a route template or a raw URL.
 */
export function isOperationalPath(path: string): boolean {
  return path.startsWith('/health') || path.startsWith('/metrics');
}
