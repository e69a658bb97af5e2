/**
 * The attestation's QR code, read from the rendered page as a phone would read the paper, is the
 * verification address — for a mandate and for its revocation, with an address as long as a
 * production one (a longer text means smaller modules, the first thing to stop scanning).
 */
import { describe, expect, it } from 'vitest';
import { decodePdfQr } from '../../../test/support/pdf-qr.ts';
import { type AttestationInput, attestationPdf, TEMPLATE_HASH, TEMPLATE_VERSION } from './attestation.ts';
import { newReference, signedReference } from './mandate-rules.ts';

function input(kind: 'mandat' | 'revocation', verifyUrl: string, reference: string): AttestationInput {
  return {
    kind,
    signedReference: reference,
    verifyUrl,
    organisationName: 'Centre social du Mourillon',
    usager: { givenName: 'Angela Claire Louise', familyName: 'DUBOIS', birthdate: '1962-08-00' },
    families: ['social', 'logement'],
    duration: 'semestre',
    createdAt: new Date('2026-12-01T10:00:00Z'),
    expiresAt: new Date('2027-06-01T10:00:00Z'),
    ...(kind === 'revocation' ? { revokedAt: new Date('2026-12-02T10:00:00Z'), revokedFamilies: ['logement'] } : {}),
    templateVersion: TEMPLATE_VERSION,
    templateHash: TEMPLATE_HASH,
  };
}

describe('attestation QR code', () => {
  for (const kind of ['mandat', 'revocation'] as const) {
    it(`decodes to the verification address (${kind})`, async () => {
      const reference = signedReference('une clé de test assez longue pour signer', newReference());
      const verifyUrl = `https://passerelle.departement-du-var.exemple.gouv.fr/mandats/verifier/${reference}`;
      const pdf = await attestationPdf(input(kind, verifyUrl, reference));
      expect(await decodePdfQr(pdf)).toBe(verifyUrl);
    }, 30_000);
  }
});
