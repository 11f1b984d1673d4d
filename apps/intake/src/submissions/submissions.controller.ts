import { BodyLimit, OptionalAuth, UuidPipe } from '@amtsbote/platform';
import { Body, Controller, Get, Headers, Param, Post, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Caller } from '../common/access.service';
import { CurrentCaller } from '../common/caller.decorator';
import { APPLICATION_BODY_LIMIT } from '../common/body-limits';
import { ACT_FOR_HEADER_DOC, ApiProblems } from '../common/openapi';
import {
  CreateSubmissionDto,
  IDEMPOTENCY_KEY_DOC,
  SubmissionAcceptedDto,
  SubmissionDto,
} from './submissions.dto';
import { SubmissionsService } from './submissions.service';

@ApiTags('submissions')
@ApiBearerAuth()
@ACT_FOR_HEADER_DOC
@Controller('submissions')
export class SubmissionsController {
  constructor(private readonly submissions: SubmissionsService) {}

  @Post()
  @BodyLimit(APPLICATION_BODY_LIMIT)
  @OptionalAuth()
  @ApiOperation({
    summary: 'Submit an application',
    description:
      'Checks, in this order: the Leistung is offered (404), login (401 unless anonymous submissions are allowed), the trust level (403 `insufficient-trust-level` with `requiredTrustLevel` — start a step-up login), ' +
      'the region (422 `region-not-offered`), then the data against the FIM schema together with the attachments (422 `fim-validation-failed` with every problem at once; ' +
      '`errors[].path` points into this body, `errors[].elementId` names the FIM field or group). ' +
      'Accepted: 201 with the Vorgangsnummer and the receipt; the status is `SUBMITTED` and the other services are informed. ' +
      'Anonymous submissions also get a `receiptToken` — the only key to their status.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: true, description: IDEMPOTENCY_KEY_DOC })
  @ApiHeader({
    name: 'X-Draft-Token',
    required: false,
    description: 'Anonymous: the token of the draft named in `draftId`.',
  })
  @ApiCreatedResponse({
    type: SubmissionAcceptedDto,
    headers: {
      Location: { schema: { type: 'string' }, description: 'The submission’s status resource' },
      'Idempotent-Replayed': {
        schema: { type: 'string', enum: ['true'] },
        description: 'Set when this is a stored answer',
      },
    },
  })
  @ApiProblems(400, 401, 403, 404, 409, 422)
  async submit(
    @Body() body: CreateSubmissionDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SubmissionAcceptedDto> {
    const result = await this.submissions.submit(caller, idempotencyKey, body);
    void reply.status(result.status).header('location', `/submissions/${result.body.submissionId}/status`);
    if (result.replayed) void reply.header('idempotent-replayed', 'true');
    return result.body;
  }

  @Get()
  @ApiOperation({
    summary: "The caller's submissions, newest first (100; or the represented organisation's)",
  })
  @ApiOkResponse({ type: [SubmissionDto] })
  @ApiProblems(401, 404)
  list(@CurrentCaller() caller: Caller): Promise<SubmissionDto[]> {
    return this.submissions.list(caller);
  }

  @Get([':submissionId', ':submissionId/status'])
  @OptionalAuth()
  @ApiHeader({
    name: 'X-Receipt-Token',
    required: false,
    description:
      'Anonymous submissions: the `receiptToken` from the submission answer (alone grants this read).',
  })
  @ApiOperation({
    summary: 'Status and timeline of a submission',
    description:
      'For its owner, an authorised representative (mandate; with or without `X-Act-For`) or the holder of the receipt token. Anyone else gets 404.',
  })
  @ApiOkResponse({ type: SubmissionDto })
  @ApiProblems(401, 404)
  get(
    @Param('submissionId', UuidPipe) submissionId: string,
    @CurrentCaller() caller: Caller,
  ): Promise<SubmissionDto> {
    return this.submissions.get(caller, submissionId);
  }
}
