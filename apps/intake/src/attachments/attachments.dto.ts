import { ApiProperty } from '@nestjs/swagger';

export class AttachmentDto {
  @ApiProperty({
    format: 'uuid',
    description: 'Put this as `attachmentId` into the file field of the form data.',
  })
  attachmentId!: string;
  @ApiProperty({ example: 'nachweis.pdf' })
  filename!: string;
  @ApiProperty({ description: 'Detected from the file bytes.', example: 'application/pdf' })
  mediaType!: string;
  @ApiProperty({ description: 'Bytes', example: 48213 })
  size!: number;
  @ApiProperty({ description: 'SHA-512 of the content, lowercase hex' })
  sha512!: string;
  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: Date;
}

export class UploadAttachmentBodyDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'The file (one part named `file`).' })
  file!: unknown;
}
