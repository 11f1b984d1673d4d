import { ACT_FOR_HEADER, UuidPipe } from '@amtsbote/platform';
import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  UseInterceptors,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AccountInterceptor, CurrentAccount } from '../accounts/account.context';
import { refuseActFor } from '../accounts/accounts.controller';
import type { Account } from '../accounts/accounts.repository';
import { AuditService } from '../audit/audit.service';
import {
  ActivityDto,
  ACTIVITY_LIMIT,
  ActivityQuery,
  GrantMandateDto,
  ListMandatesQuery,
  MandateDto,
  MandateListDto,
} from './mandates.dto';
import { MandatesService } from './mandates.service';

@ApiTags('representation')
@ApiBearerAuth()
@UseInterceptors(AccountInterceptor)
@Controller('mandates')
export class MandatesController {
  constructor(private readonly mandates: MandatesService) {}

  @Post()
  @ApiOperation({
    summary:
      'Grant a person or organisation the right to act for this organisation (organisation accounts only)',
  })
  @ApiResponse({ status: 201, type: MandateDto })
  grant(
    @CurrentAccount() account: Account,
    @Body() body: GrantMandateDto,
    @Headers(ACT_FOR_HEADER) actFor?: string,
  ): Promise<MandateDto> {
    refuseActFor(account, actFor);
    return this.mandates.grant(account, body);
  }

  @Get()
  @ApiOperation({ summary: 'Mandates this organisation granted' })
  @ApiResponse({ status: 200, type: MandateListDto })
  async list(
    @CurrentAccount() account: Account,
    @Query() query: ListMandatesQuery,
    @Headers(ACT_FOR_HEADER) actFor?: string,
  ): Promise<MandateListDto> {
    refuseActFor(account, actFor);
    return { items: await this.mandates.list(account, query.includeRevoked === 'true') };
  }

  @Get(':mandateId')
  @ApiOperation({ summary: 'One mandate this organisation granted' })
  @ApiResponse({ status: 200, type: MandateDto })
  get(
    @CurrentAccount() account: Account,
    @Param('mandateId', UuidPipe) mandateId: string,
    @Headers(ACT_FOR_HEADER) actFor?: string,
  ): Promise<MandateDto> {
    refuseActFor(account, actFor);
    return this.mandates.get(account, mandateId);
  }

  @Post(':mandateId/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a mandate at once (idempotent)' })
  @ApiResponse({ status: 200, type: MandateDto })
  revoke(
    @CurrentAccount() account: Account,
    @Param('mandateId', UuidPipe) mandateId: string,
    @Headers(ACT_FOR_HEADER) actFor?: string,
  ): Promise<MandateDto> {
    refuseActFor(account, actFor);
    return this.mandates.revoke(account, mandateId);
  }
}

@ApiTags('representation')
@ApiBearerAuth()
@UseInterceptors(AccountInterceptor)
@Controller('me/representations')
export class RepresentationsController {
  constructor(private readonly mandates: MandatesService) {}

  @Get()
  @ApiOperation({
    summary: 'Organisations the signed-in account may act for (send their key as X-Act-For)',
  })
  @ApiResponse({ status: 200, type: MandateListDto })
  async list(@CurrentAccount() account: Account): Promise<MandateListDto> {
    return { items: await this.mandates.representations(account.key) };
  }
}

@ApiTags('representation')
@ApiBearerAuth()
@UseInterceptors(AccountInterceptor)
@Controller('me/activity')
export class ActivityController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({
    summary:
      "Who did what on the account's behalf: mandate changes and representatives' actions (latest first)",
  })
  @ApiResponse({ status: 200, type: ActivityDto })
  async list(
    @CurrentAccount() account: Account,
    @Query() query: ActivityQuery,
    @Headers(ACT_FOR_HEADER) actFor?: string,
  ): Promise<ActivityDto> {
    refuseActFor(account, actFor);
    return { items: await this.audit.list(account.key, query.limit ?? ACTIVITY_LIMIT) };
  }
}
