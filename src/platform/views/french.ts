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

/** « 10 € », « 12,50 € » — cents in, French amount out. */
export function formatEuros(cents: number, options: { alwaysCents?: boolean } = {}): string {
  const value = cents / 100;
  const amount = value.toLocaleString('fr-FR', {
    minimumFractionDigits: options.alwaysCents || cents % 100 !== 0 ? 2 : 0,
    maximumFractionDigits: 2,
  });
  return `${amount} €`;
}
