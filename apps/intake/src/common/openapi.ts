import { applyDecorators } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiHeader,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  getSchemaPath,
} from '@nestjs/swagger';

export class BilingualDto {
  @ApiProperty({ example: 'Die Angaben sind unvollständig.' })
  de!: string;
  @ApiProperty({ example: 'The data is incomplete.' })
  en!: string;
}

export class FieldProblemDto {
  @ApiProperty({
    description: 'JSON Pointer (RFC 6901) into the request body, e.g. `/data/G00000630/F00000013`.',
    example: '/data/G00000630/F00000013',
  })
  path!: string;

  @ApiProperty({
    description:
      'Machine-readable code. FIM validation: `type`, `required`, `unknown_property`, `no_data`, `min_items`, `max_items`, `min_length`, `max_length`, `pattern`, `charset`, `format`, `minimum`, `maximum`, `currency`, `code`, `fixed_value`, `attachment`, `media_type`, `file_size`; intake: `attachment-not-found`, `attachment-limit`, `region-not-offered`; schema upload: the XDatenfelder parser codes.',
    example: 'required',
  })
  code!: string;

  @ApiProperty({ type: BilingualDto })
  message!: BilingualDto;

  @ApiPropertyOptional({
    description: 'FIM element id (field, group or schema) the problem belongs to.',
    example: 'F00000013',
  })
  elementId?: string;
}

/** RFC 9457 problem document as every error of the API is rendered (`application/problem+json`). */
export class ProblemDto {
  @ApiProperty({ example: 'https://amtsbote.de/problems/fim-validation-failed' })
  type!: string;
  @ApiProperty({ description: 'In the language of Accept-Language (German unless it asks for English).' })
  title!: string;
  @ApiProperty({ example: 422 })
  status!: number;
  @ApiPropertyOptional()
  detail?: string;
  @ApiPropertyOptional({ example: '/submissions' })
  instance?: string;
  @ApiProperty({ example: 'fim-validation-failed' })
  code!: string;
  @ApiProperty({ type: BilingualDto })
  titles!: BilingualDto;
  @ApiPropertyOptional({ type: BilingualDto })
  details?: BilingualDto;
  @ApiPropertyOptional({ type: [FieldProblemDto], description: 'Every field problem at once.' })
  errors?: FieldProblemDto[];
  @ApiProperty({ description: 'Equals the X-Request-Id response header; quote it in support requests.' })
  correlationId!: string;
}

const PROBLEM_TEXT: Record<number, string> = {
  400: 'Malformed request or invalid parameters (problem+json with `errors[]`).',
  401: 'No or an invalid bearer token.',
  403: 'Not allowed (role, tenant or trust level; `insufficient-trust-level` carries `requiredTrustLevel`).',
  404: 'Not found — also when it exists but belongs to someone else.',
  409: 'Conflicts with the current state.',
  410: 'Gone (e.g. an expired download link).',
  413: 'Too large (refused while streaming).',
  415: 'Unsupported media type (detected from the bytes).',
  422: 'Semantically invalid; `errors[]` lists every problem with its JSON Pointer path.',
  429: 'Too many requests, or an anonymous quota of the Leistung is used up; retry after `Retry-After` seconds.',
  503: 'A dependency (PostgreSQL) is briefly unavailable; retry after `Retry-After` seconds.',
};

/** Documents the problem+json answers of an operation (503 is always added). */
export function ApiProblems(...statuses: number[]): MethodDecorator & ClassDecorator {
  const all = [...new Set([...statuses, 503])];
  return applyDecorators(
    ApiExtraModels(ProblemDto),
    ...all.map((status) =>
      ApiResponse({
        status,
        description: PROBLEM_TEXT[status] ?? 'Problem',
        content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } } },
      }),
    ),
  );
}

export const ACT_FOR_HEADER_DOC = ApiHeader({
  name: 'X-Act-For',
  required: false,
  description:
    'Account key (`issuer|subject`) of the organisation the caller acts for. Needs a representation mandate (from accounts); without one the answer is 404.',
});
