/** Issues of many rows counted by reason for the import report. */
import type { Issue } from './report.ts';

/**
 * A reason and how many times it was met; when values were left out of it, its most frequent
 * exact message (e.g. « CNFS » remplacé par « Conseillers numériques ») and how often.
 */
export interface ReasonCount {
  reason: string;
  count: number;
  example?: { message: string; count: number };
}

/** A reason without the quoted value, so that many rows group under one line. */
function reasonOf(issue: Issue): string {
  return `${issue.field} : ${issue.message
    .replace(/«[^»]*»/g, '«…»')
    .replace(/\(reçu[^)]*\)/g, '')
    .trim()}`;
}

/** What a ReasonCounter holds, as plain data (it crosses from the checking thread). */
export type ReasonTally = Array<[reason: string, count: number, messages: Array<[string, number]>]>;

export class ReasonCounter {
  private readonly byReason = new Map<string, { count: number; messages: Map<string, number> }>();

  constructor(tally: ReasonTally = []) {
    for (const [reason, count, messages] of tally) this.byReason.set(reason, { count, messages: new Map(messages) });
  }

  add(issue: Issue): void {
    const reason = reasonOf(issue);
    const entry = this.byReason.get(reason) ?? { count: 0, messages: new Map<string, number>() };
    entry.count++;
    entry.messages.set(issue.message, (entry.messages.get(issue.message) ?? 0) + 1);
    this.byReason.set(reason, entry);
  }

  tally(): ReasonTally {
    return [...this.byReason.entries()].map(([reason, { count, messages }]) => [reason, count, [...messages]]);
  }

  sorted(): ReasonCount[] {
    return [...this.byReason.entries()]
      .map(([reason, { count, messages }]) => {
        const [message, n] = [...messages.entries()].reduce((a, b) => (b[1] > a[1] ? b : a));
        // Always the same message: say it whole rather than with its values left out.
        if (messages.size === 1) return { reason: `${reason.slice(0, reason.indexOf(' : '))} : ${message}`, count };
        return message.includes('«') ? { reason, count, example: { message, count: n } } : { reason, count };
      })
      .sort((a, b) => b.count - a.count);
  }
}
