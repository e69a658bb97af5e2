/**
 * Person codes: the durable code a person carries on a small card, so that a structure finds
 * their record again (ADR 0018). 8 random symbols + 1 check symbol, shown as `XXX-XXX-XXX` —
 * a shape distinct from voucher codes (`XXXX-XXXX-XX`) and slip codes (`XXXX-XXXX`), so a code
 * typed in the wrong box is told apart by its length. The check symbol catches one wrong
 * character or two swapped ones (src/platform/codes/check-code.ts).
 *
 * 23^8 ≈ 7.8·10^10 codes (36 bits): a code alone opens nothing — a structure that does not
 * follow the person must also record the person's consent, and look-ups are rate-limited.
 */
import { createCodeScheme } from '../../platform/codes/check-code.ts';

export const personCodes = createCodeScheme({
  payloadLength: 8,
  groupSize: 3,
  words: { theCode: 'Le code de la personne', where: 'sur sa carte', compareWith: 'à la carte' },
});

/** A person code as printed on the card and shown on pages. */
export function displayPersonCode(canonical: string): string {
  return personCodes.format(canonical);
}
