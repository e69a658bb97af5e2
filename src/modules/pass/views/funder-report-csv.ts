/** The funder's report as CSV (semicolons, UTF-8 with a BOM for spreadsheets, CRLF). */
import type { funderReport } from '../reports.ts';

export function funderReportCsv(r: Awaited<ReturnType<typeof funderReport>>): string {
  const lines = [
    'indicateur;detail;valeur',
    `carnets;emis;${r.booklets.issued}`,
    `carnets;remis;${r.booklets.distributed}`,
    `carnets;commences;${r.booklets.started}`,
    `carnets;entierement_utilises;${r.booklets.fullyUsed}`,
    `cheques;utilises;${r.vouchers.used}`,
    `cheques;remis;${r.vouchers.distributed}`,
    `valeur_centimes;utilisee;${r.value.usedCents}`,
    `valeur_centimes;remise_non_utilisee;${r.value.unusedDistributedCents}`,
    `valeur_centimes;non_distribuee;${r.value.notDistributedCents}`,
    `valeur_centimes;remboursable;${r.value.refundableCents}`,
    ...r.byService.map((x) => `par_service;${x.label};${x.count}`),
    ...r.byPlace.map((x) => `par_lieu;${x.label.replace(/;/g, ',')};${x.count}`),
    ...r.byCommune.map((x) => `par_commune;${x.label};${x.count}`),
    ...r.byMonth.map((x) => `par_mois;${x.label};${x.count}`),
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
