import { ACT_FOR_HEADER, contentDisposition, Public, SignedUrlQueryDto, UuidPipe } from '@amtsbote/platform';
import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
  StreamableFile,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiHeader,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { AccountInterceptor, CurrentAccount } from '../accounts/account.context';
import type { Account } from '../accounts/accounts.repository';
import {
  ListMessagesQuery,
  MessageDto,
  MessageListDto,
  PageQuery,
  ReplyDto,
  SubmissionListDto,
  TimelineDto,
  UnreadCountDto,
  UploadDto,
  UploadQuery,
} from './postkorb.dto';
import { type Download, PostkorbService } from './postkorb.service';
import { PostkorbRepliesService } from './replies.service';
import { PostkorbSubmissionsService } from './submissions.service';

/** The slice of Fastify's reply the controller needs (headers of a streamed download). */
interface HeaderReply {
  header(name: string, value: string | number): unknown;
}

/** The raw request body of an upload: the stream the pass-through content-type parser leaves in place. */
interface RawBodyRequest {
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

function streamed(reply: HeaderReply, d: Download): StreamableFile {
  reply.header('content-type', d.mediaType);
  reply.header('content-length', d.size);
  reply.header('content-disposition', contentDisposition(d.filename));
  reply.header('x-content-type-options', 'nosniff');
  // Even if a browser renders it, the file can run no script and reach nothing.
  reply.header('content-security-policy', "default-src 'none'; sandbox");
  reply.header('cache-control', 'private, no-store');
  return new StreamableFile(d.stream);
}

const ACT_FOR_DOC = {
  name: 'X-Act-For',
  required: false,
  description: 'Account key of an organisation the caller acts for (needs a valid mandate)',
};

@ApiTags('postkorb')
@ApiBearerAuth()
@ApiHeader(ACT_FOR_DOC)
@UseInterceptors(AccountInterceptor)
@Controller('postkorb')
export class PostkorbController {
  constructor(
    private readonly postkorb: PostkorbService,
    private readonly replies: PostkorbRepliesService,
    private readonly applications: PostkorbSubmissionsService,
  ) {}

  @Get('messages')
  @ApiOperation({ summary: 'Messages, newest first, with cursor paging and filters' })
  @ApiResponse({ status: 200, type: MessageListDto })
  async list(
    @CurrentAccount() account: Account,
    @Query() query: ListMessagesQuery,
    @Headers(ACT_FOR_HEADER) actFor?: string,
  ): Promise<MessageListDto> {
    return this.postkorb.list(await this.postkorb.access(account.key, actFor), query);
  }

  @Get('messages/unread-count')
  @ApiOperation({ summary: 'Number of unread messages' })
  @ApiResponse({ status: 200, type: UnreadCountDto })
  async unread(
    @CurrentAccount() account: Account,
    @Headers(ACT_FOR_HEADER) actFor?: string,
  ): Promise<UnreadCountDto> {
    return { unread: await this.postkorb.unreadCount(await this.postkorb.access(account.key, actFor)) };
  }

  @Get('messages/:messageId')
  @ApiOperation({ summary: 'One message with body and attachments; marks it read' })
  @ApiResponse({ status: 200, type: MessageDto })
  async read(
    @CurrentAccount() account: Account,
    @Param('messageId', UuidPipe) messageId: string,
    @Headers(ACT_FOR_HEADER) actFor?: string,
  ): Promise<MessageDto> {
    return this.postkorb.read(await this.postkorb.access(account.key, actFor), messageId);
  }

  @Post('messages/:messageId/unread')
  @HttpCode(204)
  @ApiOperation({ summary: 'Mark a message unread again' })
  async markUnread(
    @CurrentAccount() account: Account,
    @Param('messageId', UuidPipe) messageId: string,
    @Headers(ACT_FOR_HEADER) actFor?: string,
  ): Promise<void> {
    await this.postkorb.markUnread(await this.postkorb.access(account.key, actFor), messageId);
  }

  @Delete('messages/:messageId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a message (hidden at once, purged with its files later)' })
  async delete(
    @CurrentAccount() account: Account,
    @Param('messageId', UuidPipe) messageId: string,
    @Headers(ACT_FOR_HEADER) actFor?: string,
  ): Promise<void> {
    await this.postkorb.delete(await this.postkorb.access(account.key, actFor), messageId);
  }

  @Get('messages/:messageId/attachments/:attachmentId')
  @ApiOperation({ summary: 'Download an attachment (streamed)' })
  @ApiProduces('application/octet-stream')
  @ApiResponse({ status: 200, description: 'The file, with Content-Disposition: attachment (RFC 6266)' })
  async download(
    @CurrentAccount() account: Account,
    @Param('messageId', UuidPipe) messageId: string,
    @Param('attachmentId', UuidPipe) attachmentId: string,
    @Res({ passthrough: true }) reply: HeaderReply,
    @Headers(ACT_FOR_HEADER) actFor?: string,
  ): Promise<StreamableFile> {
    const access = await this.postkorb.access(account.key, actFor);
    return streamed(reply, await this.postkorb.download(access, messageId, attachmentId));
  }

  @Post('messages/:messageId/replies')
  @ApiOperation({ summary: "Answer an authority's message (text and uploaded attachments)" })
  @ApiResponse({ status: 201, type: MessageDto })
  async reply(
    @CurrentAccount() account: Account,
    @Param('messageId', UuidPipe) messageId: string,
    @Body() body: ReplyDto,
    @Headers(ACT_FOR_HEADER) actFor?: string,
  ): Promise<MessageDto> {
    const access = await this.postkorb.access(account.key, actFor);
    return this.replies.reply(access, account.key, actFor, messageId, body);
  }

  @Post('uploads')
  @ApiOperation({
    summary: 'Upload a file for a reply: the raw bytes as body, the media type as Content-Type',
  })
  @ApiConsumes('application/pdf', 'image/jpeg', 'image/png', 'text/plain')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiResponse({ status: 201, type: UploadDto })
  async upload(
    @CurrentAccount() account: Account,
    @Query() query: UploadQuery,
    @Req() request: RawBodyRequest,
    @Headers(ACT_FOR_HEADER) actFor?: string,
  ): Promise<UploadDto> {
    const access = await this.postkorb.access(account.key, actFor);
    const header = (name: string) => {
      const value = request.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const length = header('content-length');
    return this.replies.upload(
      access,
      account.key,
      query.filename,
      header('content-type'),
      length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined,
      request.body,
    );
  }

  @Get('submissions')
  @ApiOperation({ summary: 'Applications (Vorgänge) with their current citizen-facing status' })
  @ApiResponse({ status: 200, type: SubmissionListDto })
  async submissions(
    @CurrentAccount() account: Account,
    @Query() query: PageQuery,
    @Headers(ACT_FOR_HEADER) actFor?: string,
  ): Promise<SubmissionListDto> {
    return this.applications.submissions(await this.postkorb.access(account.key, actFor), query);
  }

  @Get('submissions/:submissionId/timeline')
  @ApiOperation({ summary: 'The full story of one application, oldest first' })
  @ApiResponse({ status: 200, type: TimelineDto })
  async timeline(
    @CurrentAccount() account: Account,
    @Param('submissionId', UuidPipe) submissionId: string,
    @Headers(ACT_FOR_HEADER) actFor?: string,
  ): Promise<TimelineDto> {
    return this.applications.timeline(await this.postkorb.access(account.key, actFor), submissionId);
  }
}

/** Signed links for routing to fetch a reply's attachments; the signature is the authorisation. */
@ApiTags('postkorb')
@Controller('files')
export class SignedFilesController {
  constructor(private readonly postkorb: PostkorbService) {}

  @Public()
  @Get(':fileId')
  @ApiOperation({ summary: 'Fetch a reply attachment through its short-lived signed URL' })
  @ApiProduces('application/octet-stream')
  async fetch(
    @Param('fileId', UuidPipe) fileId: string,
    @Query() query: SignedUrlQueryDto,
    @Res({ passthrough: true }) reply: HeaderReply,
  ): Promise<StreamableFile> {
    return streamed(reply, await this.postkorb.signedDownload(fileId, query.expires, query.signature));
  }
}
