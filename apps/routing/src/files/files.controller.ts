import { ProblemException, Public, SignedUrlQueryDto, UuidPipe } from '@amtsbote/platform';
import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { FilesService } from './files.service';

@ApiTags('files')
@Public()
@Controller('files')
export class FilesController {
  constructor(private readonly files: FilesService) {}

  @Get(':id')
  @ApiOperation({ summary: 'A file (Bescheid attachment) through its signed, expiring URL' })
  async download(
    @Param('id', UuidPipe) id: string,
    @Query() query: SignedUrlQueryDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (!this.files.verify(id, query.expires, query.signature)) {
      throw ProblemException.forbidden({
        de: 'Der Link ist ungültig oder abgelaufen.',
        en: 'The link is invalid or has expired.',
      });
    }
    const found = await this.files.open(id);
    if (found === undefined) throw ProblemException.notFound({ de: 'Die Datei', en: 'The file' });
    const { file, content } = found;
    await reply
      .header('content-type', file.mediaType)
      .header('content-length', String(file.size))
      .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`)
      .header('x-content-sha512', file.sha512)
      .header('cache-control', 'private, no-store')
      .send(content);
  }
}
