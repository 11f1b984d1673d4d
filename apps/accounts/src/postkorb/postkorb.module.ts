import { ProblemException } from '@amtsbote/platform';
import { Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AccountsModule } from '../accounts/accounts.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { RepresentationModule } from '../representation/representation.module';
import { AttachmentFetcher } from './attachment-fetcher';
import { PostkorbController, SignedFilesController } from './postkorb.controller';
import { PostkorbMaintenance } from './postkorb.maintenance';
import { FileFetchesRepository } from './file-fetches.repository';
import { PostkorbPurgeRepository } from './postkorb-purge.repository';
import { PostkorbRepository } from './postkorb.repository';
import { PostkorbInbox } from './postkorb-inbox.service';
import { PostkorbSubmissionsRepository } from './postkorb-submissions.repository';
import { PostkorbService } from './postkorb.service';
import { PostkorbRepliesService } from './replies.service';
import { PostkorbSubmissionsService } from './submissions.service';

/** The route the request matched (Fastify's `request.routeOptions`). */
interface RoutedRequest {
  routeOptions?: { url?: string };
}

type Parser = (
  request: RoutedRequest,
  payload: unknown,
  done: (err: Error | null, body?: unknown) => void,
) => void;

/** The one route that takes raw bodies; every other route reads JSON. */
const UPLOAD_ROUTE = '/postkorb/uploads';

function jsonExpected(): ProblemException {
  return new ProblemException({
    status: 415,
    code: 'unsupported-media-type',
    title: { de: 'Nicht unterstützter Medientyp', en: 'Unsupported media type' },
    detail: {
      de: 'Senden Sie den Anfragetext als application/json.',
      en: 'Send the request body as application/json.',
    },
  });
}

/** The part of Fastify that registers body parsers. */
interface ParserHost {
  hasContentTypeParser(type: string): boolean;
  removeContentTypeParser(type: string): void;
  addContentTypeParser(type: string, parser: Parser): void;
}

@Module({
  imports: [AccountsModule, RepresentationModule, NotificationsModule],
  controllers: [PostkorbController, SignedFilesController],
  providers: [
    PostkorbRepository,
    FileFetchesRepository,
    PostkorbPurgeRepository,
    PostkorbSubmissionsRepository,
    PostkorbService,
    PostkorbRepliesService,
    PostkorbSubmissionsService,
    PostkorbInbox,
    AttachmentFetcher,
    PostkorbMaintenance,
  ],
  exports: [PostkorbService, PostkorbInbox],
})
export class PostkorbModule implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  /**
   * Uploads are raw bodies of any media type, streamed to the file store (never buffered): bodies that are
   * not JSON or form data reach the upload handler as the request stream. Size limits are the upload's own.
   * Elsewhere such a body is refused: a stream where a DTO is expected must never reach validation.
   */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<ParserHost>();
    if (!fastify) return;
    const passThrough: Parser = (request, payload, done) => {
      if (request.routeOptions?.url === UPLOAD_ROUTE) done(null, payload);
      else done(jsonExpected());
    };
    if (fastify.hasContentTypeParser('text/plain')) fastify.removeContentTypeParser('text/plain');
    fastify.addContentTypeParser('text/plain', passThrough);
    if (!fastify.hasContentTypeParser('*')) fastify.addContentTypeParser('*', passThrough);
  }
}
