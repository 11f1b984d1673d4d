import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { DestinationsModule } from '../destinations/destinations.module';
import { RoutesController } from './routes.controller';
import { RoutesRepository } from './routes.repository';
import { RoutesService } from './routes.service';
import { RoutingApiClient } from './routing-api/routing-api.client';
import { RoutingApiResolver } from './routing-api/routing-api.resolver';
import { RoutingApiSettingsController } from './routing-api/routing-api-settings.controller';
import { RoutingApiSettingsRepository } from './routing-api/routing-api-settings.repository';
import { RoutingApiSettingsService } from './routing-api/routing-api-settings.service';

@Module({
  imports: [DestinationsModule],
  // The settings controller first: its path `routes/settings` is more specific than the routes controller's.
  controllers: [RoutingApiSettingsController, RoutesController],
  providers: [
    RoutesRepository,
    RoutesService,
    RoutingApiClient,
    RoutingApiResolver,
    RoutingApiSettingsRepository,
    RoutingApiSettingsService,
  ],
  exports: [RoutesService],
})
export class RoutesModule implements OnModuleInit {
  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  /** CSV bodies for the bulk import arrive as text. */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (fastify === undefined || fastify.hasContentTypeParser('text/csv')) return;
    fastify.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  }
}
