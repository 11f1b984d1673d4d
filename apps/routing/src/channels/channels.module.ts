import { Module } from '@nestjs/common';
import { ChannelRegistry, DELIVERY_CHANNELS } from './channel-registry';
import type { DeliveryChannel } from './delivery-channel';
import { FitConnectChannel } from './fit-connect/fit-connect.channel';
import { HttpPushChannel } from './http-push.channel';
import { PullChannel } from './pull.channel';
import { PushClient } from './push-client';

/** The delivery channels. A new channel is one file and one entry here. */
const CHANNELS = [HttpPushChannel, PullChannel, FitConnectChannel];

@Module({
  providers: [
    PushClient,
    ...CHANNELS,
    {
      provide: DELIVERY_CHANNELS,
      useFactory: (...channels: DeliveryChannel[]) => channels,
      inject: CHANNELS,
    },
    ChannelRegistry,
  ],
  exports: [ChannelRegistry],
})
export class ChannelsModule {}
