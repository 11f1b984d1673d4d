import 'reflect-metadata';
import type { IncomingMessage, Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import { Logger } from 'nestjs-pino';
import type { z } from 'zod';
import { type BaseConfig, loadConfigOrExit } from '../config';
import { buildProblem } from '../errors';
import {
  applyRouteBodyLimits,
  clientErrorProblem,
  frameworkErrorProblem,
  refuseUnstorableParameters,
  useLoadShedding,
  useSecurityHeaders,
  useStrictJsonBodies,
} from '../http';
import { requestIdFor } from '../logging';
import { ensureDefaultMetrics, registerHttpMetrics } from '../metrics';
import { APP_CONFIG } from '../platform.module';

/**
 * Errors Fastify raises before Nest sees a request (body parsing, limits) get problem+json too. The handler
 * is set as soon as the adapter exists, before any plugin (intake's multipart) opens a context that copies
 * the handler in place then; Nest's own (plain JSON, which the hostile-input specs refuse) is not set at all,
 * so Fastify has no override to warn about (FSTWRN004).
 */
class ProblemFastifyAdapter extends FastifyAdapter {
  /** Nest's exception layer for errors outside its routes: `useProblemErrors` takes its place. */
  override setErrorHandler(): ReturnType<FastifyAdapter['setErrorHandler']> {
    return this.getInstance<ReturnType<FastifyAdapter['setErrorHandler']>>();
  }
}

function useProblemErrors(fastify: FastifyInstance): void {
  fastify.setErrorHandler((error, request, reply) => {
    const { doc, headers } = buildProblem(error, request, request.id);
    void reply
      .status(doc.status)
      .headers({ ...headers, 'content-type': 'application/problem+json; charset=utf-8' })
      .send(JSON.stringify(doc));
  });
}

export interface ServiceDescription {
  name: string;
  title: string;
  description: string;
  version?: string;
  /**
   * Largest request body in bytes on routes without a `@BodyLimit` of their own (uploads stream and have
   * their own limits). Default 1 MiB.
   */
  bodyLimit?: number;
}

/** Creates the Fastify-based Nest app with everything the platform promises, without listening. */
export async function createServiceApp(
  rootModule: unknown,
  service: ServiceDescription,
  options: { bufferLogs?: boolean } = {},
): Promise<NestFastifyApplication> {
  ensureDefaultMetrics();
  const adapter = new ProblemFastifyAdapter({
    bodyLimit: service.bodyLimit ?? 1024 * 1024,
    trustProxy: true,
    genReqId: (req: IncomingMessage) => {
      const id = requestIdFor(req);
      (req as typeof req & { id?: string }).id = id;
      return id;
    },
    // What Fastify and Node's HTTP parser refuse before a handler runs is problem+json too.
    frameworkErrors: frameworkErrorProblem,
    clientErrorHandler: clientErrorProblem,
  });
  // Before Nest registers its routes.
  useProblemErrors(adapter.getInstance());
  applyRouteBodyLimits(adapter.getInstance());
  const app = await NestFactory.create<NestFastifyApplication>(rootModule as never, adapter, {
    bufferLogs: options.bufferLogs ?? true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  const config = app.get<BaseConfig>(APP_CONFIG);
  useRequestTimeouts(app, config);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onSend', (request, reply, payload, done) => {
    void reply.header('x-request-id', request.id);
    done(null, payload);
  });
  useSecurityHeaders(fastify);
  refuseUnstorableParameters(fastify);
  registerHttpMetrics(fastify);
  useLoadShedding(fastify, { maxInFlight: config.HTTP_MAX_IN_FLIGHT });
  setupOpenApi(app, service);
  await app.init();
  // After init, which registers Nest's own JSON parser; before ready, which freezes the parsers.
  useStrictJsonBodies(fastify, { maxKeys: config.HTTP_JSON_MAX_KEYS });
  await fastify.ready();
  return app;
}

/**
 * A request must arrive completely (headers and body) within HTTP_REQUEST_TIMEOUT_MS, its headers within
 * HTTP_HEADERS_TIMEOUT_MS; then Node answers 408 (problem+json, see clientErrorProblem) and closes. Fastify
 * leaves the request timeout off, and Node looks for late requests only every 30 s by default.
 */
function useRequestTimeouts(app: NestFastifyApplication, config: BaseConfig): void {
  const server: Server = app.getHttpServer();
  server.requestTimeout = config.HTTP_REQUEST_TIMEOUT_MS;
  server.headersTimeout = Math.min(config.HTTP_HEADERS_TIMEOUT_MS, config.HTTP_REQUEST_TIMEOUT_MS);
  // Read when the server starts listening.
  (server as { connectionsCheckingInterval?: number }).connectionsCheckingInterval = Math.min(
    1000,
    server.headersTimeout,
  );
}

export function setupOpenApi(app: INestApplication, service: ServiceDescription): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(service.title)
      .setDescription(
        `${service.description}\n\nErrors are RFC 9457 \`application/problem+json\` with \`titles\`/\`details\` in German and English and \`errors[].path\` as JSON Pointers.`,
      )
      .setVersion(service.version ?? '0.1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
}

/** Boots a service: config was loaded by the caller; listens, and shuts down gracefully on SIGTERM. */
export async function runService(rootModule: unknown, service: ServiceDescription, config: BaseConfig) {
  const app = await createServiceApp(rootModule, service);
  // Nest closes the app on SIGTERM (in-flight requests and handlers finish); if that hangs, leave anyway
  // so the orchestrator's grace period is never exceeded.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        process.stderr.write(
          `${service.name}: shutdown took longer than ${config.SHUTDOWN_TIMEOUT_MS} ms, exiting\n`,
        );
        process.exit(1);
      }, config.SHUTDOWN_TIMEOUT_MS).unref();
    });
  }
  await app.listen({ port: config.PORT, host: config.HOST });
  app.get(Logger).log(`${service.name} listening on ${config.HOST}:${config.PORT}`);
  return app;
}

/**
 * The whole body of an app's `main.ts`: config is read and validated once (the app refuses to start on
 * bad config, naming every setting), then the service boots.
 */
export function serviceMain<S extends z.ZodObject<z.ZodRawShape>>(
  service: ServiceDescription,
  configSchema: S,
  rootModule: (config: z.infer<S>) => unknown,
): void {
  const config = loadConfigOrExit(service.name, configSchema);
  void runService(rootModule(config), service, config as BaseConfig);
}
