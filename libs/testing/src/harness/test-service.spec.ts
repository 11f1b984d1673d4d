import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Inject, Injectable } from '@nestjs/common';
import { newTestService, stub } from './test-service';

class Store {
  load(id: string): string {
    return id;
  }
  remove(): void {}
}

const CLOCK = Symbol('clock');

@Injectable()
class Service {
  constructor(
    readonly store: Store,
    @Inject(CLOCK) readonly clock: { now(): number },
  ) {}

  read(id: string): string {
    return `${this.store.load(id)}@${this.clock.now()}`;
  }

  drop(): void {
    this.store.remove();
  }
}

describe('newTestService', () => {
  it('builds the service from its constructor types and @Inject tokens, with the given stand-ins', () => {
    const store = stub<Store>('Store', { load: (id: string) => `loaded ${id}` });
    const { sut, deps } = newTestService(Service, [
      [Store, store],
      [CLOCK, { now: () => 7 }],
    ]);
    assert.equal(sut.read('a'), 'loaded a@7');
    assert.deepEqual(store.callsOf('load'), [['a']]);
    assert.equal(deps[0], store);
  });

  it('stands in a strict stub for every collaborator not given, which names what was called', () => {
    const { sut } = newTestService(Service, [[CLOCK, { now: () => 0 }]]);
    assert.throws(() => sut.drop(), /Store\.remove was called, but the test did not provide it/);
  });
});

describe('stub', () => {
  it('records the calls of each member in order and is not mistaken for a promise', async () => {
    const s = stub<Store>('Store', { load: (id: string) => id, remove: () => undefined });
    s.load('x');
    s.remove();
    s.load('y');
    assert.deepEqual(
      s.calls.map((c) => c.method),
      ['load', 'remove', 'load'],
    );
    assert.deepEqual(s.callsOf('load'), [['x'], ['y']]);
    assert.equal(await Promise.resolve(s), s);
  });
});
