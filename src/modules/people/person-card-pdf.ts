/**
 * The person's card: an A4 page with a card-sized frame (85.6 × 54 mm, a bank-card size that
 * fits a wallet) to cut out, with the display name, the person code as large text and as a
 * QR code (the QR holds the code only: no address, nothing to open without a structure).
 */
import {
  A4,
  createPdfDocument,
  drawQr,
  fittedLine,
  INK,
  paragraph,
  pdfBuffer,
  pdfSafeText,
} from '../../platform/print/index.ts';
import type { PersonView } from './person-view.ts';

const MM = 72 / 25.4;
const CARD = { width: 85.6 * MM, height: 54 * MM };

export async function personCardPdf(
  person: PersonView,
  operatorName: string,
  options: { compress?: boolean } = {},
): Promise<Buffer> {
  const doc = createPdfDocument(
    {
      title: 'Carte de suivi',
      author: operatorName,
      subject: 'Code personnel à présenter à la structure qui vous aide',
    },
    options,
  );
  return pdfBuffer(doc, [person], (p) => {
    doc.addPage({ size: 'A4', margin: 0 });
    const x = (A4.width - CARD.width) / 2;
    const y = 60;
    doc.save().lineWidth(0.5).strokeColor(INK.grey).dash(3, { space: 3 }).rect(x, y, CARD.width, CARD.height).stroke();
    doc.restore();
    const pad = 10;
    const qr = CARD.height - 2 * pad - 14;
    doc.fillColor(INK.black);
    fittedLine(
      doc,
      pdfSafeText(`${operatorName} — carte de suivi`),
      x + pad,
      y + pad,
      CARD.width - 2 * pad,
      'Helvetica-Bold',
      9,
      7,
    );
    fittedLine(doc, pdfSafeText(p.displayName), x + pad, y + pad + 18, CARD.width - 3 * pad - qr, 'Helvetica', 11, 8);
    doc
      .font('Helvetica')
      .fontSize(7)
      .text('Votre code', x + pad, y + pad + 40, { lineBreak: false });
    fittedLine(doc, p.code, x + pad, y + pad + 50, CARD.width - 3 * pad - qr, 'Courier-Bold', 18, 12);
    doc.font('Helvetica').fontSize(6.5);
    paragraph(
      doc,
      pdfSafeText(
        'Montrez cette carte à la structure qui vous aide. Votre dossier n’est partagé avec une autre structure qu’avec votre accord.',
      ),
      x + pad,
      y + pad + 76,
      CARD.width - 3 * pad - qr,
      y + CARD.height - pad,
      1,
    );
    drawQr(doc, p.code.replace(/-/g, ''), x + CARD.width - pad - qr, y + pad + 14, qr);
    doc.font('Helvetica').fontSize(9).fillColor(INK.grey);
    paragraph(
      doc,
      pdfSafeText(
        'Découpez la carte en suivant les pointillés. En cas de perte, la structure peut la réimprimer : le code ne change pas.',
      ),
      x,
      y + CARD.height + 16,
      CARD.width,
      y + CARD.height + 60,
    );
  });
}
