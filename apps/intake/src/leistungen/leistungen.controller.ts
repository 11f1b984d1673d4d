import { CurrentPrincipal, type Principal, Roles } from '@amtsbote/platform';
import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { assertTenantAdmin } from '../common/admin';
import { ApiProblems } from '../common/openapi';
import { LeistungDto, UpsertLeistungDto } from './leistungen.dto';
import { toLeistungDto } from './leistungen.mapper';
import { LeistungenService } from './leistungen.service';

@ApiTags('catalog admin')
@ApiBearerAuth()
@Roles('catalog-admin')
@Controller('admin/tenants/:tenant/leistungen')
@ApiParam({ name: 'tenant', example: 'hb' })
export class LeistungenController {
  constructor(private readonly leistungen: LeistungenService) {}

  @Put(':leikaKey')
  @ApiOperation({
    summary: 'Create or update a Leistung of the tenant',
    description:
      'Binds a LeiKa key to a stored FIM schema version with the rules for applicants (trust level, anonymous, regions), attachments and drafts. Takes effect at once, without a redeploy. Audit-logged.',
  })
  @ApiParam({ name: 'leikaKey', example: '99050012104000', description: '99 followed by 12 digits' })
  @ApiOkResponse({ type: LeistungDto })
  @ApiProblems(400, 401, 403, 409, 422)
  async upsert(
    @Param('tenant') tenant: string,
    @Param('leikaKey') leikaKey: string,
    @Body() body: UpsertLeistungDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<LeistungDto> {
    const { actorKey } = assertTenantAdmin(principal, tenant);
    return toLeistungDto(await this.leistungen.upsert(tenant, leikaKey, body, actorKey));
  }

  @Get()
  @ApiOperation({ summary: 'All Leistungen of the tenant, active or not' })
  @ApiOkResponse({ type: [LeistungDto] })
  @ApiProblems(401, 403)
  async list(
    @Param('tenant') tenant: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<LeistungDto[]> {
    assertTenantAdmin(principal, tenant);
    return (await this.leistungen.list(tenant)).map(toLeistungDto);
  }

  @Get(':leikaKey')
  @ApiOperation({ summary: 'One Leistung of the tenant' })
  @ApiOkResponse({ type: LeistungDto })
  @ApiProblems(401, 403, 404)
  async get(
    @Param('tenant') tenant: string,
    @Param('leikaKey') leikaKey: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<LeistungDto> {
    assertTenantAdmin(principal, tenant);
    return toLeistungDto(await this.leistungen.get(tenant, leikaKey));
  }
}
