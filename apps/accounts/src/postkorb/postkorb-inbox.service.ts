import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { NewFile, NewMessage } from './postkorb.records';
import { PostkorbRepository } from './postkorb.repository';

/** How other features put a message into an owner's Postkorb (the projection of authorities' events). */
@Injectable()
export class PostkorbInbox {
  constructor(private readonly repository: PostkorbRepository) {}

  /** Stores the message and its files' references in the caller's transaction; false when it exists. */
  async receive(
    manager: EntityManager,
    message: NewMessage,
    files: readonly NewFile[] = [],
  ): Promise<boolean> {
    if (!(await this.repository.insert(manager, message))) return false;
    if (files.length > 0) await this.repository.insertFiles(manager, files);
    return true;
  }
}
