/**
 * The printed attestation of a mandate (and of its revocation): plain French, the legal text
 * versioned — A PLACEHOLDER FOR LEGAL REVIEW, clearly marked as such on the page — and the hash
 * of the template recorded on the mandate and in the journal. Its QR code (vector) opens the
 * public verification page GET /mandats/verifier/{signed reference}.
 */
import { createHash } from 'node:crypto';
import {
  A4,
  createPdfDocument,
  drawQr,
  formatDate,
  formatDateTime,
  INK,
  type PdfDocument,
  pdfBuffer,
  pdfSafeText,
} from '../../platform/print/index.ts';
import { FAMILY_KEYS, familyTitle } from './families.ts';
import { DURATIONS, type Duration } from './mandate-rules.ts';

export const TEMPLATE_VERSION = '2026-12-projet-1';

/** The legal text of this version. PLACEHOLDER: to be written and approved by a legal review. */
const LEGAL_TEXT = [
  'TEXTE PROVISOIRE, À FAIRE VALIDER PAR UN JURISTE AVANT TOUT USAGE RÉEL.',
  "La personne désignée ci-dessous (le mandant) autorise la structure désignée ci-dessous (le mandataire), par l'intermédiaire de ses aidants habilités, à réaliser en son nom les démarches administratives des familles listées, pendant la durée indiquée.",
  "Le mandant peut révoquer ce mandat à tout moment, en tout ou partie, auprès de la structure ou lui-même depuis « Mes mandats » après s'être identifié avec FranceConnect.",
  "Le mandant déclare ne pas faire l'objet d'une mesure de protection juridique (tutelle, curatelle) qui l'empêcherait de donner ce mandat.",
  'Les aidants utilisent les données du mandant uniquement pour ces démarches ; chaque utilisation est inscrite dans un journal que le mandant peut consulter.',
];

export const TEMPLATE_HASH = createHash('sha256')
  .update(`${TEMPLATE_VERSION}\n${LEGAL_TEXT.join('\n')}`)
  .digest('hex');

export interface AttestationInput {
  kind: 'mandat' | 'revocation';
  signedReference: string;
  verifyUrl: string;
  organisationName: string;
  usager: { givenName: string; familyName: string; birthdate: string };
  families: string[];
  duration: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt?: Date | undefined;
  revokedFamilies?: string[] | undefined;
  templateVersion: string;
  templateHash: string;
}

function birthdateWords(value: string): string {
  const [y, m, d] = value.split('-');
  if (m === '00') return `année ${y}`;
  if (d === '00') return `${m}/${y}`;
  return `${d}/${m}/${y}`;
}

function draw(doc: PdfDocument, a: AttestationInput) {
  const margin = 56;
  const width = A4.width - 2 * margin;
  doc.addPage();
  doc.fillColor(INK.black).font('Helvetica-Bold').fontSize(18);
  doc.text(
    pdfSafeText(a.kind === 'mandat' ? 'Attestation de mandat' : 'Attestation de révocation de mandat'),
    margin,
    56,
    { width },
  );
  doc.font('Helvetica').fontSize(10).fillColor(INK.grey);
  doc.text(pdfSafeText(`Référence : ${a.signedReference}`), { width });
  doc.moveDown(0.8).fillColor(INK.black).fontSize(11);
  const line = (label: string, value: string) => {
    doc.font('Helvetica-Bold').text(pdfSafeText(`${label} : `), { continued: true, width });
    doc.font('Helvetica').text(pdfSafeText(value), { width });
  };
  line(
    'Mandant (la personne)',
    `${a.usager.givenName} ${a.usager.familyName}, née ou né le ${birthdateWords(a.usager.birthdate)}`,
  );
  line('Mandataire (la structure)', a.organisationName);
  const ordered = (list: string[]) => FAMILY_KEYS.filter((f) => list.includes(f));
  line('Démarches', ordered(a.families).map(familyTitle).join(' ; '));
  line('Durée', DURATIONS[a.duration as Duration]?.label ?? a.duration);
  line('Du', formatDateTime(a.createdAt));
  line("Jusqu'au", formatDateTime(a.expiresAt));
  if (a.kind === 'revocation') {
    line('Révoqué le', a.revokedAt ? formatDateTime(a.revokedAt) : '—');
    line(
      'Familles révoquées',
      ordered(a.revokedFamilies ?? a.families)
        .map(familyTitle)
        .join(' ; '),
    );
  }
  doc.moveDown(1);
  for (const [i, p] of LEGAL_TEXT.entries()) {
    doc.font(i === 0 ? 'Helvetica-Bold' : 'Helvetica').fontSize(i === 0 ? 11 : 10);
    doc.text(pdfSafeText(p), { width, lineGap: 2 });
    doc.moveDown(0.5);
  }
  if (a.kind === 'mandat') {
    doc.moveDown(1).font('Helvetica').fontSize(10);
    doc.text(pdfSafeText('Signature du mandant :'), margin, doc.y, { width: width / 2 - 10 });
    doc.text(pdfSafeText("Signature et nom de l'aidant :"), margin + width / 2, doc.y - 12, { width: width / 2 });
  }
  const qrSize = 110;
  const qrY = A4.height - margin - qrSize - 30;
  drawQr(doc, a.verifyUrl, margin, qrY, qrSize);
  doc.font('Helvetica').fontSize(9).fillColor(INK.black);
  doc.text(
    pdfSafeText(`Vérifier ce mandat : scannez ce code ou ouvrez ${a.verifyUrl}`),
    margin + qrSize + 16,
    qrY + 20,
    { width: width - qrSize - 16 },
  );
  doc.fillColor(INK.grey).fontSize(8);
  doc.text(
    pdfSafeText(
      `Modèle ${a.templateVersion} — empreinte ${a.templateHash.slice(0, 16)}… — édité le ${formatDate(new Date())}`,
    ),
    margin,
    A4.height - margin - 10,
    { width, lineBreak: false },
  );
}

export async function attestationPdf(a: AttestationInput): Promise<Buffer> {
  const doc = createPdfDocument({
    title: a.kind === 'mandat' ? 'Attestation de mandat' : 'Attestation de révocation de mandat',
    author: 'Passerelle',
  });
  return pdfBuffer(doc, [a], (part) => draw(doc, part));
}
