import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, Length, Matches, MaxLength, ValidateIf } from 'class-validator';

export class AccountDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({
    description:
      'The account key `<issuer>|<subject>`: how other services and mandates refer to this account',
    example: 'https://id.bund.de|3f2a9c',
  })
  key!: string;

  @ApiProperty({ enum: ['person', 'organisation'] })
  kind!: 'person' | 'organisation';

  @ApiProperty({
    description: 'Chosen display name, else the name from the identity provider',
    nullable: true,
  })
  displayName!: string | null;

  @ApiProperty({
    description: 'Trust level (STORK-QAA 0–4) of the most recent login',
    minimum: 0,
    maximum: 4,
  })
  trustLevel!: number;

  @ApiProperty({ description: 'Confirmed contact address for notifications', nullable: true, type: String })
  email!: string | null;

  @ApiProperty({
    description: 'Address waiting for confirmation through the link sent to it',
    nullable: true,
    type: String,
  })
  emailPending!: string | null;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: Date;

  @ApiProperty({ type: String, format: 'date-time' })
  lastSeenAt!: Date;
}

export class UpdateAccountDto {
  @ApiPropertyOptional({
    description: 'Display name; null returns to the name from the identity provider',
    nullable: true,
    maxLength: 200,
  })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsString()
  @Length(1, 200)
  // eslint-disable-next-line no-control-regex
  @Matches(/^[^\u0000-\u001f\u007f]*$/, { message: 'displayName must not contain control characters' })
  displayName?: string | null;

  @ApiPropertyOptional({
    description:
      'Contact e-mail for notifications. A new address gets a confirmation link and is used only once confirmed; null removes it.',
    nullable: true,
    maxLength: 254,
  })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsEmail({ allow_display_name: false, require_tld: false })
  @MaxLength(254)
  email?: string | null;
}

export class ConfirmEmailDto {
  @ApiProperty({ description: 'The token from the confirmation link' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'token is not a confirmation token' })
  token!: string;
}

export class EmailConfirmedDto {
  @ApiProperty()
  confirmed!: true;
}
