import { CurrentPrincipal, type Principal, Roles } from '@amtsbote/platform';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { assertTenantAdmin } from '../common/admin';
import { ApiProblems } from '../common/openapi';
import { AuditEntryDto, AuditQueryDto } from './audit.dto';
import { AuditRepository } from './audit.repository';

@ApiTags('catalog admin')
@ApiBearerAuth()
@Roles('catalog-admin')
@Controller('admin/tenants/:tenant/audit-log')
export class AuditController {
  constructor(private readonly audit: AuditRepository) {}

  @Get()
  @ApiOperation({ summary: "The tenant's catalog audit log, newest first" })
  @ApiOkResponse({ type: [AuditEntryDto] })
  @ApiProblems(401, 403)
  async list(
    @Param('tenant') tenant: string,
    @Query() query: AuditQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<AuditEntryDto[]> {
    assertTenantAdmin(principal, tenant);
    return this.audit.list(tenant, query.limit ?? 100, query.before);
  }
}
