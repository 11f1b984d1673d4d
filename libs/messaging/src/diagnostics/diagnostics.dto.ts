import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class SendEchoDto {
  @ApiProperty({
    description: 'Free text carried by the probe event',
    maxLength: 200,
    example: 'hello backbone',
  })
  @IsString()
  @MaxLength(200)
  message!: string;
}

export class EchoSentDto {
  @ApiProperty({ format: 'uuid' })
  echoId!: string;
}

export class EchoRecordDto {
  @ApiProperty({ format: 'uuid' })
  echoId!: string;
  @ApiProperty()
  service!: string;
  @ApiProperty({ enum: ['sent', 'received'] })
  direction!: 'sent' | 'received';
  @ApiProperty()
  message!: string;
  @ApiProperty({ type: String, format: 'date-time' })
  at!: Date;
}
