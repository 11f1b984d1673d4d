import { CurrentPrincipal, type Principal, Roles } from '@amtsbote/platform';
import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ADMIN_ROLES } from '../../common/access';
import {
  RoutingApiSettingsDto,
  RoutingApiSettingsInputDto,
  RoutingApiSettingsQueryDto,
} from './routing-api.dto';
import { RoutingApiSettingsService } from './routing-api-settings.service';

@ApiTags('routes (Zuständigkeit)')
@ApiBearerAuth()
@Roles(...ADMIN_ROLES)
@Controller('routes/settings')
export class RoutingApiSettingsController {
  constructor(private readonly settings: RoutingApiSettingsService) {}

  @Get()
  @ApiOperation({
    summary:
      "The tenant's routing settings: Leistungen whose Zuständigkeit comes from the FIT-Connect Routing API",
  })
  @ApiResponse({ status: 200, type: RoutingApiSettingsDto })
  get(
    @CurrentPrincipal() p: Principal,
    @Query() q: RoutingApiSettingsQueryDto,
  ): Promise<RoutingApiSettingsDto> {
    return this.settings.get(p, q.tenant);
  }

  @Put()
  @ApiOperation({
    summary: 'Choose the Leistungen whose Zuständigkeit comes from the FIT-Connect Routing API',
    description:
      'An own route for a region (ARS prefix) still wins; the own nationwide default is the fallback when the Routing API has no answer or is away.',
  })
  @ApiResponse({ status: 200, type: RoutingApiSettingsDto })
  put(
    @CurrentPrincipal() p: Principal,
    @Body() body: RoutingApiSettingsInputDto,
  ): Promise<RoutingApiSettingsDto> {
    return this.settings.put(p, body);
  }
}
