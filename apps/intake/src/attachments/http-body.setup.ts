import { decodeUtf8Body } from '@amtsbote/platform';
import multipart from '@fastify/multipart';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';

/** Largest XML document accepted (FIM schema uploads); the catalog event bounds it further. */
export const XML_BODY_LIMIT = 2 * 1024 * 1024;

/**
 * Request bodies the platform does not parse by itself: multipart uploads (streamed, never buffered; the
 * limits are set per upload) and XML documents (schema uploads), registered before the server is ready.
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
