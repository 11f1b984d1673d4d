import type { FastifyInstance } from 'fastify';

/** For HTML the services render themselves (the payment return page): no script, style, frame or form. */
export const HTML_CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
/** The OpenAPI UI under /docs loads its own scripts, styles and images. */
const DOCS_CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * Headers every answer gets unless its handler set them: most answers carry personal data (drafts,
 * submissions, the Postkorb, accounts), so nothing is cached by browsers or proxies (`no-store`); no content
 * is sniffed into another type (`nosniff`, downloads included); nothing is framed; HTML gets a CSP.
 */
export function useSecurityHeaders(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('x-frame-options', 'DENY');
    if (!reply.hasHeader('referrer-policy')) void reply.header('referrer-policy', 'no-referrer');
    const type = reply.getHeader('content-type');
    if (
      typeof type === 'string' &&
      type.startsWith('text/html') &&
      !reply.hasHeader('content-security-policy')
    ) {
      const docs = (request.routeOptions?.url ?? '').startsWith('/docs');
      void reply.header('content-security-policy', docs ? DOCS_CSP : HTML_CSP);
    }
    done(null, payload);
  });
}
