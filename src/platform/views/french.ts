/** French words and amounts shared by pages, e-mails and printed documents. */
export const MONTH_NAMES = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
] as const;

// Building an Intl formatter costs far more than using one: they are made once.
const wholeEuros = new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 0, maximumFractionDigits: 2 });
const euroCents = new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** « 10 € », « 12,50 € » — cents in, French amount out. */
export function formatEuros(cents: number, options: { alwaysCents?: boolean } = {}): string {
  const format = options.alwaysCents || cents % 100 !== 0 ? euroCents : wholeEuros;
  return `${format.format(cents / 100)} €`;
}
