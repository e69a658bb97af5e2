import { describe, expect, it } from 'vitest';
import type { Queryable } from '../../platform/db/database.ts';
import type { Programme } from './programmes-repository.ts';
import { type PlaceFacts, refusalFor, type VoucherFacts } from './voucher-rules.ts';

const AIDE = 'Aide aux démarches administratives';
const OUTILS = 'Maîtrise des outils numériques du quotidien';
const programme = {
  id: 'p',
  territory_departements: ['83'],
  territory_communes: [],
  valid_from: '2026-01-01',
  valid_until: '2026-12-31',
  tolerance_days: 31,
  services: [AIDE, OUTILS],
  face_value_cents: 1000,
} as unknown as Programme;
const voucher = (qualified: string[]): VoucherFacts => ({
  code: 'ABCD',
  status: 'available',
  position: 1,
  booklet_id: 'b',
  booklet_number: 1,
  distributed_at: new Date('2026-03-01'),
  programme,
  qualification_status: 'qualified',
  qualification_services: qualified,
  qualification_reason: null,
});
const place: PlaceFacts = {
  id: 'lieu',
  nom: 'Lieu',
  code_insee: '83137',
  code_postal: '83000',
  status: 'open',
  organisation_id: 'o',
};
const db = {} as Queryable;

describe('services a place is qualified for, at redemption', () => {
  it('refuses a service the programme pays but the place was not qualified for', async () => {
    const refusal = await refusalFor(db, voucher([AIDE]), place, '2026-06-01', OUTILS);
    expect(refusal?.refusal).toBe('service_not_qualified');
    expect(refusal?.message).toContain('« ');
  });

  it('accepts a service the place was qualified for', async () => {
    expect(await refusalFor(db, voucher([AIDE]), place, '2026-06-01', AIDE)).toBeUndefined();
  });
});
