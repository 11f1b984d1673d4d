import { CurrentPrincipal, type Principal, ProblemException, Roles, UuidPipe } from '@amtsbote/platform';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ADMIN_ROLES, adminScope, inScope, scopeTenant } from '../common/access';
import { ListMessagesQueryDto, MessageSummaryDto } from './messages.dto';
import { toSummary } from './messages.mapper';
import { MessagesService } from './messages.service';

@ApiTags('messages')
@ApiBearerAuth()
@Roles(...ADMIN_ROLES)
@Controller('messages')
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Get()
  @ApiOperation({ summary: 'Messages and their delivery state (no contents)' })
  @ApiResponse({ status: 200, type: [MessageSummaryDto] })
  async list(
    @CurrentPrincipal() p: Principal,
    @Query() q: ListMessagesQueryDto,
  ): Promise<MessageSummaryDto[]> {
    const rows = await this.messages.list({
      tenant: scopeTenant(adminScope(p)),
      submissionId: q.submissionId,
      destinationId: q.destinationId,
      state: q.state,
      limit: q.limit ?? 100,
    });
    return rows.map(toSummary);
  }

  @Get(':id')
  @ApiResponse({ status: 200, type: MessageSummaryDto })
  async get(@CurrentPrincipal() p: Principal, @Param('id', UuidPipe) id: string): Promise<MessageSummaryDto> {
    const m = await this.messages.find(id);
    if (m === undefined || !inScope(adminScope(p), m.tenant))
      throw ProblemException.notFound({ de: 'Die Nachricht', en: 'The message' });
    return toSummary(m);
  }
}
