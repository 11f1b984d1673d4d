import { OptionalAuth, Public, SignedUrlQueryDto, UuidPipe } from '@amtsbote/platform';
import { Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Caller } from '../common/access.service';
import { CurrentCaller } from '../common/caller.decorator';
import { ACT_FOR_HEADER_DOC, ApiProblems } from '../common/openapi';
import { AttachmentDto, UploadAttachmentBodyDto } from './attachments.dto';
import { contentDisposition } from './attachments.mapper';
import { type AttachmentContent, AttachmentsService } from './attachments.service';

const DRAFT_TOKEN_DOC = ApiHeader({
  name: 'X-Draft-Token',
  required: false,
  description: 'Anonymous drafts: the `accessToken` returned when the draft was created.',
});

async function sendContent(reply: FastifyReply, { record, stream }: AttachmentContent): Promise<void> {
  await reply
    .status(200)
    .headers({
      'content-type': record.mediaType,
      'content-length': String(record.size),
      'content-disposition': contentDisposition(record.filename ?? record.id),
      'repr-digest': `sha-512=:${Buffer.from(record.sha512, 'hex').toString('base64')}:`,
      'x-content-sha512': record.sha512,
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, no-store',
    })
    .send(stream);
}

@ApiTags('attachments')
@Controller()
export class AttachmentsController {
  constructor(private readonly attachments: AttachmentsService) {}

  @Post('drafts/:draftId/attachments')
  @OptionalAuth()
  @ApiBearerAuth()
  @DRAFT_TOKEN_DOC
  @ACT_FOR_HEADER_DOC
  @ApiOperation({
    summary: 'Upload an attachment to a draft (streamed)',
    description:
      'multipart/form-data with one file part named `file`. The size limits (per file, and all attachments together) are enforced while the bytes arrive; ' +
      'the media type is detected from the content and must be on the Leistung’s allow-list — the client’s Content-Type is ignored. ' +
      'A refused upload is answered at once (413 or 415) and the connection closed; nothing is stored. ' +
      'Reference the returned `attachmentId` (with `filename`, `mediaType`, `size`) in the file field of the form data.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadAttachmentBodyDto })
  @ApiCreatedResponse({ type: AttachmentDto })
  @ApiProblems(400, 401, 403, 404, 413, 415, 422, 429)
  upload(
    @Param('draftId', UuidPipe) draftId: string,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
  ): Promise<AttachmentDto> {
    return this.attachments.upload(caller, draftId, request);
  }

  @Get('drafts/:draftId/attachments/:attachmentId')
  @OptionalAuth()
  @ApiBearerAuth()
  @DRAFT_TOKEN_DOC
  @ACT_FOR_HEADER_DOC
  @ApiOperation({ summary: 'Metadata of an attachment of the draft' })
  @ApiOkResponse({ type: AttachmentDto })
  @ApiProblems(401, 404)
  metadata(
    @Param('draftId', UuidPipe) draftId: string,
    @Param('attachmentId', UuidPipe) attachmentId: string,
    @CurrentCaller() caller: Caller,
  ): Promise<AttachmentDto> {
    return this.attachments.metadataInDraft(caller, draftId, attachmentId);
  }

  @Get('drafts/:draftId/attachments/:attachmentId/content')
  @OptionalAuth()
  @ApiBearerAuth()
  @DRAFT_TOKEN_DOC
  @ACT_FOR_HEADER_DOC
  @ApiOperation({ summary: 'Download an attachment of the draft (streamed)' })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({
    description: 'The bytes; `Repr-Digest` carries the SHA-512.',
    schema: { type: 'string', format: 'binary' },
  })
  @ApiProblems(401, 404)
  async content(
    @Param('draftId', UuidPipe) draftId: string,
    @Param('attachmentId', UuidPipe) attachmentId: string,
    @CurrentCaller() caller: Caller,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await sendContent(reply, await this.attachments.contentInDraft(caller, draftId, attachmentId));
  }

  @Delete('drafts/:draftId/attachments/:attachmentId')
  @OptionalAuth()
  @ApiBearerAuth()
  @DRAFT_TOKEN_DOC
  @ACT_FOR_HEADER_DOC
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an attachment from the draft' })
  @ApiNoContentResponse()
  @ApiProblems(401, 404)
  async remove(
    @Param('draftId', UuidPipe) draftId: string,
    @Param('attachmentId', UuidPipe) attachmentId: string,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    await this.attachments.deleteFromDraft(caller, draftId, attachmentId);
  }

  @Get('files/:fileId')
  @Public()
  @ApiTags('service-to-service')
  @ApiOperation({
    summary: 'Download an attachment through a signed URL (for other services)',
    description:
      'The URLs come in events (`submission.ready` attachments): HMAC-signed, short-lived, no token needed. Fetch once, check the SHA-512, keep your own copy.',
  })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ description: 'The bytes', schema: { type: 'string', format: 'binary' } })
  @ApiProblems(400, 403, 404, 410)
  async signed(
    @Param('fileId', UuidPipe) fileId: string,
    @Query() query: SignedUrlQueryDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await sendContent(
      reply,
      await this.attachments.contentBySignature(fileId, query.expires, query.signature),
    );
  }
}
