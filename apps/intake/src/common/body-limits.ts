import type { RouteBodyLimit } from '@amtsbote/platform';

/**
 * A whole application or draft: form data of the largest FIM schemas with long free texts stays far below
 * 4 MiB (files are uploaded separately); every other JSON route of intake keeps the 1 MiB default.
 */
export const APPLICATION_BODY_LIMIT: RouteBodyLimit = { bytes: 4 * 1024 * 1024 };
