import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

/**
 * The query of a signed download URL. Malformed values are refused (400) before any signature is checked;
 * a missing or wrong signature is the signer's answer, not a validation error.
 */
export class SignedUrlQueryDto {
  @ApiPropertyOptional({ description: 'Unix time (seconds) the URL expires', example: '1767225600' })
  @IsOptional()
  @Matches(/^\d{1,12}$/)
  expires?: string;

  @ApiPropertyOptional({ description: 'Signature of file id and expiry' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,128}$/)
  signature?: string;
}
