import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBase64,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { DESTINATION_ID } from '../destinations/destinations.dto';
import { MESSAGE_KINDS, type MessageKind } from '../messages/messages.types';

export class ProblemItemDto {
  @ApiPropertyOptional({ example: 'invalid-schema' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  code?: string;

  @ApiProperty({ example: 'Fachdaten entsprechen nicht dem Schema' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  title!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  detail?: string;
}

export class RejectDto {
  @ApiProperty({ type: [ProblemItemDto] })
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => ProblemItemDto)
  problems!: ProblemItemDto[];
}

export const REPORTED_STATUSES = ['PROCESSING', 'ACTION_REQUIRED', 'COMPLETED', 'REJECTED'] as const;

export class StatusDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Idempotency: the same id again changes nothing' })
  @IsOptional()
  @IsUUID()
  statusId?: string;

  @ApiProperty({ enum: REPORTED_STATUSES })
  @IsIn(REPORTED_STATUSES)
  status!: (typeof REPORTED_STATUSES)[number];

  @ApiPropertyOptional({
    description: 'Text to the citizen; required for ACTION_REQUIRED and REJECTED',
    maxLength: 10000,
  })
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  message?: string;
}

export class ReplyAttachmentDto {
  @ApiProperty({ example: 'Bescheid.pdf' })
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  filename!: string;

  @ApiProperty({ example: 'application/pdf' })
  @Matches(/^[\w.+-]+\/[\w.+-]+$/)
  mediaType!: string;

  @ApiProperty({ description: 'The file, base64' })
  @IsBase64()
  content!: string;
}

export class ReplyDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Idempotency: the same id again changes nothing' })
  @IsOptional()
  @IsUUID()
  replyId?: string;

  @ApiProperty({ enum: ['BESCHEID', 'MESSAGE'] })
  @IsIn(['BESCHEID', 'MESSAGE'])
  kind!: 'BESCHEID' | 'MESSAGE';

  @ApiProperty({ maxLength: 255 })
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  subject!: string;

  @ApiProperty({ maxLength: 100000 })
  @IsString()
  @MaxLength(100000)
  body!: string;

  @ApiProperty({ type: [ReplyAttachmentDto] })
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ReplyAttachmentDto)
  attachments!: ReplyAttachmentDto[];
}

export class StateDto {
  @ApiProperty({ format: 'uuid' }) messageId!: string;
  @ApiProperty() state!: string;
}

export class StatusAcceptedDto {
  @ApiProperty({ format: 'uuid' }) statusId!: string;
  @ApiProperty({ description: 'false when this status id had been reported before (nothing changed)' })
  recorded!: boolean;
}

export class ReplyAcceptedDto {
  @ApiProperty({ format: 'uuid' }) replyId!: string;
  @ApiProperty({ description: 'false when this reply id had been posted before (nothing changed)' })
  recorded!: boolean;
  @ApiProperty({ type: [String], description: 'ids of the stored attachments' }) fileIds!: string[];
}

export class PendingQueryDto {
  @ApiPropertyOptional({ example: 'hb-bewohnerparken', description: 'Only this one of your destinations' })
  @IsOptional()
  @Matches(DESTINATION_ID)
  destinationId?: string;

  @ApiPropertyOptional({ enum: MESSAGE_KINDS })
  @IsOptional()
  @IsIn(MESSAGE_KINDS)
  kind?: MessageKind;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}
