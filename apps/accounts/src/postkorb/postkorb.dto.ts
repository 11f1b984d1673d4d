import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { CITIZEN_STATUSES, MESSAGE_CATEGORIES, OUTCOMES } from './postkorb.model';

export class SenderDto {
  @ApiProperty({ enum: ['authority', 'service', 'citizen'] })
  kind!: 'authority' | 'service' | 'citizen';
  @ApiProperty({ description: 'Authority name, the online service, or the account that replied' })
  name!: string;
}

export class AttachmentDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty()
  filename!: string;
  @ApiProperty()
  mediaType!: string;
  @ApiProperty({ description: 'Bytes' })
  size!: number;
  @ApiProperty({ description: 'SHA-512, lowercase hex' })
  sha512!: string;
  @ApiProperty({
    enum: ['pending', 'stored', 'failed'],
    description: 'pending: still being fetched from the authority; failed: could not be fetched',
  })
  state!: 'pending' | 'stored' | 'failed';
}

export class MessageSummaryDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ enum: ['in', 'out'], description: 'in: to the citizen; out: a reply the citizen sent' })
  direction!: 'in' | 'out';
  @ApiProperty({ enum: MESSAGE_CATEGORIES })
  category!: (typeof MESSAGE_CATEGORIES)[number];
  @ApiProperty({ type: SenderDto })
  sender!: SenderDto;
  @ApiProperty({ description: 'Subject (German, or as the authority wrote it)' })
  subject!: string;
  @ApiProperty({ nullable: true, type: String, description: 'English subject, where the service wrote one' })
  subjectEn!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  submissionId!: string | null;
  @ApiProperty({ nullable: true, type: String })
  vorgangsnummer!: string | null;
  @ApiProperty({ enum: CITIZEN_STATUSES, nullable: true, description: 'Citizen status this message reports' })
  status!: (typeof CITIZEN_STATUSES)[number] | null;
  @ApiProperty({ enum: OUTCOMES, nullable: true })
  outcome!: (typeof OUTCOMES)[number] | null;
  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  readAt!: Date | null;
  @ApiProperty()
  attachmentCount!: number;
  @ApiProperty({ description: 'An authority message the citizen can answer' })
  replyable!: boolean;
}

export class MessageDto extends MessageSummaryDto {
  @ApiProperty({ description: 'Plain text body (German, or as the authority wrote it)' })
  body!: string;
  @ApiProperty({ nullable: true, type: String, description: 'English body, where the service wrote one' })
  bodyEn!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Sanitised HTML of an authority message that came as HTML (safe to render)',
  })
  bodyHtml!: string | null;
  @ApiProperty({ type: [AttachmentDto] })
  attachments!: AttachmentDto[];
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'For a reply: the message answered',
  })
  inReplyTo!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'For a reply sent by a representative: the account key of who acted',
  })
  actedByKey!: string | null;
}

export class MessageListDto {
  @ApiProperty({ type: [MessageSummaryDto] })
  items!: MessageSummaryDto[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as `cursor` for the next page; null at the end',
  })
  nextCursor!: string | null;
}

export class ListMessagesQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: only unread; false: only read' })
  @IsOptional()
  @IsIn(['true', 'false'])
  unread?: 'true' | 'false';

  @ApiPropertyOptional({ enum: MESSAGE_CATEGORIES })
  @IsOptional()
  @IsIn(MESSAGE_CATEGORIES)
  category?: (typeof MESSAGE_CATEGORIES)[number];

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  submissionId?: string;
}

export class PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class UnreadCountDto {
  @ApiProperty()
  unread!: number;
}

export class ReplyDto {
  @ApiProperty({ minLength: 1, maxLength: 10000, description: 'Plain text' })
  @IsString()
  @MinLength(1)
  @MaxLength(10000)
  text!: string;

  @ApiPropertyOptional({ type: [String], description: 'Ids of uploads (POST /postkorb/uploads) to attach' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  attachmentIds?: string[];
}

export class UploadQuery {
  @ApiProperty({ description: 'File name (URL-encoded; umlauts welcome)', example: 'Nachweis Müller.pdf' })
  @IsString()
  @Length(1, 255)
  filename!: string;
}

export class UploadDto {
  @ApiProperty({ format: 'uuid', description: 'Pass in `attachmentIds` of a reply' })
  id!: string;
  @ApiProperty()
  filename!: string;
  @ApiProperty()
  mediaType!: string;
  @ApiProperty()
  size!: number;
  @ApiProperty()
  sha512!: string;
}

export class TimelineEntryDto {
  @ApiProperty({ type: String, format: 'date-time' })
  at!: Date;
  @ApiProperty({
    description: 'What happened, e.g. submission.submitted, payment.settled, routing.status.PROCESSING',
  })
  kind!: string;
  @ApiProperty({ enum: CITIZEN_STATUSES, nullable: true })
  status!: (typeof CITIZEN_STATUSES)[number] | null;
  @ApiProperty({ enum: OUTCOMES, nullable: true })
  outcome!: (typeof OUTCOMES)[number] | null;
  @ApiProperty({ description: '{ de, en }' })
  title!: { de: string; en: string };
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The Postkorb message, if one was written',
  })
  messageId!: string | null;
}

export class SubmissionDto {
  @ApiProperty({ format: 'uuid' })
  submissionId!: string;
  @ApiProperty()
  vorgangsnummer!: string;
  @ApiProperty({ nullable: true, type: String })
  leistungName!: string | null;
  @ApiProperty({ nullable: true, type: String })
  leikaKey!: string | null;
  @ApiProperty({ type: String, format: 'date-time' })
  submittedAt!: Date;
  @ApiProperty({ enum: CITIZEN_STATUSES, nullable: true })
  status!: (typeof CITIZEN_STATUSES)[number] | null;
  @ApiProperty({ enum: OUTCOMES, nullable: true })
  outcome!: (typeof OUTCOMES)[number] | null;
  @ApiProperty({ nullable: true, type: String, description: 'Who submitted, when a representative did' })
  actedByKey!: string | null;
}

export class SubmissionListDto {
  @ApiProperty({ type: [SubmissionDto] })
  items!: SubmissionDto[];
  @ApiProperty({ nullable: true, type: String })
  nextCursor!: string | null;
}

export class TimelineDto extends SubmissionDto {
  @ApiProperty({ type: [TimelineEntryDto] })
  entries!: TimelineEntryDto[];
}
