/**
 * The one error taxonomy. Each error has a stable code (for API clients and logs), an HTTP
 * status and a French message fit to show to the person. Anything else is an internal error
 * whose details never leave the server.
 */
export type FieldErrors = Record<string, string>;

export class AppError extends Error {
  /** More facts for API clients (problem+json members), e.g. the candidates of an ambiguous name. */
  extra: Record<string, unknown> = {};

  constructor(
    readonly code: string,
    readonly status: number,
    /** French, plain, shown to the user. */
    readonly userMessage: string,
    readonly fieldErrors: FieldErrors = {},
  ) {
    super(userMessage);
    this.name = new.target.name;
  }
}

/** Adds problem+json members for API clients; pages ignore them. */
export function withDetails<E extends AppError>(error: E, extra: Record<string, unknown>): E {
  error.extra = { ...error.extra, ...extra };
  return error;
}

export class ValidationError extends AppError {
  constructor(fieldErrors: FieldErrors, message = 'Certaines informations sont à corriger.') {
    super('validation', 400, message, fieldErrors);
  }
}

export class NotFoundError extends AppError {
  constructor(message = "Cette page n'existe pas ou plus.") {
    super('not_found', 404, message);
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'Connectez-vous pour accéder à cette page.') {
    super('unauthenticated', 401, message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = "Vous n'avez pas les droits pour faire cette action.") {
    super('forbidden', 403, message);
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string, fieldErrors: FieldErrors = {}) {
    super(code, 409, message, fieldErrors);
  }
}

/** A domain rule refuses the action (expired link, already used…). */
export class RuleError extends AppError {
  constructor(code: string, message: string, status = 422) {
    super(code, status, message);
  }
}

export class CsrfError extends AppError {
  constructor() {
    super(
      'csrf',
      403,
      "Le formulaire a expiré ou ne vient pas de ce site. Rechargez la page et recommencez : rien n'a été enregistré.",
    );
  }
}

export class TooManyRequestsError extends AppError {
  constructor(message = 'Trop de tentatives. Patientez quelques minutes avant de réessayer.') {
    super('too_many_requests', 429, message);
  }
}
