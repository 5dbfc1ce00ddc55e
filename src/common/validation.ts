import { applyDecorators } from '@nestjs/common';
import { plainToInstance, Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsObject, ValidateIf, ValidateNested } from 'class-validator';

/** Largest value of a PostgreSQL `integer` column: integer fields stored in one are capped here. */
export const INT32_MAX = 2_147_483_647;

/**
 * May be left out, but is not nullable: unlike class-validator's IsOptional, an explicit `null` is validated
 * (and refused by the type check that follows), so no service ever sees a null it did not expect.
 */
export const Optional = () => ValidateIf((_object: object, value: unknown) => value !== undefined);

/** A nested object field: refuses null, arrays and scalars with a message before validating the inside. */
export const NestedObject = (type: () => new () => object) =>
  applyDecorators(
    IsObject({ message: ({ property }) => `${property} must be an object` }),
    ValidateNested(),
    Type(type),
  );

const isPlainObject = (v: unknown): v is object => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A short array of nested objects (tiers, links). Only plain objects become instances to validate, and only the
 * first maxSize + 1 elements are kept: a 10,000-element array, or an array where an object belongs, is refused
 * by the size and type checks without validating 10,000 nested objects first (seconds of event loop).
 */
export const NestedArray = (type: () => new () => object, maxSize: number) =>
  applyDecorators(
    IsArray(),
    ArrayMaxSize(maxSize),
    ValidateNested({ each: true }),
    Transform(({ value }: { value: unknown }) =>
      Array.isArray(value)
        ? value.slice(0, maxSize + 1).map((v: unknown) => (isPlainObject(v) ? plainToInstance(type(), v) : null))
        : value,
    ),
  );
