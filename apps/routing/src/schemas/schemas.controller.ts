import { Roles } from '@amtsbote/platform';
import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ADMIN_ROLES } from '../common/access';
import { SchemasService } from './schemas.service';

export class FimSchemaDto {
  @ApiProperty({ example: 'S00000121' }) schemaId!: string;
  @ApiProperty({ example: '1.0' }) version!: string;
  @ApiProperty({ type: String, format: 'date-time' }) publishedAt!: Date;
}

@ApiTags('fim-schemas')
@ApiBearerAuth()
@Roles(...ADMIN_ROLES)
@Controller('fim-schemas')
export class SchemasController {
  constructor(private readonly schemas: SchemasService) {}

  @Get()
  @ApiOperation({ summary: 'FIM schema versions routing has received from the catalog' })
  @ApiResponse({ status: 200, type: [FimSchemaDto] })
  list(): Promise<FimSchemaDto[]> {
    return this.schemas.list();
  }
}
