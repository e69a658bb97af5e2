import { AppError, ForbiddenError, NotFoundError, UnauthenticatedError } from './errors.ts';

/**
 * For a form handler: the error to show next to the form (bad input, a rule refusing the
 * action), or rethrows what must become an error page (no right, not found, internal).
 */
export function formError(error: unknown): AppError {
  if (
    error instanceof AppError &&
    error.status < 500 &&
    !(error instanceof UnauthenticatedError) &&
    !(error instanceof ForbiddenError) &&
    !(error instanceof NotFoundError) &&
    error.code !== 'csrf' &&
    error.code !== 'second_factor_required' &&
    error.code !== 'too_many_requests'
  ) {
    return error;
  }
  throw error;
}

/** A local path to go back to after signing in; anything else (other sites) is ignored. */
export function safeReturnPath(value: unknown, fallback = '/espace'): string {
  if (typeof value !== 'string') return fallback;
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback;
  if (/[\r\n]/.test(value)) return fallback;
  return value;
}

/** Reads one string field of a parsed form body. */
export function field(body: unknown, name: string): string {
  if (body && typeof body === 'object' && name in body) {
    const v = (body as Record<string, unknown>)[name];
    if (typeof v === 'string') return v;
  }
  return '';
}

/** One sentence for a flash message: the field problems when there are, else the message. */
export function errorSentence(error: AppError): string {
  const fields = Object.values(error.fieldErrors);
  return fields.length > 0 ? fields.join(' ') : error.userMessage;
}
