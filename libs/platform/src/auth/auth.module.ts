import { type DynamicModule, Global, type InjectionToken, Module, type ModuleMetadata } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth.guard';
import { AUTH_OPTIONS, type AuthOptions } from './auth.options';
import { TokenVerifier } from './token-verifier';

export interface AuthModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: InjectionToken[];
  useFactory: (...args: never[]) => AuthOptions | Promise<AuthOptions>;
}

/**
 * OIDC bearer-token authentication for a service: verifies tokens of the configured issuers and installs
 * {@link AuthGuard} globally, so every route is protected unless marked `@Public()`.
 */
@Global()
@Module({})
export class AuthModule {
  static forRoot(options: AuthOptions): DynamicModule {
    return AuthModule.build([{ provide: AUTH_OPTIONS, useValue: options }]);
  }

  /** For options that come from an injected config provider. */
  static forRootAsync(options: AuthModuleAsyncOptions): DynamicModule {
    return AuthModule.build(
      [{ provide: AUTH_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] }],
      options.imports,
    );
  }

  private static build(
    optionsProviders: NonNullable<ModuleMetadata['providers']>,
    imports: ModuleMetadata['imports'] = [],
  ): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      imports,
      providers: [...optionsProviders, TokenVerifier, { provide: APP_GUARD, useClass: AuthGuard }],
      exports: [AUTH_OPTIONS, TokenVerifier],
    };
  }
}
