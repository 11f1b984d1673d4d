import { Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AccountsModule } from '../accounts/accounts.module';
import { AuditRepository } from '../audit/audit.repository';
import { NotificationsModule } from '../notifications/notifications.module';
import { ProjectionsModule } from '../projections/projections.module';
import { RepresentationModule } from '../representation/representation.module';
import { AttachmentFetcher } from './attachment-fetcher';
import { PostkorbController, SignedFilesController } from './postkorb.controller';
import { PostkorbMaintenance } from './postkorb.maintenance';
import { PostkorbRepository } from './postkorb.repository';
import { PostkorbService } from './postkorb.service';

type Parser = (request: unknown, payload: unknown, done: (err: Error | null, body?: unknown) => void) => void;

/** The part of Fastify that registers body parsers. */
interface ParserHost {
  hasContentTypeParser(type: string): boolean;
  removeContentTypeParser(type: string): void;
  addContentTypeParser(type: string, parser: Parser): void;
}

@Module({
  imports: [AccountsModule, RepresentationModule, ProjectionsModule, NotificationsModule],
  controllers: [PostkorbController, SignedFilesController],
  providers: [PostkorbRepository, PostkorbService, AttachmentFetcher, PostkorbMaintenance, AuditRepository],
  exports: [PostkorbRepository],
})
export class PostkorbModule implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  /**
   * Uploads are raw bodies of any media type, streamed to the file store (never buffered): bodies that are
   * not JSON or form data reach the handler as the request stream. Size limits are the upload's own.
   */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<ParserHost>();
    if (!fastify) return;
    const passThrough: Parser = (_request, payload, done) => done(null, payload);
    if (fastify.hasContentTypeParser('text/plain')) fastify.removeContentTypeParser('text/plain');
    fastify.addContentTypeParser('text/plain', passThrough);
    if (!fastify.hasContentTypeParser('*')) fastify.addContentTypeParser('*', passThrough);
  }
}
