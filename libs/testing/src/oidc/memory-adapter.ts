import type { Adapter, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  expiresAt: number;
}

const MAX_ENTRIES = 10_000;

/**
 * Per-provider, bounded in-memory storage for oidc-provider's models. The library's own memory adapter is
 * process-global (two providers in one test process would share it) and warns on every start.
 */
export function createMemoryAdapterFactory(): (model: string) => Adapter {
  const entries = new Map<string, Entry>();
  const now = () => Date.now();

  const get = (key: string): AdapterPayload | undefined => {
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry.payload;
  };

  const set = (key: string, payload: AdapterPayload, expiresIn?: number) => {
    if (entries.size >= MAX_ENTRIES) {
      // Maps iterate in insertion order: drop the oldest entry.
      const oldest = entries.keys().next();
      if (oldest.done !== true) entries.delete(oldest.value);
    }
    entries.set(key, { payload, expiresAt: expiresIn === undefined ? Infinity : now() + expiresIn * 1000 });
  };

  return (model: string): Adapter => {
    const key = (id: string) => `${model}:${id}`;
    const grantMembers = new Map<string, Set<string>>();

    return {
      upsert(id, payload, expiresIn) {
        set(key(id), payload, expiresIn);
        if (payload.uid !== undefined) set(`uid:${model}:${payload.uid}`, { id }, expiresIn);
        if (payload.userCode !== undefined) set(`userCode:${model}:${payload.userCode}`, { id }, expiresIn);
        if (payload.grantId !== undefined) {
          const members = grantMembers.get(payload.grantId) ?? new Set<string>();
          members.add(key(id));
          grantMembers.set(payload.grantId, members);
        }
        return Promise.resolve();
      },
      find(id) {
        return Promise.resolve(get(key(id)));
      },
      findByUid(uid) {
        const ref = get(`uid:${model}:${uid}`);
        return Promise.resolve(typeof ref?.id === 'string' ? get(key(ref.id)) : undefined);
      },
      findByUserCode(userCode) {
        const ref = get(`userCode:${model}:${userCode}`);
        return Promise.resolve(typeof ref?.id === 'string' ? get(key(ref.id)) : undefined);
      },
      consume(id) {
        const payload = get(key(id));
        if (payload !== undefined) payload.consumed = Math.floor(now() / 1000);
        return Promise.resolve();
      },
      destroy(id) {
        entries.delete(key(id));
        return Promise.resolve();
      },
      revokeByGrantId(grantId) {
        for (const member of grantMembers.get(grantId) ?? []) entries.delete(member);
        grantMembers.delete(grantId);
        return Promise.resolve();
      },
    };
  };
}
