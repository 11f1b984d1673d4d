import { CurrentPrincipal, type Principal, Roles } from '@amtsbote/platform';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { LimitQueryDto } from '../common/limit-query.dto';
import { ADMIN_ROLES, adminScope, scopeTenant } from '../common/access';
import { AuditService } from './audit.service';

export class AuditRecordDto {
  @ApiProperty() id!: string;
  @ApiProperty({ type: String, format: 'date-time' }) at!: Date;
  @ApiProperty({ description: 'issuer|subject of the admin' }) actor!: string;
  @ApiProperty({ nullable: true, type: String }) actorTenant!: string | null;
  @ApiProperty({ example: 'destination.create' }) action!: string;
  @ApiProperty() target!: string;
  @ApiProperty({ type: Object }) details!: Record<string, unknown>;
}

export class AuditQueryDto extends LimitQueryDto {}

@ApiTags('audit')
@ApiBearerAuth()
@Roles(...ADMIN_ROLES)
@Controller('audit-log')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({ summary: "Latest admin actions (a tenant's routing admin sees those of its tenant)" })
  @ApiResponse({ status: 200, type: [AuditRecordDto] })
  list(@CurrentPrincipal() principal: Principal, @Query() query: AuditQueryDto): Promise<AuditRecordDto[]> {
    return this.audit.list(scopeTenant(adminScope(principal)), query.limit ?? 100);
  }
}
