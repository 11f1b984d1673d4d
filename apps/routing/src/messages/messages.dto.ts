import { ApiProperty } from '@nestjs/swagger';

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
  @ApiProperty({
    enum: ['BUILDING', 'SENDING', 'AVAILABLE', 'DELIVERED', 'DEAD', 'REJECTED', 'EXPIRED', 'ABANDONED'],
  })
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
