import { type DynamicModule, Global, Module, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { AuthModule } from './auth';
import type { BaseConfig } from './config';
import { ProblemFilter, validationProblem } from './errors';
import { HealthController, ReadinessRegistry } from './health';
import { linearTransformer } from './http/dto-transformer';
import { loggerParams } from './logging';
import { METRICS_OPTIONS, MetricsController } from './metrics';
import { CLIENT_RATE_LIMIT, RateLimitInterceptor, TokenBuckets } from './ratelimit';

/** The validated config object of the app, injectable anywhere under this token. */
export const APP_CONFIG = Symbol('APP_CONFIG');

export interface PlatformOptions {
  serviceName: string;
  config: BaseConfig;
}

/**
 * What every Amtsbote service gets: validated config, JSON logs with redaction, problem+json errors,
 * request validation, OIDC authentication, a per-client rate limit, health and metrics.
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    const { config } = options;
    const jwks = config.OIDC_JWKS_URIS ?? [];
    return {
      module: PlatformModule,
      imports: [
        LoggerModule.forRoot(loggerParams(options.serviceName, config.LOG_LEVEL)),
        TerminusModule.forRoot({ logger: false }),
        AuthModule.forRoot({
          clockToleranceSeconds: config.OIDC_CLOCK_TOLERANCE_SECONDS,
          maxTokenLifetimeSeconds: config.OIDC_MAX_TOKEN_LIFETIME_SECONDS,
          issuers: config.OIDC_ISSUERS.map((issuer, i) => ({
            issuer,
            // Without an explicit JWKS URI the verifier discovers it from the issuer's metadata.
            jwksUri: jwks[i],
            audience: config.OIDC_AUDIENCE,
          })),
        }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        ReadinessRegistry,
        { provide: APP_CONFIG, useValue: config },
        {
          provide: METRICS_OPTIONS,
          useValue: { token: config.METRICS_TOKEN, public: config.METRICS_PUBLIC },
        },
        { provide: APP_FILTER, useClass: ProblemFilter },
        {
          provide: CLIENT_RATE_LIMIT,
          useValue: new TokenBuckets(config.RATE_LIMIT_REQUESTS_PER_MINUTE, config.RATE_LIMIT_BURST),
        },
        { provide: APP_INTERCEPTOR, useClass: RateLimitInterceptor },
        {
          provide: APP_PIPE,
          useValue: new ValidationPipe({
            whitelist: true,
            forbidNonWhitelisted: true,
            transform: true,
            exceptionFactory: validationProblem,
            // Linear in the size of the request, unknown properties and form data included.
            transformerPackage: linearTransformer,
          }),
        },
      ],
      exports: [APP_CONFIG, ReadinessRegistry],
    };
  }
}
