import { type FieldProblem, ProblemException } from '@amtsbote/platform';
import { Injectable } from '@nestjs/common';
import type { AttachmentRecord } from '../attachments/attachments.entity';
import type { ActingAs } from '../common/access.service';
import { FimRuntime } from '../fim-schemas/fim-runtime.service';
import { fimProblem } from '../fim-schemas/fim-problems';
import type { Leistung } from '../leistungen/leistungen.entity';
import { findAttachmentRefs } from './attachment-refs';
import type { CreateSubmissionDto } from './submissions.dto';
import { SubmissionsRepository } from './submissions.repository';

/**
 * The attachments and FIM validation steps of a submission: the data with its attachment references bound
 * to the applicant's uploads, checked against the FIM schema and the Leistung's attachment limits.
 */
@Injectable()
export class SubmissionData {
  constructor(
    private readonly submissions: SubmissionsRepository,
    private readonly fim: FimRuntime,
  ) {}

  /**
   * The form data with every attachment reference bound to an upload of the applicant (so the FIM checks
   * of media type and size apply to the real file, not to what the client claims), validated against the
   * FIM schema; all problems at once.
   */
  async validated(
    leistung: Leistung,
    acting: ActingAs,
    draftId: string | undefined,
    dto: CreateSubmissionDto,
  ): Promise<{ data: Record<string, unknown>; bound: AttachmentRecord[] }> {
    const validator = await this.fim.validator(leistung.schemaId, leistung.schemaVersion);
    const data = structuredClone(dto.data);
    const { usable, problems, missing } = await this.attachments(validator, data, leistung, acting, draftId);
    const result = validator.validate(data);
    // A reference to an unknown attachment is reported once, not also for the metadata it could not get.
    const fimProblems = result.errors
      .map((e) => fimProblem(e))
      .filter((p) => !missing.some((prefix) => p.path.startsWith(prefix)));
    problems.unshift(...fimProblems);
    const bound = [...usable.values()];
    if (bound.length > leistung.attachmentMaxCount) {
      problems.push({
        path: '/data',
        code: 'attachment-limit',
        message: {
          de: `Höchstens ${leistung.attachmentMaxCount} Anlagen sind erlaubt.`,
          en: `At most ${leistung.attachmentMaxCount} attachments are allowed.`,
        },
      });
    }
    if (bound.reduce((sum, a) => sum + a.size, 0) > leistung.attachmentMaxTotalBytes) {
      problems.push({
        path: '/data',
        code: 'attachment-limit',
        message: {
          de: `Alle Anlagen zusammen dürfen höchstens ${leistung.attachmentMaxTotalBytes} Bytes groß sein.`,
          en: `All attachments together may have at most ${leistung.attachmentMaxTotalBytes} bytes.`,
        },
      });
    }
    if (problems.length > 0) {
      throw new ProblemException({
        status: 422,
        code: 'fim-validation-failed',
        title: { de: 'Die Angaben sind nicht gültig', en: 'The data is not valid' },
        detail: {
          de: `${problems.length} Angabe(n) entsprechen nicht dem FIM-Schema ${leistung.schemaId} ${leistung.schemaVersion}.`,
          en: `${problems.length} value(s) do not match the FIM schema ${leistung.schemaId} ${leistung.schemaVersion}.`,
        },
        errors: problems,
        extensions: result.truncated ? { truncated: true } : undefined,
      });
    }
    return { data, bound };
  }

  /** Binds the attachment references in `data` to the applicant's uploads; what is missing is a problem. */
  private async attachments(
    validator: Awaited<ReturnType<FimRuntime['validator']>>,
    data: Record<string, unknown>,
    leistung: Leistung,
    acting: ActingAs,
    draftId: string | undefined,
  ): Promise<{ usable: Map<string, AttachmentRecord>; problems: FieldProblem[]; missing: string[] }> {
    const refs = findAttachmentRefs(validator.plan.children, data);
    const referencedIds = [
      ...new Set(refs.map((r) => r.value.attachmentId).filter((id): id is string => typeof id === 'string')),
    ];
    const usable = new Map<string, AttachmentRecord>(
      (
        await this.submissions.usableAttachments(
          referencedIds.filter((id) => /^[0-9a-f-]{36}$/i.test(id)),
          { tenant: leistung.tenant, leikaKey: leistung.leikaKey, ownerKey: acting.ownerKey, draftId },
        )
      ).map((a) => [a.id, a]),
    );
    const problems: FieldProblem[] = [];
    const missing: string[] = [];
    for (const ref of refs) {
      const id = ref.value.attachmentId;
      if (typeof id !== 'string') continue; // the FIM validator reports the malformed reference
      const a = usable.get(id);
      if (!a) {
        missing.push(`/data${ref.pointer}/`);
        problems.push({
          path: `/data${ref.pointer}/attachmentId`,
          code: 'attachment-not-found',
          message: {
            de: 'Diese Anlage gibt es nicht (mehr) unter Ihren hochgeladenen Anlagen.',
            en: 'This attachment is not (or no longer) among your uploads.',
          },
        });
        continue;
      }
      for (const k of Object.keys(ref.value)) if (k !== 'attachmentId') delete ref.value[k];
      Object.assign(ref.value, { filename: a.filename ?? a.id, mediaType: a.mediaType, size: a.size });
    }
    return { usable, problems, missing };
  }
}
