import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationPipe } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsDate, IsInt, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { buildProblem } from '../errors';
import { validationProblem } from '../errors/validation';
import { linearTransformer, MAX_REPORTED_UNKNOWN_PROPERTIES } from './dto-transformer';

class NameDto {
  @IsString()
  de!: string;
}

class FormDto {
  @IsString()
  tenant!: string;

  @ValidateNested()
  @Type(() => NameDto)
  name!: NameDto;

  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => NameDto)
  others?: NameDto[];

  @IsObject()
  data!: Record<string, unknown>;

  @IsOptional()
  @Type(() => Date)
  @IsDate()
  at?: Date;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  limit?: number;
}

const pipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  exceptionFactory: validationProblem,
  transformerPackage: linearTransformer,
});
const run = (value: unknown) => pipe.transform(value, { type: 'body', metatype: FormDto });

async function refusal(value: unknown): Promise<{ code: string; paths: string[]; detail?: string }> {
  try {
    await run(value);
  } catch (err) {
    const { doc } = buildProblem(err, undefined, 'c');
    return { code: doc.code, paths: (doc.errors ?? []).map((e) => e.path), detail: doc.details?.en };
  }
  throw new Error('not refused');
}

describe('linearTransformer', () => {
  it('builds the DTO: nested classes, @Type conversions, free-form data as sent', async () => {
    const data = { G1: { F1: 'Schmidt', F2: [{ F3: 1 }] } };
    const dto = (await run({
      tenant: 'hb',
      name: { de: 'x' },
      others: [{ de: 'y' }],
      data,
      at: '2026-01-02T03:04:05Z',
      limit: '7',
    })) as FormDto;
    assert.ok(dto instanceof FormDto);
    assert.ok(dto.name instanceof NameDto);
    assert.ok(dto.others?.[0] instanceof NameDto);
    assert.ok(dto.at instanceof Date);
    assert.equal(dto.limit, 7);
    assert.deepEqual(dto.data, data);
  });

  it('names unknown properties at every DTO level, with every other problem', async () => {
    const r = await refusal({
      tenant: 7,
      name: { de: 'x', en: 'y' },
      others: [{ de: 'y' }, { de: 'z', owner: 1 }],
      data: { anything: { goes: true } },
      ownerKey: 'ben',
    });
    assert.equal(r.code, 'validation-failed');
    assert.deepEqual(r.paths.sort(), ['/name/en', '/others/1/owner', '/ownerKey', '/tenant']);
  });

  it('refuses 100 000 unknown properties in one pass and names only the first few', async () => {
    const body: Record<string, unknown> = { tenant: 'hb', name: { de: 'x' }, data: {} };
    for (let i = 0; i < 100_000; i++) body[`k${i}`] = 1;
    const r = await refusal(body);
    assert.equal(r.paths.length, MAX_REPORTED_UNKNOWN_PROPERTIES);
    assert.match(r.detail ?? '', /100000 properties/);
  });

  it('passes form data of 100 000 keys through without copying it key by key', async () => {
    const data: Record<string, unknown> = {};
    for (let i = 0; i < 100_000; i++) data[`F${i}`] = i;
    const dto = (await run({ tenant: 'hb', name: { de: 'x' }, data })) as FormDto;
    assert.equal(dto.data, data);
  });

  it('still validates what it passes through', async () => {
    const r = await refusal({ tenant: 7, name: { de: 'x' }, data: 'nope' });
    assert.deepEqual(r.paths.sort(), ['/data', '/tenant']);
  });
});
