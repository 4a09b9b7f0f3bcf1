/** A problem with what the user gave us: printed without a stack, exit code 2. */
export class UserError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'UserError';
  }
}

/** A deliberate exit with a code (1: violations found). */
export class ExitError extends Error {
  constructor(readonly code: number, message = '') {
    super(message);
    this.name = 'ExitError';
  }
}

/** A bug in Bulkhead itself. */
export class InternalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InternalError';
  }
}
