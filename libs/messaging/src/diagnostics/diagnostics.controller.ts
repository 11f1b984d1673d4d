import { type Principal, CurrentPrincipal, ProblemException, Roles, UuidPipe } from '@amtsbote/platform';
import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { EchoRecordDto, EchoSentDto, SendEchoDto } from './diagnostics.dto';
import { DiagnosticsService } from './diagnostics.service';

@ApiTags('diagnostics')
@ApiBearerAuth()
@Roles('operator')
@Controller('diagnostics/echo')
export class DiagnosticsController {
  constructor(private readonly diagnostics: DiagnosticsService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a probe event through the outbox to every service (operators only)' })
  @ApiResponse({ status: 202, type: EchoSentDto })
  send(@Body() body: SendEchoDto, @CurrentPrincipal() principal: Principal): Promise<EchoSentDto> {
    return this.diagnostics.send(body.message, principal.subject);
  }

  @Get(':echoId')
  @ApiOperation({ summary: 'What this service recorded of a probe event' })
  @ApiResponse({ status: 200, type: [EchoRecordDto] })
  async find(@Param('echoId', UuidPipe) echoId: string): Promise<EchoRecordDto[]> {
    const records = await this.diagnostics.find(echoId);
    if (records.length === 0) throw ProblemException.notFound({ de: 'Der Prüfaufruf', en: 'The probe' });
    return records;
  }
}
