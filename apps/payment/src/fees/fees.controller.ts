import { CurrentPrincipal, type Principal, Roles, UuidPipe } from '@amtsbote/platform';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { tenantAdmin, TenantPipe } from '../common/tenant-admin';
import { FeeDto, FeeInputDto, FeeLookupQueryDto } from './fees.dto';
import { FeesService } from './fees.service';

@ApiTags('admin')
@ApiBearerAuth()
@Roles('payment-admin')
@Controller('admin/tenants/:tenant/fees')
export class FeesController {
  constructor(private readonly fees: FeesService) {}

  @Get()
  @ApiOperation({ summary: "The tenant's fee schedule" })
  @ApiResponse({ status: 200, type: [FeeDto] })
  list(@Param('tenant', TenantPipe) tenant: string, @CurrentPrincipal() p: Principal): Promise<FeeDto[]> {
    tenantAdmin(p, tenant);
    return this.fees.list(tenant);
  }

  @Get('lookup')
  @ApiOperation({ summary: 'Which fee applies to a Leistung in a region (most specific ARS prefix wins)' })
  @ApiResponse({ status: 200, type: FeeDto })
  @ApiResponse({ status: 404, description: 'No fee: submissions of this Leistung there are free' })
  lookup(
    @Param('tenant', TenantPipe) tenant: string,
    @Query() query: FeeLookupQueryDto,
    @CurrentPrincipal() p: Principal,
  ): Promise<FeeDto> {
    tenantAdmin(p, tenant);
    return this.fees.lookup(tenant, query.leikaKey, query.ars);
  }

  @Get(':feeId')
  @ApiResponse({ status: 200, type: FeeDto })
  get(
    @Param('tenant', TenantPipe) tenant: string,
    @Param('feeId', UuidPipe) feeId: string,
    @CurrentPrincipal() p: Principal,
  ): Promise<FeeDto> {
    tenantAdmin(p, tenant);
    return this.fees.get(tenant, feeId);
  }

  @Post()
  @ApiOperation({ summary: 'Set a fee for a Leistung (optionally only in a region); audit-logged' })
  @ApiResponse({ status: 201, type: FeeDto })
  @ApiResponse({ status: 409, description: 'A fee for this Leistung and region exists' })
  create(
    @Param('tenant', TenantPipe) tenant: string,
    @Body() body: FeeInputDto,
    @CurrentPrincipal() p: Principal,
  ): Promise<FeeDto> {
    return this.fees.create(tenant, tenantAdmin(p, tenant), body);
  }

  @Put(':feeId')
  @ApiOperation({ summary: 'Change a fee (applies to submissions from now on); audit-logged' })
  @ApiResponse({ status: 200, type: FeeDto })
  update(
    @Param('tenant', TenantPipe) tenant: string,
    @Param('feeId', UuidPipe) feeId: string,
    @Body() body: FeeInputDto,
    @CurrentPrincipal() p: Principal,
  ): Promise<FeeDto> {
    return this.fees.update(tenant, feeId, tenantAdmin(p, tenant), body);
  }

  @Delete(':feeId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a fee (the Leistung becomes free there); audit-logged' })
  async remove(
    @Param('tenant', TenantPipe) tenant: string,
    @Param('feeId', UuidPipe) feeId: string,
    @CurrentPrincipal() p: Principal,
  ): Promise<void> {
    await this.fees.remove(tenant, feeId, tenantAdmin(p, tenant));
  }
}
