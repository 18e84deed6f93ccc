/** The closed set of error codes. Only the edges (HTTP, USSD, SMS, CLI) decide how each is shown. */
export type ErrorCode =
  | 'invalid_input'
  | 'invalid_reference'
  | 'not_found'
  | 'unauthenticated'
  | 'totp_required'
  | 'forbidden'
  | 'conflict'
  | 'invalid_transition'
  | 'transfer_limit'
  | 'rate_limited'
  | 'locked';

export interface FieldProblem {
  field: string;
  problem: string;
}

export class AppError extends Error {
  /** A message-catalogue key (src/i18n) for the citizen's language, with its values; the English message stands otherwise. */
  key?: { id: string; values?: Record<string, string | number> };

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> | FieldProblem[] = {},
  ) {
    super(message);
    this.name = 'AppError';
  }

  translatable(id: string, values?: Record<string, string | number>): this {
    this.key = values ? { id, values } : { id };
    return this;
  }
}

export const invalidInput = (field: string, problem: string) =>
  new AppError('invalid_input', `${field}: ${problem}`, [{ field, problem }]);

export const notFound = (what: string) => new AppError('not_found', `${what} was not found`);

export const forbidden = (message = 'You may not do this') => new AppError('forbidden', message);
