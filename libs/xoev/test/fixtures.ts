import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseSchema } from '@amtsbote/fim';
import type { SubmissionMessageInput } from '../src';

/** Repository root: the first directory upwards that holds package-lock.json. */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package-lock.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`package-lock.json not found above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

/** The shared fixtures next to the repository (read at run time, never copied). */
export const SCHEMA_DIR = resolve(repoRoot(), '..', 'shared', 'fixtures');

export function readFixture(...parts: string[]): Buffer {
  return readFileSync(join(SCHEMA_DIR, ...parts));
}

export const blaueKarte = () => parseSchema(readFixture('fim-xdf2', 'BlaueKarte.xml'));

export function submissionInput(
  overrides: Partial<SubmissionMessageInput> & Pick<SubmissionMessageInput, 'schema' | 'data'>,
): SubmissionMessageInput {
  return {
    messageId: '0b6f8f3e-4f5a-4c1e-9a51-1a2b3c4d5e6f',
    submissionId: '7d1c2b3a-1111-4222-8333-944455566677',
    vorgangsnummer: 'HB-2026-000042',
    leikaKey: '99010001001000',
    leistungName: 'Blaue Karte EU',
    ars: '040110000000',
    submittedAt: '2026-11-20T10:15:00.000Z',
    createdAt: '2026-11-20T10:15:02.000Z',
    applicant: { kind: 'person', trustLevel: 3 },
    attachments: [
      {
        attachmentId: '5f0a1b2c-3d4e-4f50-8a61-72839405a6b7',
        filename: 'Arbeitsvertrag.pdf',
        mediaType: 'application/pdf',
        size: 1234,
        sha512: 'a'.repeat(128),
      },
      {
        attachmentId: '6e1b2c3d-4e5f-4061-9b72-8394a5b6c7d8',
        filename: 'Foto ../../etc/passwd.jpg',
        mediaType: 'image/jpeg',
        size: 99,
        sha512: 'b'.repeat(128),
      },
    ],
    sender: { identity: 'psw:99999999', name: 'Amtsbote Onlinedienst' },
    recipient: { identity: 'psw:04011000', name: 'Stadtamt Bremen - Ausländerbehörde' },
    product: { name: 'Amtsbote', vendor: 'Amtsbote', version: '0.1.0' },
    ...overrides,
  };
}
