import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DestinationRecord } from '../destinations/destinations.types';
import { ChannelRegistry } from './channel-registry';
import type { DeliveryChannel } from './delivery-channel';
import { HttpPushChannel } from './http-push.channel';
import { PullChannel } from './pull.channel';

const push = (name: string): DeliveryChannel => ({
  name,
  mode: 'push',
  validate: () => [],
  deliver: () => Promise.resolve({ kind: 'delivered' }),
});
const pull = (name: string): DeliveryChannel => ({ name, mode: 'pull', validate: () => [] });

describe('channel registry', () => {
  it('finds each registered channel by name and tells push from pull', () => {
    const registry = new ChannelRegistry([push('a-push'), pull('a-pull'), pull('b-pull')]);
    assert.deepEqual(registry.names(), ['a-push', 'a-pull', 'b-pull']);
    assert.equal(registry.get('a-push').mode, 'push');
    assert.deepEqual(registry.namesOf('pull'), ['a-pull', 'b-pull']);
    assert.equal(registry.isPull('b-pull'), true);
    assert.equal(registry.isPull('a-push'), false);
    assert.equal(registry.has('c'), false);
  });

  it('refuses at boot two channels of one name and a push channel that cannot deliver', () => {
    assert.throws(() => new ChannelRegistry([push('x'), pull('x')]), /two delivery channels named x/);
    assert.throws(
      () => new ChannelRegistry([{ name: 'y', mode: 'push', validate: () => [] }]),
      /push channel y has no deliver\(\)/,
    );
  });

  it('names a channel no plug-in provides when a stored destination asks for it', () => {
    assert.throws(() => new ChannelRegistry([]).get('gone'), /no delivery channel gone is registered/);
  });
});

describe('the shipped channels', () => {
  const destination = (o: Partial<DestinationRecord>) => ({ endpointUrl: null, ...o }) as DestinationRecord;

  it('http-push needs an endpoint, pull does not', () => {
    const httpPush = new HttpPushChannel({} as never, {} as never);
    assert.deepEqual(
      httpPush.validate(destination({})).map((p) => [p.path, p.code]),
      [['/endpointUrl', 'required']],
    );
    assert.deepEqual(httpPush.validate(destination({ endpointUrl: 'https://fv.example/inbox' })), []);
    assert.deepEqual(new PullChannel({} as never, {} as never).validate(), []);
  });
});
