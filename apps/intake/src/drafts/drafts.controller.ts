import { BodyLimit, OptionalAuth, UuidPipe } from '@amtsbote/platform';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Caller } from '../common/access.service';
import { CurrentCaller } from '../common/caller.decorator';
import { APPLICATION_BODY_LIMIT } from '../common/body-limits';
import { ACT_FOR_HEADER_DOC, ApiProblems } from '../common/openapi';
import { CreateDraftDto, DraftDto, UpdateDraftDto } from './drafts.dto';
import { DraftsService } from './drafts.service';

const DRAFT_TOKEN_DOC = ApiHeader({
  name: 'X-Draft-Token',
  required: false,
  description: 'Anonymous drafts: the `accessToken` returned when the draft was created.',
});

@ApiTags('drafts')
@ApiBearerAuth()
@ACT_FOR_HEADER_DOC
@Controller('drafts')
export class DraftsController {
  constructor(private readonly drafts: DraftsService) {}

  @Post()
  @BodyLimit(APPLICATION_BODY_LIMIT)
  @OptionalAuth()
  @ApiOperation({
    summary: 'Start a draft for a Leistung',
    description:
      'Signed in: the draft belongs to the account (or, with `X-Act-For`, to the represented organisation). ' +
      'Without login only for Leistungen with `anonymousAllowed`; the answer then carries an `accessToken` once — keep it, it is the only key to the draft. ' +
      'The data is checked leniently: `fieldErrors` lists what is wrong so far, missing required fields are not reported yet.',
  })
  @ApiCreatedResponse({ type: DraftDto })
  @ApiProblems(400, 401, 403, 404, 429)
  create(@Body() body: CreateDraftDto, @CurrentCaller() caller: Caller): Promise<DraftDto> {
    return this.drafts.create(caller, body);
  }

  @Get()
  @ApiOperation({ summary: "The caller's live drafts (or the represented organisation's with X-Act-For)" })
  @ApiOkResponse({ type: [DraftDto] })
  @ApiProblems(401, 404)
  list(@CurrentCaller() caller: Caller): Promise<DraftDto[]> {
    return this.drafts.list(caller);
  }

  @Get(':draftId')
  @OptionalAuth()
  @DRAFT_TOKEN_DOC
  @ApiOperation({ summary: 'Read a draft (owner, representative or draft token only)' })
  @ApiOkResponse({ type: DraftDto })
  @ApiProblems(401, 404)
  get(@Param('draftId', UuidPipe) draftId: string, @CurrentCaller() caller: Caller): Promise<DraftDto> {
    return this.drafts.get(caller, draftId);
  }

  @Put(':draftId')
  @BodyLimit(APPLICATION_BODY_LIMIT)
  @OptionalAuth()
  @DRAFT_TOKEN_DOC
  @ApiOperation({
    summary: 'Save the draft’s data (replaces it; partial data allowed)',
    description: 'Returns the draft with the field errors found so far and the extended expiry.',
  })
  @ApiOkResponse({ type: DraftDto })
  @ApiProblems(400, 401, 403, 404)
  update(
    @Param('draftId', UuidPipe) draftId: string,
    @Body() body: UpdateDraftDto,
    @CurrentCaller() caller: Caller,
  ): Promise<DraftDto> {
    return this.drafts.update(caller, draftId, body);
  }

  @Delete(':draftId')
  @OptionalAuth()
  @DRAFT_TOKEN_DOC
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete the draft and its attachments' })
  @ApiNoContentResponse()
  @ApiProblems(401, 404)
  async remove(@Param('draftId', UuidPipe) draftId: string, @CurrentCaller() caller: Caller): Promise<void> {
    await this.drafts.delete(caller, draftId);
  }
}
