import { Injectable } from '@nestjs/common';

interface Entry {
  token: string;
  expiresAt: number;
}

/** OAuth2 access tokens of provider clients, reused until shortly before they expire. */
@Injectable()
export class TokenCache {
  private readonly entries = new Map<string, Entry>();

  get(key: string): string | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e.token;
  }

  set(key: string, token: string, expiresInSeconds: number): void {
    // 30 s of slack so a token never expires on its way to the provider.
    const ttl = Math.max(0, expiresInSeconds - 30) * 1000;
    if (ttl > 0) this.entries.set(key, { token, expiresAt: Date.now() + ttl });
  }

  invalidate(key: string): void {
    this.entries.delete(key);
  }
}
