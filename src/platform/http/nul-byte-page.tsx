/**
 * The part of the « invalid character » page that gives a browser form back (nul-byte.ts):
 * what was typed, visible, and a form resending it without the NUL byte to the same path.
 */
import { CsrfField, InputField } from '../views/components.tsx';
import type { Resend, ResendField } from './nul-byte.ts';

function TypedValues({ fields }: { fields: ResendField[] }) {
  return (
    <dl class="pa-typed">
      {fields.map((f) => (
        <>
          <dt>
            {f.name}
            {f.hadNul ? ' (caractère invalide retiré)' : ''}
          </dt>
          <dd>{f.values.filter((v) => v.trim() !== '').join(' ; ')}</dd>
        </>
      ))}
    </dl>
  );
}

export function ResendTyped({ resend }: { resend: Resend }) {
  const shown = resend.fields.filter((f) => !f.secret && f.values.some((v) => v.trim() !== ''));
  const secrets = resend.fields.filter((f) => f.secret);
  // The fields that held the NUL first, in view: they are the ones to check.
  const withNul = shown.filter((f) => f.hadNul);
  const others = shown.filter((f) => !f.hadNul);
  return (
    <section class="fr-mt-4w" aria-labelledby="saisie-conservee">
      <h2 id="saisie-conservee">Votre saisie est conservée</h2>
      <p>
        Le caractère invalide a été retiré de ce que vous avez saisi. Vérifiez-le ci-dessous, puis renvoyez-le
        {secrets.length > 0 ? ' (les mots de passe ne sont pas conservés : saisissez-les de nouveau)' : ''}.
      </p>
      {withNul.length > 0 ? <TypedValues fields={withNul} /> : null}
      {others.length > 0 ? (
        <details class="fr-mb-2w">
          <summary>{withNul.length > 0 ? 'Les autres champs envoyés' : 'Les champs envoyés'}</summary>
          <TypedValues fields={others} />
        </details>
      ) : null}
      {resend.droppedNames > 0 ? (
        <p class="pa-muted">
          {resend.droppedNames === 1
            ? 'Un champ au nom invalide n’a pas été conservé.'
            : `${resend.droppedNames} champs au nom invalide n’ont pas été conservés.`}
        </p>
      ) : null}
      <form method="post" action={resend.action}>
        <CsrfField token={resend.csrf} />
        {resend.fields
          .filter((f) => !f.secret)
          .flatMap((f) => f.values.map((v) => <input type="hidden" name={f.name} value={v} />))}
        {secrets.map((f) => (
          <InputField
            name={f.name}
            label={`${f.name} : à saisir de nouveau`}
            type="password"
            autocomplete="off"
            idPrefix="renvoi-"
          />
        ))}
        <button class="fr-btn" type="submit">
          Renvoyer sans le caractère invalide
        </button>
      </form>
    </section>
  );
}
