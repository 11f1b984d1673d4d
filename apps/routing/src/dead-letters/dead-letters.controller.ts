import { CurrentPrincipal, type Principal, Roles, UuidPipe } from '@amtsbote/platform';
import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ADMIN_ROLES } from '../common/access';
import { DeadLetterDto, DeadLettersQueryDto } from '../messages/messages.dto';
import { DeadLettersService } from './dead-letters.service';

export class RedeliveredDto {
  @ApiProperty({ type: [String], description: 'Message ids back in delivery (same ids as before)' })
  redelivered!: string[];
}

@ApiTags('dead letters')
@ApiBearerAuth()
@Roles(...ADMIN_ROLES)
@Controller()
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLettersService) {}

  @Get('dead-letters')
  @ApiOperation({ summary: 'Messages that could not be delivered, with the reason and report' })
  @ApiResponse({ status: 200, type: [DeadLetterDto] })
  list(@CurrentPrincipal() p: Principal, @Query() query: DeadLettersQueryDto): Promise<DeadLetterDto[]> {
    return this.deadLetters.list(p, query.destinationId);
  }

  @Get('dead-letters/:id')
  @ApiResponse({ status: 200, type: DeadLetterDto })
  get(@CurrentPrincipal() p: Principal, @Param('id', UuidPipe) id: string): Promise<DeadLetterDto> {
    return this.deadLetters.get(p, id);
  }

  @Post('dead-letters/:id/redeliver')
  @HttpCode(200)
  @ApiOperation({ summary: 'Deliver again (rebuilt if it never validated); same message id' })
  @ApiResponse({ status: 200, type: RedeliveredDto })
  redeliver(@CurrentPrincipal() p: Principal, @Param('id', UuidPipe) id: string): Promise<RedeliveredDto> {
    return this.deadLetters.redeliver(p, id);
  }

  @Post('dead-letters/:id/abandon')
  @HttpCode(200)
  @ApiOperation({ summary: 'Give up: the citizen is told the submission could not be delivered' })
  @ApiResponse({ status: 200, type: DeadLetterDto })
  abandon(@CurrentPrincipal() p: Principal, @Param('id', UuidPipe) id: string): Promise<DeadLetterDto> {
    return this.deadLetters.abandon(p, id);
  }

  @Post('destinations/:destinationId/redeliver')
  @HttpCode(200)
  @ApiOperation({ summary: 'Deliver all dead letters of a destination again' })
  @ApiResponse({ status: 200, type: RedeliveredDto })
  redeliverAll(
    @CurrentPrincipal() p: Principal,
    @Param('destinationId') destinationId: string,
  ): Promise<RedeliveredDto> {
    return this.deadLetters.redeliverAll(p, destinationId);
  }
}
