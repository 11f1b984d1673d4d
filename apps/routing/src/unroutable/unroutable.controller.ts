import { CurrentPrincipal, type Principal, Roles } from '@amtsbote/platform';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ADMIN_ROLES } from '../common/access';
import { UnroutableDto, UnroutableQueryDto } from './unroutable.dto';
import { UnroutableService } from './unroutable.service';

@ApiTags('unroutable')
@ApiBearerAuth()
@Roles(...ADMIN_ROLES)
@Controller('unroutable')
export class UnroutableController {
  constructor(private readonly unroutable: UnroutableService) {}

  @Get()
  @ApiOperation({
    summary: "The tenant's submissions that found no authority, newest first (operators: all)",
    description:
      'No route matched the LeiKa key and ARS, or the responsible destination was inactive. Each was failed ' +
      'with routing.failed NO_AUTHORITY, which is final: the citizen was told to contact their local ' +
      'administration. Adding the route helps the next submissions, not these.',
  })
  @ApiResponse({ status: 200, type: [UnroutableDto] })
  list(@CurrentPrincipal() p: Principal, @Query() q: UnroutableQueryDto): Promise<UnroutableDto[]> {
    return this.unroutable.list(p, q);
  }
}
