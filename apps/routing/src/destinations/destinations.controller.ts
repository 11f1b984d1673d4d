import { CurrentPrincipal, type Principal, Roles } from '@amtsbote/platform';
import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ADMIN_ROLES } from '../common/access';
import {
  CreateDestinationDto,
  DestinationDto,
  DestinationSettingsDto,
  DestinationWithSecretDto,
  RotateSecretDto,
  SecretDto,
} from './destinations.dto';
import { DestinationsService } from './destinations.service';

@ApiTags('destinations')
@ApiBearerAuth()
@Roles(...ADMIN_ROLES)
@Controller('destinations')
export class DestinationsController {
  constructor(private readonly destinations: DestinationsService) {}

  @Post()
  @ApiOperation({ summary: 'Register a Fachverfahren destination (the HMAC secret is returned once)' })
  @ApiResponse({ status: 201, type: DestinationWithSecretDto })
  create(
    @CurrentPrincipal() p: Principal,
    @Body() body: CreateDestinationDto,
  ): Promise<DestinationWithSecretDto> {
    return this.destinations.create(p, body);
  }

  @Get()
  @ApiOperation({ summary: "The tenant's destinations (operators: all)" })
  @ApiResponse({ status: 200, type: [DestinationDto] })
  list(@CurrentPrincipal() p: Principal): Promise<DestinationDto[]> {
    return this.destinations.list(p);
  }

  @Get(':id')
  @ApiResponse({ status: 200, type: DestinationDto })
  get(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<DestinationDto> {
    return this.destinations.get(p, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change settings, key, limits; deactivate with active=false (effective at once)' })
  @ApiResponse({ status: 200, type: DestinationDto })
  update(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body() body: DestinationSettingsDto,
  ): Promise<DestinationDto> {
    return this.destinations.update(p, id, body);
  }

  @Post(':id/secret')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rotate the HMAC secret (returned once)' })
  @ApiResponse({ status: 200, type: SecretDto })
  rotate(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body() body: RotateSecretDto,
  ): Promise<SecretDto> {
    return this.destinations.rotateSecret(p, id, body.secret);
  }
}
