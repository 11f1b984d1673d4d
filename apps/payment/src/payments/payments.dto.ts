import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

export class StartPaymentDto {
  @ApiProperty({
    required: false,
    description:
      "Where the citizen's browser goes after the provider (and our status check): a URL of the portal. " +
      'Its origin must be listed in PAYMENT_RETURN_URL_ORIGINS. `payment=<state>` and `submissionId` are appended.',
    example: 'https://portal.example.de/antraege/zahlung',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  returnUrl?: string;
}

export const PAYMENT_VIEW_STATES = [
  'NOT_REQUIRED',
  'INITIAL',
  'PAYED',
  'FAILED',
  'CANCELED',
  'EXPIRED',
] as const;
export type PaymentViewState = (typeof PAYMENT_VIEW_STATES)[number];

export class PaymentDto {
  @ApiProperty({ format: 'uuid' })
  submissionId!: string;

  @ApiProperty({ description: 'Whether a fee is due for this submission' })
  required!: boolean;

  @ApiProperty({
    enum: PAYMENT_VIEW_STATES,
    description:
      'INITIAL: open (pay at redirectUrl). PAYED/FAILED/CANCELED/EXPIRED: final, as the provider confirmed',
  })
  state!: PaymentViewState;

  @ApiProperty({ required: false, format: 'uuid' })
  transactionId?: string;

  @ApiProperty({
    required: false,
    description: 'The Gebühr in cents, fixed by the tenant (never by the portal)',
  })
  amountCents?: number;

  @ApiProperty({ required: false, enum: ['EUR'] })
  currency?: 'EUR';

  @ApiProperty({ required: false })
  purpose?: string;

  @ApiProperty({ required: false })
  description?: string;

  @ApiProperty({ required: false, type: String, format: 'date-time' })
  expiresAt?: Date;

  @ApiProperty({ required: false, description: "The provider's pay page; present while the payment is open" })
  redirectUrl?: string;

  @ApiProperty({ required: false, description: 'e.g. CREDITCARD, PAYPAL (once paid)' })
  paymentMethod?: string;

  @ApiProperty({ required: false, type: String, format: 'date-time' })
  paidAt?: Date;
}
