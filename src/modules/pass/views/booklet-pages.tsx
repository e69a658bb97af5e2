/** Pages that guard the costly booklet operations: issuance confirmation, cancellation, search (ADR 0027). */
import { formatDateTime, formatEuros } from '../../../platform/print/index.ts';
import { Breadcrumb, ErrorSummary, InputField, PostForm, SelectField } from '../../../platform/views/components.tsx';
import type { CancellationPreview } from '../cancel-booklets.ts';
import type { IssuancePreview } from '../issue-booklets.ts';
import type { BookletRow, Programme } from '../programmes-repository.ts';

export function IssuanceConfirmation(props: { programme: Programme; preview: IssuancePreview; csrf: string }) {
  const { programme: p, preview: v } = props;
  return (
    <>
      <Breadcrumb
        items={[
          { label: 'Pass numérique', href: '/pass' },
          { label: p.name, href: `/pass/programmes/${p.id}` },
          { label: 'Confirmer l’émission' },
        ]}
      />
      <h1>Confirmer l’émission</h1>
      <div class="fr-alert fr-alert--warning fr-mb-3w" data-testid="confirmation-emission">
        <h2 class="fr-alert__title">Valeur totale : {formatEuros(v.totalCents)}</h2>
        <p>
          Vous allez émettre {v.count.toLocaleString('fr-FR')} carnet{v.count > 1 ? 's' : ''} (n° {v.first} à {v.last})
          de {p.vouchers_per_booklet} chèques de {formatEuros(p.face_value_cents)}, soit{' '}
          {v.vouchers.toLocaleString('fr-FR')} chèques. Chaque chèque imprimé vaut de l’argent : vérifiez le nombre
          avant de confirmer.
        </p>
      </div>
      <PostForm action={`/pass/programmes/${p.id}/emettre`} csrf={props.csrf}>
        <input type="hidden" name="count" value={String(v.count)} />
        <input type="hidden" name="confirme" value="oui" />
        <ul class="fr-btns-group fr-btns-group--inline-md">
          <li>
            <button class="fr-btn" type="submit">
              Confirmer l’émission de {formatEuros(v.totalCents)}
            </button>
          </li>
          <li>
            <a class="fr-btn fr-btn--secondary" href={`/pass/programmes/${p.id}`}>
              Annuler, ne rien émettre
            </a>
          </li>
        </ul>
      </PostForm>
    </>
  );
}

export function CancellationConfirmation(props: { programme: Programme; preview: CancellationPreview; csrf: string }) {
  const { programme: p, preview: v } = props;
  return (
    <>
      <Breadcrumb
        items={[
          { label: 'Pass numérique', href: '/pass' },
          { label: p.name, href: `/pass/programmes/${p.id}` },
          { label: 'Confirmer l’annulation' },
        ]}
      />
      <h1>Confirmer l’annulation de carnets</h1>
      <div class="fr-alert fr-alert--warning fr-mb-3w" data-testid="confirmation-annulation">
        <h2 class="fr-alert__title">
          {v.cancellable} carnet{v.cancellable > 1 ? 's' : ''} annulé{v.cancellable > 1 ? 's' : ''} (
          {formatEuros(v.valueCents)})
        </h2>
        <p>
          Les carnets n° {v.from} à {v.to} qui ne sont pas encore remis seront annulés : leurs chèques seront refusés
          avec le motif « carnet annulé ». Cette annulation est définitive.
          {v.handedOut > 0 ? ` ${v.handedOut} carnet(s) déjà remis ne sont pas touchés.` : ''}
          {v.alreadyCancelled > 0 ? ` ${v.alreadyCancelled} carnet(s) étaient déjà annulés.` : ''}
        </p>
      </div>
      <PostForm action={`/pass/programmes/${p.id}/annuler-carnets`} csrf={props.csrf}>
        <input type="hidden" name="de" value={String(v.from)} />
        <input type="hidden" name="a" value={String(v.to)} />
        <input type="hidden" name="confirme" value="oui" />
        <ul class="fr-btns-group fr-btns-group--inline-md">
          <li>
            <button class="fr-btn" type="submit">
              Annuler définitivement ces carnets
            </button>
          </li>
          <li>
            <a class="fr-btn fr-btn--secondary" href={`/pass/programmes/${p.id}`}>
              Ne rien annuler
            </a>
          </li>
        </ul>
      </PostForm>
    </>
  );
}

/**
 * Search by what is printed on the booklet. A GET form (it reads): the programme and the
 * number, or the code of one of its chèques — typed, or read by the camera where the browser
 * can (scan.js fills « code » and submits).
 */
export function BookletSearchForm(props: {
  programmes: Array<{ id: string; name: string }>;
  values: { programme?: string; numero?: string; code?: string };
  errors?: Record<string, string>;
}) {
  const fe = props.errors ?? {};
  return (
    <section class="fr-mb-4w" aria-labelledby="titre-recherche-carnet">
      <h2 class="fr-h4" id="titre-recherche-carnet">
        Trouver un carnet
      </h2>
      <ErrorSummary errors={fe} />
      <form method="get" action="/pass/distribution/recherche" id="formulaire-code">
        <SelectField
          name="programme"
          label="Programme"
          placeholder="Tous les programmes"
          options={props.programmes.map((p) => ({ value: p.id, label: p.name }))}
          value={props.values.programme}
          error={fe.programme}
        />
        <InputField
          name="numero"
          label="Numéro imprimé sur le carnet"
          inputMode="numeric"
          value={props.values.numero}
          error={fe.numero}
          required={false}
        />
        <InputField
          name="code"
          label="Ou le code d’un de ses chèques"
          hint="10 caractères sous le QR code, par exemple K7MC-3PX4-TF"
          value={props.values.code}
          error={fe.code}
          required={false}
          autocomplete="off"
          spellcheck={false}
          maxLength={200}
        />
        <p>
          <button
            type="button"
            class="fr-btn fr-btn--tertiary fr-btn--sm fr-icon-qr-code-line fr-btn--icon-left"
            id="scanner-qr"
            hidden
          >
            Scanner le QR code d’un chèque
          </button>
        </p>
        <div id="zone-camera" hidden>
          <video id="camera" playsinline muted class="pa-qr" />
          <p id="camera-statut" role="status" />
        </div>
        <button class="fr-btn fr-btn--secondary" type="submit">
          Chercher le carnet
        </button>
      </form>
    </section>
  );
}

export function BookletResults(props: { results: Array<BookletRow & { programme_name: string }> }) {
  if (props.results.length === 0)
    return (
      <p data-testid="resultats-carnets" role="status">
        Aucun carnet confié à votre structure ne porte ce numéro ou ce code. Vérifiez le programme et le numéro imprimé
        sur la couverture.
      </p>
    );
  return (
    <ul data-testid="resultats-carnets">
      {props.results.map((b) => (
        <li class="fr-mb-1w">
          {b.programme_name}, carnet n° {b.number} —{' '}
          {b.cancelled_at ? (
            'annulé par le coordinateur'
          ) : b.distributed_at ? (
            <>
              remis le {formatDateTime(b.distributed_at)} —{' '}
              <a href={`/pass/carnets/${b.id}/lettre`}>
                lettre du carnet n° {b.number} ({b.programme_name})
              </a>
            </>
          ) : (
            <a href={`/pass/carnets/${b.id}/remettre`}>
              remettre le carnet n° {b.number} ({b.programme_name})
            </a>
          )}
        </li>
      ))}
    </ul>
  );
}
