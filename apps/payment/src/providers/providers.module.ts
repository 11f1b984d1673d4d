import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { ProviderRegistry } from './provider-registry';
import { ProvidersController } from './providers.controller';
import { ProviderConfigEntity } from './providers.entity';
import { ProvidersRepository } from './providers.repository';
import { ProvidersService } from './providers.service';
import { SecretResolver } from './secrets';
import { TokenCache } from './token-cache';

/** Payment providers: tenants' configurations and the clients built from them. */
@Module({
  imports: [TypeOrmModule.forFeature([ProviderConfigEntity]), AuditModule],
  controllers: [ProvidersController],
  providers: [ProvidersRepository, ProvidersService, ProviderRegistry, SecretResolver, TokenCache],
  exports: [ProviderRegistry],
})
export class ProvidersModule {}
