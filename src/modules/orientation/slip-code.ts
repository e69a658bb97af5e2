/**
 * Slip codes: 7 random symbols + 1 check symbol, shown as `XXXX-XXXX` (PRODUCT.md §5). The
 * check symbol catches one wrong character or two swapped ones (src/platform/codes). 23^7 ≈
 * 3.4·10^9 codes: slips live 90 days and their public page shows nothing personal, and the
 * look-up routes are rate-limited, so guessing one gains little.
 */
import { createCodeScheme } from '../../platform/codes/check-code.ts';

export const slipCodes = createCodeScheme({
  payloadLength: 7,
  groupSize: 4,
  words: { theCode: 'Le code de la fiche', where: 'sur la fiche', compareWith: 'à la fiche' },
});

/** A slip code as it appears in URLs and on paper. */
export function displaySlipCode(canonical: string): string {
  return slipCodes.format(canonical);
}
