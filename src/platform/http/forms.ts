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

const RETURN_BASE = 'http://passerelle.invalid';
/** Control characters, spaces, backslashes: browsers strip or reinterpret them in a Location. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
const UNSAFE_IN_RETURN = /[\u0000-\u0020\u007f-\u009f\\\u00a0\u1680\u2000-\u200f\u2028\u2029\u202f\u205f\u3000\ufeff]/u;

/**
 * The one place that decides where to send someone back to after signing in (password, second
 * factor, OpenID Connect, or already signed in): a path of this site, or `fallback`.
 * Refused, whatever the level of percent-encoding: anything not starting with a single `/`,
 * control characters and spaces (browsers drop a tab: `/\t/host` is `//host`), backslashes
 * (read as `/`), encoded slashes, backslashes, controls or spaces in the path (`/%2F/host`),
 * malformed encoding, and anything longer than 2,000 characters. What is kept is returned as the URL
 * parser normalises it (non-ASCII percent-encoded), so it is always a valid header value.
 */
export function safeReturnPath(value: unknown, fallback = '/espace'): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2000) return fallback;
  if (UNSAFE_IN_RETURN.test(value)) return fallback;
  // Decoded, only the path decides where a browser goes: `?q=a%20b` stays allowed.
  let layer = value.split(/[?#]/, 1)[0] as string;
  for (let depth = 0; depth < 4; depth++) {
    if (!layer.startsWith('/') || layer.startsWith('//') || UNSAFE_IN_RETURN.test(layer)) return fallback;
    let decoded: string;
    try {
      decoded = decodeURIComponent(layer);
    } catch {
      return fallback;
    }
    if (decoded === layer) break;
    if (depth === 3) return fallback; // encoded more times than any link of ours is
    layer = decoded;
  }
  let url: URL;
  try {
    url = new URL(value, RETURN_BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== RETURN_BASE) return fallback;
  const path = url.pathname + url.search + url.hash;
  return path.startsWith('/') && !path.startsWith('//') ? path : fallback;
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
