import type { TransformerPackage } from '@nestjs/common/interfaces/external/transformer-package.interface';
import {
  classToPlain,
  type ClassConstructor,
  type ClassTransformOptions,
  plainToInstance,
} from 'class-transformer';
import { getMetadataStorage, ValidationTypes } from 'class-validator';
import { type FieldProblem, ProblemException } from '../errors/problem';
import { escapePointer } from '../errors/validation';

// Not exported from class-transformer's entry point (see class-transformer-storage.d.ts).
import { defaultMetadataStorage as transformMetadata } from 'class-transformer/cjs/storage';

/**
 * Up to this many unknown properties go on to class-validator, which names them together with every other
 * problem of the request; more are refused at once, the first ones named and the count given.
 */
export const MAX_REPORTED_UNKNOWN_PROPERTIES = 20;

interface ClassShape {
  /** Properties class-validator knows (whitelisted). */
  allowed: ReadonlySet<string>;
  /** Properties holding instances of another DTO class (`@ValidateNested` with `@Type`). */
  nested: ReadonlyMap<string, () => ClassConstructor<object>>;
  /** Properties class-transformer has to see (typed, transformed, exposed or excluded ones). */
  transformed: ReadonlySet<string>;
}

const shapes = new WeakMap<ClassConstructor<object>, ClassShape>();

function shapeOf(cls: ClassConstructor<object>): ClassShape {
  let shape = shapes.get(cls);
  if (shape) return shape;
  const validations = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
  const allowed = new Set(validations.map((m) => m.propertyName));
  const validatesNested = new Set(
    validations.filter((m) => m.type === ValidationTypes.NESTED_VALIDATION).map((m) => m.propertyName),
  );
  const nested = new Map<string, () => ClassConstructor<object>>();
  const transformed = new Set<string>();
  for (const property of allowed) {
    const type = transformMetadata.findTypeMetadata(cls, property);
    if (type && validatesNested.has(property)) {
      nested.set(property, () => type.typeFunction() as ClassConstructor<object>);
    }
    if (
      type ||
      transformMetadata.findTransformMetadatas(cls, property, 1 /* PLAIN_TO_CLASS */).length > 0 ||
      transformMetadata.findExposeMetadata(cls, property) ||
      transformMetadata.findExcludeMetadata(cls, property)
    ) {
      transformed.add(property);
    }
  }
  shape = { allowed, nested, transformed };
  shapes.set(cls, shape);
  return shape;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Names the properties class-validator's whitelist would refuse, in one pass over the keys. With
 * `forbidNonWhitelisted` they would be refused anyway, but only after class-transformer has copied them, and
 * class-transformer makes an object's keys unique with `indexOf`: quadratic in their count (100 000 unknown
 * keys took 11 s). Only DTO objects are looked at, never free-form values such as form data.
 */
function unknownProperties(
  cls: ClassConstructor<object>,
  value: unknown,
  path: string,
  out: { paths: string[]; count: number },
): void {
  if (!isRecord(value)) return;
  const shape = shapeOf(cls);
  for (const key of Object.keys(value)) {
    if (!shape.allowed.has(key)) {
      out.count++;
      if (out.paths.length < MAX_REPORTED_UNKNOWN_PROPERTIES) out.paths.push(`${path}/${escapePointer(key)}`);
      continue;
    }
    const nested = shape.nested.get(key);
    if (nested === undefined) continue;
    const child = value[key];
    const items = Array.isArray(child) ? child : [child];
    items.forEach((item, i) =>
      unknownProperties(
        nested(),
        item,
        Array.isArray(child) ? `${path}/${escapePointer(key)}/${i}` : `${path}/${escapePointer(key)}`,
        out,
      ),
    );
  }
}

function unknownPropertiesProblem(found: { paths: string[]; count: number }): ProblemException {
  const errors: FieldProblem[] = found.paths.map((path) => {
    const name = path.slice(path.lastIndexOf('/') + 1);
    return {
      path,
      code: 'whitelistValidation',
      message: { de: `${name} ist nicht erlaubt.`, en: `${name} is not allowed.` },
    };
  });
  const more = found.count - found.paths.length;
  return ProblemException.badRequest(
    'validation-failed',
    { de: 'Die Anfrage enthält ungültige Angaben', en: 'The request contains invalid values' },
    errors,
    more > 0
      ? {
          de: `Die Anfrage enthält ${found.count} nicht erlaubte Angaben; die ersten ${found.paths.length} sind genannt.`,
          en: `The request contains ${found.count} properties that are not allowed; the first ${found.paths.length} are named.`,
        }
      : undefined,
  );
}

interface Detached {
  /** The DTO-level copy class-transformer gets: free-form values replaced by undefined. */
  skeleton: unknown;
  /** Puts the free-form values back onto the instance class-transformer made of the skeleton. */
  reattach: (instance: unknown) => void;
}

/**
 * Free-form values (form data, provider settings: no `@Type`, no transformation) pass through as parsed.
 * class-transformer would copy them key by key, quadratically per object (see above), to the same result.
 */
function detach(cls: ClassConstructor<object>, value: unknown): Detached {
  if (Array.isArray(value)) {
    const parts = value.map((item) => detach(cls, item));
    return {
      skeleton: parts.map((p) => p.skeleton),
      reattach: (instance) => {
        if (Array.isArray(instance)) parts.forEach((p, i) => p.reattach(instance[i]));
      },
    };
  }
  if (!isRecord(value)) return { skeleton: value, reattach: () => undefined };
  const shape = shapeOf(cls);
  const skeleton: Record<string, unknown> = { ...value };
  const freeForm: Array<[string, unknown]> = [];
  const children: Array<[string, Detached]> = [];
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (typeof v !== 'object' || v === null) continue;
    const nested = shape.nested.get(key);
    if (nested !== undefined) {
      const child = detach(nested(), v);
      skeleton[key] = child.skeleton;
      children.push([key, child]);
    } else if (!shape.transformed.has(key)) {
      skeleton[key] = undefined;
      freeForm.push([key, v]);
    }
  }
  return {
    skeleton,
    reattach: (instance) => {
      if (!isRecord(instance)) return;
      for (const [key, v] of freeForm) instance[key] = v;
      for (const [key, child] of children) child.reattach(instance[key]);
    },
  };
}

/**
 * The ValidationPipe's `transformerPackage`: class-transformer for what it is needed for (nested DTOs,
 * `@Type`, `@Transform`), in time linear in the size of the request. Many unknown properties are refused
 * before class-transformer sees them (a few are left to the whitelist), free-form values are left as parsed.
 */
export const linearTransformer: TransformerPackage = {
  plainToInstance<T>(cls: ClassConstructor<T>, plain: unknown, options?: ClassTransformOptions): T | T[] {
    const target = cls as unknown as ClassConstructor<object>;
    const found = { paths: [] as string[], count: 0 };
    const items = Array.isArray(plain) ? plain : [plain];
    items.forEach((item, i) => unknownProperties(target, item, Array.isArray(plain) ? `/${i}` : '', found));
    if (found.count > MAX_REPORTED_UNKNOWN_PROPERTIES) throw unknownPropertiesProblem(found);
    const { skeleton, reattach } = detach(target, plain);
    const instance = plainToInstance(cls, skeleton, options) as T | T[];
    reattach(instance);
    return instance;
  },
  classToPlain(object: unknown, options?: ClassTransformOptions): Record<string, unknown> {
    return classToPlain(object, options);
  },
};
