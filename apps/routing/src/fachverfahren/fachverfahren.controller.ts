import { BodyLimit, CurrentPrincipal, type Principal, UuidPipe } from '@amtsbote/platform';
import { Body, Controller, Get, HttpCode, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { REPLY_BODY_LIMIT } from '../common/body-limits';
import { MessageSummaryDto } from '../messages/messages.dto';
import type { DeliveryEnvelope } from '../channels/envelope';
import { ClientScope, ClientScopeGuard } from './client-scope.guard';
import {
  PendingQueryDto,
  RejectDto,
  ReplyAcceptedDto,
  ReplyDto,
  StateDto,
  StatusAcceptedDto,
  StatusDto,
} from './fachverfahren.dto';
import { type Download, FachverfahrenService } from './fachverfahren.service';

async function send(reply: FastifyReply, d: Download): Promise<void> {
  void reply
    .header('content-type', d.mediaType)
    .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(d.filename)}`)
    .header('cache-control', 'no-store');
  if (d.sha512) void reply.header('x-content-sha512', d.sha512);
  await reply.send(d.content);
}

@ApiTags('fachverfahren')
@ApiBearerAuth()
@UseGuards(ClientScopeGuard)
@Controller('fachverfahren/messages')
export class FachverfahrenController {
  constructor(private readonly fv: FachverfahrenService) {}

  @Get()
  @ClientScope('routing.pull')
  @ApiOperation({ summary: 'Pending messages in the mailbox of your destinations (pull channel)' })
  @ApiResponse({ status: 200, type: [MessageSummaryDto] })
  pending(@CurrentPrincipal() p: Principal, @Query() q: PendingQueryDto): Promise<MessageSummaryDto[]> {
    return this.fv.pending(p, q.destinationId, q.kind, q.limit ?? 100);
  }

  @Get(':id')
  @ClientScope('routing.pull')
  @ApiOperation({
    summary: 'The envelope of a message: payload, metadata and attachments described (hashes, sizes)',
  })
  describe(@CurrentPrincipal() p: Principal, @Param('id', UuidPipe) id: string): Promise<DeliveryEnvelope> {
    return this.fv.describe(p, id);
  }

  @Get(':id/payload')
  @ClientScope('routing.pull')
  @ApiOperation({
    summary: 'The payload: xdomea ZIP, XÖV XML or FIM JSON (application/jose when encrypted to your key)',
  })
  @ApiProduces('application/zip', 'application/xml', 'application/json', 'application/jose')
  async payload(
    @CurrentPrincipal() p: Principal,
    @Param('id', UuidPipe) id: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await send(reply, await this.fv.payload(p, id));
  }

  @Get(':id/metadata')
  @ClientScope('routing.pull')
  @ApiOperation({ summary: 'FIT-Connect metadata (format fit-connect-json)' })
  async metadata(
    @CurrentPrincipal() p: Principal,
    @Param('id', UuidPipe) id: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await send(reply, await this.fv.metadata(p, id));
  }

  @Get(':id/attachments/:attachmentId')
  @ClientScope('routing.pull')
  @ApiOperation({ summary: 'One attachment (not for xdomea: its attachments are inside the ZIP)' })
  async attachment(
    @CurrentPrincipal() p: Principal,
    @Param('id', UuidPipe) id: string,
    @Param('attachmentId', UuidPipe) attachmentId: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await send(reply, await this.fv.attachment(p, id, attachmentId));
  }

  @Post(':id/accept')
  @HttpCode(200)
  @ClientScope('routing.pull')
  @ApiOperation({ summary: 'Take the message over: it leaves the mailbox and counts as delivered' })
  @ApiResponse({ status: 200, type: StateDto })
  accept(@CurrentPrincipal() p: Principal, @Param('id', UuidPipe) id: string): Promise<StateDto> {
    return this.fv.accept(p, id);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @ClientScope('routing.pull')
  @ApiOperation({ summary: 'Refuse the message with problems; the submission fails back to the citizen' })
  @ApiResponse({ status: 200, type: StateDto })
  reject(
    @CurrentPrincipal() p: Principal,
    @Param('id', UuidPipe) id: string,
    @Body() body: RejectDto,
  ): Promise<StateDto> {
    return this.fv.reject(p, id, body);
  }

  @Post(':id/receipt')
  @HttpCode(200)
  @ClientScope('routing.receipt')
  @ApiOperation({ summary: 'Confirm receipt (status RECEIVED; only the first receipt counts)' })
  @ApiResponse({ status: 200, type: StatusAcceptedDto })
  receipt(@CurrentPrincipal() p: Principal, @Param('id', UuidPipe) id: string): Promise<StatusAcceptedDto> {
    return this.fv.receipt(p, id);
  }

  @Post(':id/status')
  @HttpCode(200)
  @ClientScope('routing.status')
  @ApiOperation({
    summary: 'Report processing status: PROCESSING, ACTION_REQUIRED (with message), COMPLETED, REJECTED',
  })
  @ApiResponse({ status: 200, type: StatusAcceptedDto })
  status(
    @CurrentPrincipal() p: Principal,
    @Param('id', UuidPipe) id: string,
    @Body() body: StatusDto,
  ): Promise<StatusAcceptedDto> {
    return this.fv.status(p, id, body);
  }

  @Post(':id/replies')
  @BodyLimit(REPLY_BODY_LIMIT)
  @HttpCode(200)
  @ClientScope('routing.reply')
  @ApiOperation({ summary: 'Send the citizen a Bescheid or message with attachments (base64)' })
  @ApiResponse({ status: 200, type: ReplyAcceptedDto })
  reply(
    @CurrentPrincipal() p: Principal,
    @Param('id', UuidPipe) id: string,
    @Body() body: ReplyDto,
  ): Promise<ReplyAcceptedDto> {
    return this.fv.reply(p, id, body);
  }
}
