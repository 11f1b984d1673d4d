import 'reflect-metadata';

/** A method call a stub recorded. */
export interface StubCall {
  method: string;
  args: unknown[];
}

/** What a stub offers besides the members it was given. */
export interface Stubbed {
  /** Every call of a given member, in order. */
  readonly calls: StubCall[];
  /** The arguments of the calls of one member. */
  callsOf(method: string): unknown[][];
}

/**
 * A collaborator of a service in a service-level test: only the given members exist (their calls are
 * recorded); calling any other fails the test, naming it — a test states every effect it allows.
 */
export function stub<T extends object>(name: string, members: Partial<T> = {}): T & Stubbed {
  const calls: StubCall[] = [];
  const record = (method: string, fn: (...args: unknown[]) => unknown) =>
    function (this: unknown, ...args: unknown[]) {
      calls.push({ method, args });
      return fn.apply(this, args);
    };
  const target: Record<string | symbol, unknown> = {};
  for (const [key, value] of Object.entries(members)) {
    target[key] = typeof value === 'function' ? record(key, value as (...args: unknown[]) => unknown) : value;
  }
  target.calls = calls;
  target.callsOf = (method: string) => calls.filter((c) => c.method === method).map((c) => c.args);
  return new Proxy(target, {
    get(t, key) {
      if (key in t) return t[key];
      // Promises and Nest probe these; a stub is neither.
      if (key === 'then' || typeof key === 'symbol') return undefined;
      return () => {
        throw new Error(`${name}.${String(key)} was called, but the test did not provide it`);
      };
    },
  }) as T & Stubbed;
}

type Token = abstract new (...args: never[]) => unknown;
type Constructor<T> = new (...args: never[]) => T;

/**
 * Builds a service the way Nest would, from its constructor's parameter types, with the given collaborators
 * and a strict {@link stub} for every other one (immich's `newTestService`): the decisions of a service are
 * tested without a database, a broker or HTTP. `provide` maps a class (or an `@Inject` token) to its stand-in.
 */
export function newTestService<T>(
  Service: Constructor<T>,
  provide: Array<[Token | string | symbol, unknown]> = [],
): { sut: T; deps: unknown[] } {
  const given = new Map<unknown, unknown>(provide);
  const types = (Reflect.getMetadata('design:paramtypes', Service) as unknown[] | undefined) ?? [];
  // Nest keeps explicit @Inject(token) parameters here: [{ index, param: token }].
  const tokens =
    (Reflect.getMetadata('self:paramtypes', Service) as Array<{ index: number; param: unknown }>) ?? [];
  const deps = types.map((type, index) => {
    const token = tokens.find((t) => t.index === index)?.param ?? type;
    if (given.has(token)) return given.get(token);
    const label = typeof token === 'function' ? token.name : String(token);
    return stub(label);
  });
  return { sut: new Service(...(deps as never[])), deps };
}
