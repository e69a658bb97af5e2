/**
 * A QR code as one SVG path (vector, sharp on paper, a few hundred bytes once compressed),
 * from the `qrcode` package's matrix. Kept tiny so that it can be swapped for the platform's
 * print helpers (src/platform/print) when they exist.
 */
import QRCode from 'qrcode';

export function qrSvg(text: string, label: string): string {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  const data = qr.modules.data;
  let d = '';
  for (let y = 0; y < size; y++) {
    let x = 0;
    while (x < size) {
      if (!data[y * size + x]) {
        x++;
        continue;
      }
      const start = x;
      while (x < size && data[y * size + x]) x++;
      d += `M${start + 4} ${y + 4}h${x - start}v1h${start - x}z`;
    }
  }
  const full = size + 8;
  const escaped = label.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${full} ${full}" role="img" aria-label="${escaped}" shape-rendering="crispEdges"><rect width="${full}" height="${full}" fill="#fff"/><path d="${d}" fill="#000"/></svg>`;
}
