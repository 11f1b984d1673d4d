import { Global, Module } from '@nestjs/common';
import { DeliverySignal } from './delivery-signal';
import { RoutingSettings } from './settings';

@Global()
@Module({ providers: [RoutingSettings, DeliverySignal], exports: [RoutingSettings, DeliverySignal] })
export class CommonModule {}
