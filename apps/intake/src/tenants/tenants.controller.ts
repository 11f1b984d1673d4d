import { CurrentPrincipal, type Principal, Roles } from '@amtsbote/platform';
import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { assertTenantAdmin } from '../common/admin';
import { ApiProblems } from '../common/openapi';
import { TenantDto, UpsertTenantDto } from './tenants.dto';
import { TenantsService } from './tenants.service';

@ApiTags('catalog admin')
@ApiBearerAuth()
@Roles('catalog-admin')
@Controller('admin/tenants/:tenant')
@ApiParam({ name: 'tenant', description: 'Tenant id, the `tenant` claim of the admin token', example: 'hb' })
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Put()
  @ApiOperation({
    summary: "Create or update the admin's own tenant (Land or Kommune with its ARS)",
    description: 'Role `catalog-admin`; an admin manages only the tenant of their token. Audit-logged.',
  })
  @ApiOkResponse({ type: TenantDto })
  @ApiProblems(400, 401, 403)
  upsert(
    @Param('tenant') tenant: string,
    @Body() body: UpsertTenantDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<TenantDto> {
    const { actorKey } = assertTenantAdmin(principal, tenant);
    return this.tenants.upsert(tenant, body, actorKey);
  }

  @Get()
  @ApiOperation({ summary: 'Read the tenant' })
  @ApiOkResponse({ type: TenantDto })
  @ApiProblems(401, 403, 404)
  get(@Param('tenant') tenant: string, @CurrentPrincipal() principal: Principal): Promise<TenantDto> {
    assertTenantAdmin(principal, tenant);
    return this.tenants.get(tenant);
  }
}
