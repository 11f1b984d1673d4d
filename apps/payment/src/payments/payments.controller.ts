import { ACT_FOR_HEADER, CurrentPrincipal, type Principal, UuidPipe } from '@amtsbote/platform';
import { Body, Controller, Get, Headers, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PaymentDto, StartPaymentDto } from './payments.dto';
import { PaymentsService } from './payments.service';

const actForHeader = {
  name: 'X-Act-For',
  required: false,
  description: 'Key of the organisation the caller acts for (needs a mandate)',
};

@ApiTags('payments')
@ApiBearerAuth()
@Controller('submissions/:submissionId/payment')
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Get()
  @ApiOperation({ summary: 'The payment of a submission: whether a fee is due, its state and the pay page' })
  @ApiHeader(actForHeader)
  @ApiResponse({ status: 200, type: PaymentDto })
  @ApiResponse({ status: 404, description: 'Unknown (yet), or not the caller’s submission' })
  view(
    @Param('submissionId', UuidPipe) submissionId: string,
    @CurrentPrincipal() principal: Principal,
    @Headers(ACT_FOR_HEADER) actFor?: string,
  ): Promise<PaymentDto> {
    return this.payments.view(submissionId, { principal, actFor });
  }

  @Post()
  @ApiOperation({
    summary:
      'Start paying: opens the transaction at the provider (or returns the open one) with its redirect URL',
    description:
      'Idempotent: a second call returns the open transaction (200); concurrent calls open one. The amount comes from the fee schedule only.',
  })
  @ApiHeader(actForHeader)
  @ApiResponse({ status: 201, type: PaymentDto, description: 'Opened now' })
  @ApiResponse({ status: 200, type: PaymentDto, description: 'Was open already' })
  @ApiResponse({ status: 409, description: 'No fee due, paid, failed, cancelled or expired' })
  @ApiResponse({ status: 502, description: 'The provider refused' })
  @ApiResponse({ status: 503, description: 'Provider unreachable or not configured; nothing was created' })
  async start(
    @Param('submissionId', UuidPipe) submissionId: string,
    @Body() body: StartPaymentDto,
    @CurrentPrincipal() principal: Principal,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers(ACT_FOR_HEADER) actFor?: string,
  ): Promise<PaymentDto> {
    const baseUrl = `${req.protocol}://${req.host}`;
    const { payment, created } = await this.payments.start(
      submissionId,
      { principal, actFor },
      body,
      baseUrl,
    );
    void reply.status(created ? 201 : 200);
    return payment;
  }
}
