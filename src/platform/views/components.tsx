/**
 * Shared DSFR building blocks for forms and pages. Field errors are tied to their input
 * (aria-describedby) and summarised at the top of the form with links to each field.
 */
import type { ComponentChildren } from 'preact';
import type { FieldErrors } from '../http/errors.ts';

export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

export function PostForm(props: {
  action: string;
  csrf: string;
  children: ComponentChildren;
  enctype?: string;
  class?: string;
  id?: string;
}) {
  return (
    <form method="post" action={props.action} enctype={props.enctype} class={props.class} id={props.id} novalidate>
      <CsrfField token={props.csrf} />
      {props.children}
    </form>
  );
}

export function ErrorSummary({ errors, message }: { errors: FieldErrors; message?: string | undefined }) {
  const entries = Object.entries(errors);
  if (entries.length === 0 && !message) return null;
  return (
    <div class="fr-alert fr-alert--error fr-mb-4w" role="alert" id="erreurs" tabindex={-1}>
      <h2 class="fr-alert__title">{message ?? 'Certaines informations sont à corriger'}</h2>
      {entries.length > 0 ? (
        <ul>
          {entries.map(([field, text]) => (
            <li>
              <a href={`#${fieldId(field)}`}>{text}</a>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function fieldId(name: string): string {
  return `champ-${name.replace(/[^a-zA-Z0-9_-]/g, '-')}`;
}

interface InputProps {
  name: string;
  /** When the same field name appears in several forms of one page. */
  idPrefix?: string;
  label: string;
  hint?: string | undefined;
  value?: string | undefined;
  error?: string | undefined;
  type?: string;
  autocomplete?: string;
  required?: boolean;
  inputMode?: 'numeric' | 'text' | 'email' | 'tel' | 'decimal' | 'search' | 'url' | 'none';
  pattern?: string;
  maxLength?: number;
  spellcheck?: boolean;
  autofocus?: boolean;
}

export function InputField(p: InputProps) {
  const id = fieldId(`${p.idPrefix ?? ''}${p.name}`);
  const errorId = `${id}-erreur`;
  return (
    <div class={`fr-input-group${p.error ? ' fr-input-group--error' : ''}`}>
      <label class="fr-label" for={id}>
        {p.label}
        {p.required === false ? ' (facultatif)' : null}
        {p.hint ? <span class="fr-hint-text">{p.hint}</span> : null}
      </label>
      <input
        class={`fr-input${p.error ? ' fr-input--error' : ''}`}
        id={id}
        name={p.name}
        type={(p.type ?? 'text') as 'text'}
        value={p.value ?? ''}
        autocomplete={p.autocomplete}
        inputMode={p.inputMode}
        pattern={p.pattern}
        maxLength={p.maxLength}
        spellcheck={p.spellcheck}
        autofocus={p.autofocus}
        aria-describedby={p.error ? errorId : undefined}
        aria-invalid={p.error ? 'true' : undefined}
      />
      {p.error ? (
        <p id={errorId} class="fr-error-text">
          {p.error}
        </p>
      ) : null}
    </div>
  );
}

export interface Option {
  value: string;
  label: string;
}

export function SelectField(p: {
  name: string;
  idPrefix?: string;
  label: string;
  options: Option[];
  value?: string | undefined;
  error?: string | undefined;
  hint?: string;
  placeholder?: string;
}) {
  const id = fieldId(`${p.idPrefix ?? ''}${p.name}`);
  const errorId = `${id}-erreur`;
  return (
    <div class={`fr-select-group${p.error ? ' fr-select-group--error' : ''}`}>
      <label class="fr-label" for={id}>
        {p.label}
        {p.hint ? <span class="fr-hint-text">{p.hint}</span> : null}
      </label>
      <select
        class={`fr-select${p.error ? ' fr-select--error' : ''}`}
        id={id}
        name={p.name}
        aria-describedby={p.error ? errorId : undefined}
      >
        {p.placeholder !== undefined ? (
          <option value="" selected={!p.value}>
            {p.placeholder}
          </option>
        ) : null}
        {p.options.map((o) => (
          <option value={o.value} selected={o.value === p.value}>
            {o.label}
          </option>
        ))}
      </select>
      {p.error ? (
        <p id={errorId} class="fr-error-text">
          {p.error}
        </p>
      ) : null}
    </div>
  );
}

/** A group of checkboxes (several values) or radios (one value). */
export function ChoiceGroup(p: {
  name: string;
  idPrefix?: string;
  legend: string;
  options: Option[];
  selected: readonly string[];
  kind: 'checkbox' | 'radio';
  error?: string | undefined;
  hint?: string;
  inline?: boolean;
}) {
  const id = fieldId(`${p.idPrefix ?? ''}${p.name}`);
  const errorId = `${id}-erreur`;
  // Written out in full: the stylesheet keeps only the DSFR classes found in our sources.
  const groupClass = p.kind === 'checkbox' ? 'fr-checkbox-group' : 'fr-radio-group';
  return (
    <fieldset
      class={`fr-fieldset${p.error ? ' fr-fieldset--error' : ''}`}
      id={id}
      aria-labelledby={`${id}-legende${p.error ? ` ${errorId}` : ''}`}
    >
      <legend class="fr-fieldset__legend fr-text--regular" id={`${id}-legende`}>
        {p.legend}
        {p.hint ? <span class="fr-hint-text">{p.hint}</span> : null}
      </legend>
      {p.options.map((o, i) => (
        <div class={`fr-fieldset__element${p.inline ? ' fr-fieldset__element--inline' : ''}`}>
          <div class={groupClass}>
            <input
              type={p.kind}
              id={`${id}-${i}`}
              name={p.name}
              value={o.value}
              checked={p.selected.includes(o.value)}
            />
            <label class="fr-label" for={`${id}-${i}`}>
              {o.label}
            </label>
          </div>
        </div>
      ))}
      {p.error ? (
        <div class="fr-messages-group" id={errorId} aria-live="polite">
          <p class="fr-message fr-message--error">{p.error}</p>
        </div>
      ) : null}
    </fieldset>
  );
}

export function Breadcrumb({ items }: { items: Array<{ label: string; href?: string }> }) {
  return (
    <nav role="navigation" class="fr-breadcrumb fr-mt-0" aria-label="vous êtes ici :">
      <ol class="fr-breadcrumb__list">
        {items.map((item, i) => (
          <li>
            {item.href && i < items.length - 1 ? (
              <a class="fr-breadcrumb__link" href={item.href}>
                {item.label}
              </a>
            ) : (
              <a class="fr-breadcrumb__link" aria-current="page">
                {item.label}
              </a>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}

/**
 * The DSFR table frame. Its container scrolls sideways on a small screen, so it is made
 * reachable with the keyboard (a named region that takes focus).
 */
export function TableFrame({
  label,
  children,
  small,
}: {
  label: string;
  children: ComponentChildren;
  small?: boolean;
}) {
  return (
    <div class={`fr-table${small ? ' fr-table--sm' : ''}`}>
      <div class="fr-table__wrapper">
        <div class="fr-table__container" tabindex={0} role="region" aria-label={label}>
          <div class="fr-table__content">{children}</div>
        </div>
      </div>
    </div>
  );
}
