/**
 * The one error handler: domain errors and Fastify's own client errors become a French page
 * (HTML) or a problem+json document (under /api/); anything unexpected is logged with its
 * stack and shown as a generic message that reveals nothing of the internals.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, CsrfError, NotFoundError, UnauthenticatedError } from './errors.ts';
import { NulByteError } from './nul-byte.ts';
import { ResendTyped } from './nul-byte-page.tsx';

/** JSON schema types, in the words of the French error messages. */
const jsonTypeNames: Record<string, string> = {
  string: 'du texte',
  integer: 'un nombre entier',
  number: 'un nombre',
  boolean: 'vrai ou faux',
  object: 'un objet',
  array: 'une liste',
};

function fromFastifyError(error: FastifyError, uploadMaxBytes: number): AppError | undefined {
  const code = error.code;
  if (code === 'FST_CSRF_MISSING_SECRET' || code === 'FST_CSRF_INVALID_TOKEN') return new CsrfError();
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE' || code === 'FST_REQ_FILE_TOO_LARGE' || error.statusCode === 413) {
    const mb = Math.round(uploadMaxBytes / 1024 / 1024);
    return new AppError(
      'payload_too_large',
      413,
      `Le contenu envoyé est trop volumineux (au plus 1 Mo pour un formulaire, ${mb} Mo pour un fichier). Rien n'a été enregistré.`,
    );
  }
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || error.statusCode === 415) {
    return new AppError(
      'unsupported_media_type',
      415,
      "Ce type de contenu n'est pas accepté : envoyez un formulaire ou du JSON (Content-Type: application/json).",
    );
  }
  if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return new AppError('invalid_json', 400, "Le contenu JSON envoyé n'est pas lisible.");
  }
  if (error.validation) {
    const fields: Record<string, string> = {};
    for (const v of error.validation) {
      const name = (v.instancePath || '').replace(/^\//, '') || String(v.params?.missingProperty ?? 'requête');
      fields[name] =
        v.keyword === 'required'
          ? 'obligatoire'
          : v.keyword === 'maxLength'
            ? `${String(v.params?.limit)} caractères au plus`
            : v.keyword === 'type'
              ? `doit être ${jsonTypeNames[String(v.params?.type)] ?? 'd’un autre type'}`
              : 'valeur invalide';
    }
    return new AppError('validation', 400, 'Certains paramètres de la requête sont invalides.', fields);
  }
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') {
    return new AppError('invalid_multipart', 400, "Le formulaire d'envoi de fichier est incomplet.");
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new AppError('bad_request', error.statusCode, 'La requête est incorrecte.');
  }
  return undefined;
}

export function wantsJson(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/') || request.url.startsWith('/sante');
}

/**
 * For errors raised before any route runs (a URL the router refuses, so no hook ran): the same
 * problem+json under /api/, else a bare French page that loads nothing (CSP default-src 'none').
 */
export function sendEarlyError(request: FastifyRequest, reply: FastifyReply, error: AppError) {
  reply
    .header('content-security-policy', "default-src 'none'; frame-ancestors 'none'")
    .header('x-content-type-options', 'nosniff')
    .header('x-request-id', request.id);
  if (wantsJson(request)) return sendProblem(reply, error);
  return reply
    .status(error.status)
    .type('text/html; charset=utf-8')
    .send(
      `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${error.status === 414 ? 'Adresse trop longue' : 'Demande incorrecte'}</title></head><body><h1>${error.userMessage}</h1><p><a href="/">Retour à l'accueil</a></p></body></html>`,
    );
}

function sendProblem(reply: FastifyReply, error: AppError) {
  return reply
    .status(error.status)
    .type('application/problem+json; charset=utf-8')
    .send({
      type: `https://passerelle.example/erreurs/${error.code}`,
      title: error.userMessage,
      status: error.status,
      code: error.code,
      ...(Object.keys(error.fieldErrors).length > 0 ? { erreurs: error.fieldErrors } : {}),
      ...error.extra,
      requestId: reply.request.id,
    });
}

function sendPage(reply: FastifyReply, error: AppError) {
  const titles: Record<number, string> = {
    400: 'Demande incorrecte',
    401: 'Connexion nécessaire',
    403: 'Accès refusé',
    404: 'Page introuvable',
    409: 'Conflit',
    413: 'Contenu trop volumineux',
    422: 'Action impossible',
    429: 'Trop de tentatives',
    500: 'Erreur inattendue',
    503: 'Service indisponible',
  };
  const title = titles[error.status] ?? 'Erreur';
  return reply.page(
    { title, noindex: true },
    <div>
      <h1>{title}</h1>
      <p class="fr-text--lead">{error.userMessage}</p>
      {Object.keys(error.fieldErrors).length > 0 ? (
        <ul>
          {Object.entries(error.fieldErrors).map(([k, v]) => (
            <li>
              {k} : {v}
            </li>
          ))}
        </ul>
      ) : null}
      {error instanceof NulByteError && error.resend ? <ResendTyped resend={error.resend} /> : null}
      <p class="pa-muted">Référence de la demande : {reply.request.id}</p>
      <ul class="fr-btns-group fr-btns-group--inline-md">
        <li>
          <a class="fr-btn" href="/">
            Retour à l'accueil
          </a>
        </li>
        <li>
          <a class="fr-btn fr-btn--secondary" href="/lieux">
            Trouver un lieu d'aide
          </a>
        </li>
      </ul>
    </div>,
    error.status,
  );
}

export function registerErrorHandling(app: FastifyInstance, options: { uploadMaxBytes: number }) {
  app.setErrorHandler((rawError: FastifyError | AppError, request, reply) => {
    let error: AppError;
    if (rawError instanceof AppError) {
      error = rawError;
    } else {
      const mapped = fromFastifyError(rawError as FastifyError, options.uploadMaxBytes);
      if (mapped) {
        error = mapped;
      } else {
        request.log.error({ err: rawError }, 'unexpected error');
        error = new AppError(
          'internal',
          500,
          "Une erreur inattendue s'est produite. Rien n'a été enregistré. Réessayez dans un instant.",
        );
      }
    }
    if (error.status >= 400 && error.status < 500 && error.status !== 404) {
      request.log.info({ code: error.code, status: error.status }, 'request refused');
    }
    if (wantsJson(request)) return sendProblem(reply, error);
    if (error instanceof UnauthenticatedError && request.method === 'GET') {
      return reply.redirect(`/connexion?retour=${encodeURIComponent(request.url)}`);
    }
    if (error.code === 'second_factor_required') {
      reply.flash('warning', error.userMessage);
      return reply.redirect('/compte/double-authentification', 303);
    }
    return sendPage(reply, error);
  });

  app.setNotFoundHandler((request, reply) => {
    const error = new NotFoundError();
    if (wantsJson(request)) return sendProblem(reply, error);
    return sendPage(reply, error);
  });
}
