import { CurrentPrincipal, type Principal, ProblemException, Roles } from '@amtsbote/platform';
import { Controller, DefaultValuePipe, Get, Param, ParseIntPipe, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ADMIN_ROLES, adminScope, inScope, scopeTenant } from '../common/access';
import { MessageSummaryDto } from './messages.dto';
import { toSummary } from './messages.mapper';
import { MessagesRepository } from './messages.repository';
import type { MessageState } from './messages.types';

const STATES = ['BUILDING', 'SENDING', 'AVAILABLE', 'DELIVERED', 'DEAD', 'REJECTED', 'EXPIRED', 'ABANDONED'];

@ApiTags('messages')
@ApiBearerAuth()
@Roles(...ADMIN_ROLES)
@Controller('messages')
export class MessagesController {
  constructor(private readonly messages: MessagesRepository) {}

  @Get()
  @ApiOperation({ summary: 'Messages and their delivery state (no contents)' })
  @ApiQuery({ name: 'submissionId', required: false })
  @ApiQuery({ name: 'destinationId', required: false })
  @ApiQuery({ name: 'state', required: false, enum: STATES })
  @ApiResponse({ status: 200, type: [MessageSummaryDto] })
  async list(
    @CurrentPrincipal() p: Principal,
    @Query('submissionId') submissionId: string | undefined,
    @Query('destinationId') destinationId: string | undefined,
    @Query('state') state: string | undefined,
    @Query('limit', new DefaultValuePipe(100), ParseIntPipe) limit: number,
  ): Promise<MessageSummaryDto[]> {
    if (state !== undefined && !STATES.includes(state))
      throw ProblemException.badRequest('invalid-state', { de: 'Ungültiger Zustand', en: 'Invalid state' });
    if (submissionId !== undefined && !/^[0-9a-f-]{36}$/i.test(submissionId)) {
      throw ProblemException.badRequest('invalid-submission-id', {
        de: 'Ungültige Antrags-Id',
        en: 'Invalid submission id',
      });
    }
    const rows = await this.messages.list({
      tenant: scopeTenant(adminScope(p)),
      submissionId,
      destinationId,
      state: state as MessageState | undefined,
      limit: Math.min(Math.max(limit, 1), 1000),
    });
    return rows.map(toSummary);
  }

  @Get(':id')
  @ApiResponse({ status: 200, type: MessageSummaryDto })
  async get(
    @CurrentPrincipal() p: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<MessageSummaryDto> {
    const m = await this.messages.find(id);
    if (m === undefined || !inScope(adminScope(p), m.tenant))
      throw ProblemException.notFound({ de: 'Die Nachricht', en: 'The message' });
    return toSummary(m);
  }
}
