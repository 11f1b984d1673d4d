import { Inject, Injectable } from '@nestjs/common';
import type { MessageFormat } from './message-format';

/** The formats registered in `formats.module.ts`, collected by Nest. */
export const MESSAGE_FORMATS = Symbol('MESSAGE_FORMATS');

/** Finds the format a destination names; the only place that knows which formats exist. */
@Injectable()
export class FormatRegistry {
  private readonly byName = new Map<string, MessageFormat>();

  constructor(@Inject(MESSAGE_FORMATS) formats: MessageFormat[]) {
    for (const f of formats) {
      if (this.byName.has(f.name)) throw new Error(`two message formats named ${f.name}`);
      this.byName.set(f.name, f);
    }
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  /** The format of that name; throws for a name no format has (a destination stored before its removal). */
  get(name: string): MessageFormat {
    const f = this.byName.get(name);
    if (f === undefined) throw new Error(`no message format ${name} is registered`);
    return f;
  }

  /** The formats that validate against a schema bundle (to say what a missing bundle stops). */
  usingBundle(bundle: string): string[] {
    return [...this.byName.values()].filter((f) => f.schemaBundles.includes(bundle)).map((f) => f.name);
  }
}
