import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsObject, ValidateIf, ValidateNested } from 'class-validator';

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
