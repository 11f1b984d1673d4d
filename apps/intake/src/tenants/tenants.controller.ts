import { CurrentPrincipal, type Principal, principalKey, Roles } from '@amtsbote/platform';
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
  @Roles('catalog-admin', 'operator')
  @ApiOperation({
    summary: "Create or update the admin's own tenant (Land or Kommune with its ARS)",
    description:
      'Role `catalog-admin` for the tenant of the token, or `operator` for any tenant. The ARS decides where the tenant may offer Leistungen: ' +
      'a catalog admin sets it when creating the tenant, only an operator changes it (403 `tenant-ars-locked`). Audit-logged.',
  })
  @ApiOkResponse({ type: TenantDto })
  @ApiProblems(400, 401, 403)
  upsert(
    @Param('tenant') tenant: string,
    @Body() body: UpsertTenantDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<TenantDto> {
    if (principal.roles.includes('operator')) {
      return this.tenants.upsert(tenant, body, principalKey(principal), { mayChangeArs: true });
    }
    const { actorKey } = assertTenantAdmin(principal, tenant);
    return this.tenants.upsert(tenant, body, actorKey, { mayChangeArs: false });
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
