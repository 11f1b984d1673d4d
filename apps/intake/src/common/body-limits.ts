import type { RouteBodyLimit } from '@amtsbote/platform';

/**
 * A whole application or draft: form data of the largest FIM schemas with long free texts stays far below
 * 4 MiB (files are uploaded separately); every other JSON route of intake keeps the 1 MiB default.
 */
export const APPLICATION_BODY_LIMIT: RouteBodyLimit = { bytes: 4 * 1024 * 1024 };

/**
 * An XML document an admin uploads: an XDatenfelder schema or a genericode code list. The real ones reach
 * 3.6 MB (the FIM portal's largest Stammdatenschema) and 3.3 MB (XRepository's largest list); every other
 * route, XML or not, keeps the 1 MiB default. Routing must receive the document too: the catalog event bounds
 * it further by its compressed size (`*-too-large-for-routing`).
 */
export const XML_DOCUMENT_BODY_LIMIT: RouteBodyLimit = { bytes: 16 * 1024 * 1024 };
