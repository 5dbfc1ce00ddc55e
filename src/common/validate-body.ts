import { BadRequestException } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';

/** The global ValidationPipe's rules, for routes that read a body themselves (JSON or multipart on one route). */
export async function validateBody<T extends object>(type: new () => T, body: unknown): Promise<T> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequestException('expected a JSON object body');
  }
  const instance = plainToInstance(type, body);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) throw validationException(errors);
  return instance;
}

/** Messages listed in one 400: a 10k-element array of wrong things would otherwise answer 50k of them. */
const LISTED_MESSAGES = 20;

/** The 400 for failed validation: the first messages with their paths, and how many more there were. */
export function validationException(errors: ValidationError[]): BadRequestException {
  const messages: string[] = [];
  let more = 0;
  const walk = (list: ValidationError[], prefix: string) => {
    for (const e of list) {
      // As Nest's own pipe words them: a nested message is prefixed with the path of its parent.
      for (const m of Object.values(e.constraints ?? {})) {
        if (messages.length < LISTED_MESSAGES) messages.push(prefix ? `${prefix}.${m}` : m);
        else more++;
      }
      walk(e.children ?? [], prefix ? `${prefix}.${e.property}` : e.property);
    }
  };
  walk(errors, '');
  return new BadRequestException(more > 0 ? [...messages, `and ${more} more`] : messages);
}
