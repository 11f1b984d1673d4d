import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class ListCodeListsQueryDto {
  @ApiPropertyOptional({
    description: 'Only the versions of this list (its canonical URI, without version).',
    example: 'urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staat',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  canonicalUri?: string;
}

export class CodeListDto {
  @ApiProperty({ example: 'urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staat_2024-08-01' })
  canonicalVersionUri!: string;
  @ApiProperty({ example: 'urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staat' })
  canonicalUri!: string;
  @ApiProperty({ example: '2024-08-01' })
  version!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'Staat' })
  shortName!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'Staatenliste (Destatis)' })
  longName!: string | null;
  @ApiProperty({ description: 'Number of rows (codes) in the list.', example: 197 })
  rowCount!: number;
  @ApiProperty({ description: 'Size of the genericode document in bytes.' })
  genericodeBytes!: number;
  @ApiProperty({ description: 'SHA-256 (hex) of the genericode document.' })
  genericodeSha256!: string;
  @ApiProperty({ example: 'http://127.0.0.1:4400|hb-catalog-admin' })
  uploadedBy!: string;
  @ApiProperty({ example: 'hb' })
  uploadedByTenant!: string;
  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: Date;
}

export class SchemaVersionRefDto {
  @ApiProperty({ example: 'S00000000362' })
  schemaId!: string;
  @ApiProperty({ example: '1.2.0' })
  version!: string;
}

export class CodeListDetailDto extends CodeListDto {
  @ApiProperty({
    type: [SchemaVersionRefDto],
    description:
      'Stored FIM schema versions that are pinned to this list version (it cannot be deleted while any are).',
  })
  usedBy!: SchemaVersionRefDto[];
}
