import { Global, Module } from '@nestjs/common';
import { RoutingSettings } from './settings';

@Global()
@Module({ providers: [RoutingSettings], exports: [RoutingSettings] })
export class CommonModule {}
