import type { RouteBodyLimit } from '@amtsbote/platform';

/**
 * A Bescheid with its files base64 in JSON (ROUTING_REPLY_MAX_BYTES, 10 MiB by default, grows by a third in
 * base64). Every other JSON route of routing keeps the 1 MiB default.
 */
export const REPLY_BODY_LIMIT: RouteBodyLimit = { bytes: 16 * 1024 * 1024 };

/**
 * A route import (CSV or JSON) of a whole Land: 16 MiB, and as JSON about 90 bytes and 3 keys per route,
 * so up to 600 000 keys (200 000 routes).
 */
export const IMPORT_BODY_LIMIT: RouteBodyLimit = { bytes: 16 * 1024 * 1024, jsonKeys: 600_000 };
