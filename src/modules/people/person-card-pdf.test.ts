import { describe, expect, it } from 'vitest';
import { qrModules, qrPath, qrRuns } from '../../platform/print/index.ts';
import { personCardPdf } from './person-card-pdf.ts';
import type { PersonView } from './person-view.ts';

/** The text drawn by each text-showing operator of an uncompressed PDFKit document (WinAnsi ≈ Latin-1 here). */
function drawnText(pdf: Buffer): string[] {
  return [...pdf.toString('latin1').matchAll(/\[([^\]]*)\] TJ/g)].map((operator) => {
    const hex = [...(operator[1] ?? '').matchAll(/<([0-9a-f]*)>/g)].map((m) => m[1]).join('');
    return Buffer.from(hex, 'hex').toString('latin1');
  });
}

const person: PersonView = {
  id: '00000000-0000-4000-8000-000000000001',
  code: 'K7M-C3P-X4T',
  displayName: 'Zoé',
  birthYear: 1956,
  ageBand: '70 ans et plus',
  residence: { kind: 'sans_domicile_stable' },
  situation: null,
  hasContact: false,
  followedBy: [],
  createdAt: '2026-11-10T09:00:00.000Z',
};

describe('the person card', () => {
  it('prints the name, the code as text and the code as a QR code (nothing else in it)', async () => {
    const pdf = await personCardPdf(person, 'Passerelle Var', { compress: false });
    const text = drawnText(pdf).join(' ').replace(/\s+/g, ' ');
    expect(text).toContain('K7M-C3P-X4T');
    expect(text).toContain('Zoé');
    expect(text).toContain('Passerelle Var');
    expect(text).toContain("qu'avec votre accord.");
    expect(pdf.toString('latin1')).toContain(qrPath(qrRuns(qrModules('K7MC3PX4T'))));
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  });
});
