/**
 * The CSV files of the Pass numérique a funder or a coordinator downloads: the funder report
 * and the statements. Written by the platform's spreadsheet-safe writer (ADR 0016): a place,
 * organisation or payment reference typed as a formula never runs when the file is opened.
 */
import { csvRows, parisDate } from '../../platform/print/index.ts';
import type { FunderReport } from './reports.ts';
import type { Statement } from './statements.ts';

export function funderReportCsv(r: FunderReport): string {
  const rows: Array<Array<string | number>> = [
    ['indicateur', 'detail', 'valeur'],
    ['carnets', 'emis', r.booklets.issued],
    ['carnets', 'remis', r.booklets.distributed],
    ['carnets', 'commences', r.booklets.started],
    ['carnets', 'entierement_utilises', r.booklets.fullyUsed],
    ['cheques', 'utilises', r.vouchers.used],
    ['cheques', 'remis', r.vouchers.distributed],
    ['valeur_centimes', 'utilisee', r.value.usedCents],
    ['valeur_centimes', 'remise_non_utilisee', r.value.unusedDistributedCents],
    ['valeur_centimes', 'non_distribuee', r.value.notDistributedCents],
    ['valeur_centimes', 'remboursable', r.value.refundableCents],
    ...r.byService.map((x) => ['par_service', x.label, x.count]),
    ...r.byPlace.map((x) => ['par_lieu', x.label, x.count]),
    ...r.byCommune.map((x) => ['par_commune', x.label, x.count]),
    ...r.byMonth.map((x) => ['par_mois', x.label, x.count]),
    ...(r.period ? [['periode', `${r.period.from.slice(0, 7)} a ${r.period.to.slice(0, 7)}`, '']] : []),
    ...r.profile.ageBands.map((x) => ['beneficiaires_tranche_age', x.label, x.count ?? 'moins de 10']),
    ...r.profile.communes.map((x) => ['beneficiaires_commune', x.label, x.count ?? 'moins de 10']),
    ...r.profile.situations.map((x) => ['beneficiaires_situation', x.label, x.count ?? 'moins de 10']),
  ];
  return csvRows(rows, { delimiter: ';', excel: true });
}

export function statementsCsv(
  statements: Statement[],
  names: { place(id: string): string; organisation(id: string): string },
): string {
  const rows = [
    ['mois', 'lieu_id', 'lieu', 'structure', 'financeur', 'cheques', 'montant_euros', 'paye_le', 'reference_paiement'],
    ...statements.map((s) => [
      s.month.slice(0, 7),
      s.place_id,
      names.place(s.place_id),
      names.organisation(s.organisation_id),
      names.organisation(s.funder_organisation_id),
      s.vouchers,
      (s.amount_cents / 100).toFixed(2).replace('.', ','),
      s.paid_at ? parisDate(s.paid_at) : '',
      s.payment_reference ?? '',
    ]),
  ];
  return csvRows(rows, { delimiter: ';', excel: true });
}
