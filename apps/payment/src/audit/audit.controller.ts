import { CurrentPrincipal, type Principal, Roles } from '@amtsbote/platform';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { tenantAdmin, TenantPipe } from '../common/tenant-admin';
import { AuditEntryDto, AuditQueryDto } from './audit.dto';
import { AuditRepository } from './audit.repository';

@ApiTags('admin')
@ApiBearerAuth()
@Roles('payment-admin')
@Controller('admin/tenants/:tenant/audit-log')
export class AuditController {
  constructor(private readonly audit: AuditRepository) {}

  @Get()
  @ApiOperation({ summary: "The tenant's payment admin actions, newest first" })
  @ApiResponse({ status: 200, type: [AuditEntryDto] })
  async list(
    @Param('tenant', TenantPipe) tenant: string,
    @Query() query: AuditQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<AuditEntryDto[]> {
    tenantAdmin(principal, tenant);
    return this.audit.list(tenant, query.limit ?? 100);
  }
}
