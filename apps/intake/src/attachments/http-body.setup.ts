import { decodeUtf8Body } from '@amtsbote/platform';
import multipart from '@fastify/multipart';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { CODE_LIST_BODY_LIMIT } from '../code-lists/code-lists.service';
import { FIM_SCHEMA_BODY_LIMIT } from '../fim-schemas/fim-schemas.service';

/** The XML parser's limit: the largest of the XML routes' own limits (each route checks its own). */
export const XML_BODY_LIMIT = Math.max(FIM_SCHEMA_BODY_LIMIT, CODE_LIST_BODY_LIMIT);

/**
 * Request bodies the platform does not parse by itself: multipart uploads (streamed, never buffered; the
 * limits are set per upload) and XML documents (schema and code-list uploads), registered before the server is ready.
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
        { parseAs: 'buffer', bodyLimit: XML_BODY_LIMIT },
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
