import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheckService, type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth';
import { ReadinessRegistry, withTimeout } from './readiness';

@ApiExcludeController()
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly readiness: ReadinessRegistry,
  ) {}

  /** Liveness: the process answers. Never depends on Kafka or the database. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const checks = this.readiness.all().map((r) => async (): Promise<HealthIndicatorResult> => {
      const indicator = this.indicators.check(r.name);
      try {
        const result = await withTimeout(r.check(), 3000, r.name);
        return result.up ? indicator.up(result.details) : indicator.down(result.details);
      } catch (err) {
        return indicator.down({ message: err instanceof Error ? err.message : String(err) });
      }
    });
    try {
      const result = await this.health.check(checks);
      await reply.status(200).send(result);
    } catch (err) {
      const body =
        typeof err === 'object' && err !== null && 'getResponse' in err
          ? (err as { getResponse(): unknown }).getResponse()
          : { status: 'error' };
      await reply.status(503).header('Retry-After', '5').send(body);
    }
  }
}
