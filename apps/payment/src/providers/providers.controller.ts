import { CurrentPrincipal, type Principal, ProblemException, Roles } from '@amtsbote/platform';
import { Body, Controller, Delete, Get, HttpCode, Param, type PipeTransform, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { tenantAdmin, TenantPipe } from '../common/tenant-admin';
import { ProviderConfigDto, ProviderConfigInputDto } from './providers.dto';
import { ProvidersService } from './providers.service';

class EnvironmentPipe implements PipeTransform<string, 'test' | 'production'> {
  transform(value: string): 'test' | 'production' {
    if (value !== 'test' && value !== 'production') {
      throw ProblemException.badRequest(
        'validation-failed',
        {
          de: 'Umgebung muss „test“ oder „production“ sein',
          en: 'Environment must be "test" or "production"',
        },
        [
          {
            path: '/environment',
            code: 'isIn',
            message: { de: 'environment: test oder production.', en: 'environment: test or production.' },
          },
        ],
      );
    }
    return value;
  }
}

@ApiTags('admin')
@ApiBearerAuth()
@Roles('payment-admin')
@Controller('admin/tenants/:tenant/providers')
export class ProvidersController {
  constructor(private readonly providers: ProvidersService) {}

  @Get()
  @ApiOperation({ summary: "The tenant's payment provider configurations (test and production)" })
  @ApiResponse({ status: 200, type: [ProviderConfigDto] })
  list(
    @Param('tenant', TenantPipe) tenant: string,
    @CurrentPrincipal() p: Principal,
  ): Promise<ProviderConfigDto[]> {
    tenantAdmin(p, tenant);
    return this.providers.list(tenant);
  }

  @Get(':environment')
  @ApiParam({ name: 'environment', enum: ['test', 'production'] })
  @ApiResponse({ status: 200, type: ProviderConfigDto })
  get(
    @Param('tenant', TenantPipe) tenant: string,
    @Param('environment', EnvironmentPipe) environment: 'test' | 'production',
    @CurrentPrincipal() p: Principal,
  ): Promise<ProviderConfigDto> {
    tenantAdmin(p, tenant);
    return this.providers.get(tenant, environment);
  }

  @Put(':environment')
  @ApiOperation({
    summary: 'Configure the provider of an environment; credentials by reference only; audit-logged',
  })
  @ApiParam({ name: 'environment', enum: ['test', 'production'] })
  @ApiResponse({ status: 200, type: ProviderConfigDto })
  @ApiResponse({
    status: 422,
    description: 'Invalid settings or a credential reference that does not resolve',
  })
  put(
    @Param('tenant', TenantPipe) tenant: string,
    @Param('environment', EnvironmentPipe) environment: 'test' | 'production',
    @Body() body: ProviderConfigInputDto,
    @CurrentPrincipal() p: Principal,
  ): Promise<ProviderConfigDto> {
    return this.providers.put(tenant, environment, tenantAdmin(p, tenant), body);
  }

  @Delete(':environment')
  @HttpCode(204)
  @ApiParam({ name: 'environment', enum: ['test', 'production'] })
  async remove(
    @Param('tenant', TenantPipe) tenant: string,
    @Param('environment', EnvironmentPipe) environment: 'test' | 'production',
    @CurrentPrincipal() p: Principal,
  ): Promise<void> {
    await this.providers.remove(tenant, environment, tenantAdmin(p, tenant));
  }
}
