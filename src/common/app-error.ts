/**
 * Base of every module's error class. Each module declares its own code enum and subclass; the single
 * DomainExceptionFilter maps (module, code) to an HTTP status with an exhaustive switch.
 */
export abstract class AppError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export function assertNever(value: never): never {
  throw new Error(`unhandled error code: ${String(value)}`);
}
