import { ProblemException } from '@amtsbote/platform';
import { Injectable } from '@nestjs/common';
import { decodeCursor, encodeCursor } from '../common/cursor';
import type { PostkorbAccess } from '../representation/representation.service';
import type { PageQuery, SubmissionDto, SubmissionListDto, TimelineDto } from './postkorb.dto';
import { PostkorbSubmissionsRepository } from './postkorb-submissions.repository';
import { badCursor } from './postkorb.service';

/** The owner's applications (Vorgänge) with their citizen-facing status and timeline. */
@Injectable()
export class PostkorbSubmissionsService {
  constructor(private readonly repository: PostkorbSubmissionsRepository) {}

  async submissions(access: PostkorbAccess, q: PageQuery): Promise<SubmissionListDto> {
    const cursor = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    if (q.cursor !== undefined && !cursor) throw badCursor();
    const limit = q.limit ?? 20;
    const rows = await this.repository.listSubmissions(access.ownerKey, access.leikaScope, cursor, limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((s) => ({
        submissionId: s.submissionId,
        vorgangsnummer: s.vorgangsnummer,
        leistungName: s.leistungName,
        leikaKey: s.leikaKey,
        submittedAt: s.submittedAt,
        status: s.status,
        outcome: s.outcome,
        actedByKey: s.actedByKey,
      })),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor({ createdAt: last.submittedAt, id: last.submissionId })
          : null,
    };
  }

  async timeline(access: PostkorbAccess, submissionId: string): Promise<TimelineDto> {
    const s = await this.repository.visibleSubmission(access.ownerKey, access.leikaScope, submissionId);
    if (!s) throw ProblemException.notFound({ de: 'Der Antrag', en: 'The application' });
    const entries = await this.repository.timeline(submissionId);
    const head: SubmissionDto = {
      submissionId: s.submissionId,
      vorgangsnummer: s.vorgangsnummer,
      leistungName: s.leistungName,
      leikaKey: s.leikaKey,
      submittedAt: s.submittedAt,
      status: s.status,
      outcome: s.outcome,
      actedByKey: s.actedByKey,
    };
    return {
      ...head,
      entries: entries.map((e) => ({
        at: e.at,
        kind: e.kind,
        status: e.status,
        outcome: e.outcome,
        title: { de: e.titleDe, en: e.titleEn },
        messageId: e.messageId,
      })),
    };
  }
}
