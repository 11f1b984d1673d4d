import { decodeUtf8Body } from '@amtsbote/platform';
import multipart from '@fastify/multipart';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';

/**
 * Request bodies the platform does not parse by itself: multipart uploads (streamed, never buffered; the
 * limits are set per upload) and XML documents (schema and code-list uploads), registered before the server
 * is ready. The XML parser has no limit of its own: the route's applies (`@BodyLimit(XML_DOCUMENT_BODY_LIMIT)`
 * on the two uploads, the service's 1 MiB default everywhere else).
 */
@Injectable()
export class HttpBodySetup implements OnModuleInit {
  constructor(private readonly http: HttpAdapterHost) {}

  async onModuleInit(): Promise<void> {
    const fastify = this.http.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    if (!fastify.hasContentTypeParser('application/xml')) {
      fastify.addContentTypeParser(
        ['application/xml', 'text/xml'],
        { parseAs: 'buffer' },
        (_request, body, done) => {
          try {
            done(null, decodeUtf8Body(body as Buffer));
          } catch (err) {
            done(err as Error, undefined);
          }
        },
      );
    }
    if (!fastify.hasRequestDecorator('isMultipart')) {
      await fastify.register(multipart, { throwFileSizeLimit: true });
    }
  }
}
