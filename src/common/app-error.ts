/**
 * Base of every module's error class. Each module declares its own code enum and a subclass that carries the
 * code → HTTP status table for it, so the one filter in `common/` answers any module's error without knowing
 * the module. A table typed `Record<Code, number>` makes a new code without a status a compile error.
 */
export abstract class AppError<Code extends string = string> extends Error {
  protected abstract readonly statusByCode: Readonly<Record<Code, number>>;

  constructor(
    readonly code: Code,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }

  /** The HTTP status of this error's code; a code missing from the table is a programming error (a 500). */
  get status(): number {
    const status = this.statusByCode[this.code];
    if (status === undefined) throw new Error(`no HTTP status mapping for ${this.name} code ${this.code}`);
    return status;
  }
}
