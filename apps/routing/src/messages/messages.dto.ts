import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { LimitQueryDto } from '../common/limit-query.dto';
import { DESTINATION_ID } from '../destinations/destinations.dto';
import { MESSAGE_STATES, type MessageState } from './messages.types';

/** A message as operators and Fachverfahren see it in lists (no contents). */
export class MessageSummaryDto {
  @ApiProperty({
    format: 'uuid',
    description: 'Stable across re-sends (xdomea ProzessID, XÖV nachrichtenUUID)',
  })
  messageId!: string;
  @ApiProperty({ enum: ['submission', 'citizen-reply'] }) kind!: string;
  @ApiProperty({ format: 'uuid' }) submissionId!: string;
  @ApiProperty() vorgangsnummer!: string;
  @ApiProperty() destinationId!: string;
  @ApiProperty() format!: string;
  @ApiProperty() channel!: string;
  @ApiProperty({ enum: MESSAGE_STATES })
  state!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) availableAt!: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deliveredAt!: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) fetchedAt!: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) nextAttemptAt!: Date | null;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
}

export class DeadLetterDto extends MessageSummaryDto {
  @ApiProperty({
    enum: ['INVALID_MESSAGE', 'TOO_LARGE', 'ATTACHMENT_UNAVAILABLE', 'REFUSED_BY_RECEIVER', 'UNDELIVERABLE'],
  })
  reason!: string;
  @ApiProperty({ type: String, format: 'date-time' }) deadAt!: Date;
  @ApiProperty({ type: Object, description: "The validator's or receiver's report" })
  report!: Record<string, unknown>;
}

export class ListMessagesQueryDto extends LimitQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  submissionId?: string;

  @ApiPropertyOptional({ example: 'hb-bewohnerparken' })
  @IsOptional()
  @Matches(DESTINATION_ID)
  destinationId?: string;

  @ApiPropertyOptional({ enum: MESSAGE_STATES })
  @IsOptional()
  @IsIn(MESSAGE_STATES)
  state?: MessageState;
}

export class DeadLettersQueryDto {
  @ApiPropertyOptional({ example: 'hb-bewohnerparken' })
  @IsOptional()
  @Matches(DESTINATION_ID)
  destinationId?: string;
}
