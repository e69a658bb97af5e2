/**
 * Entries of the professional workspace (/espace). Each module adds what it offers; the
 * dashboard shows those the actor may use. Keeps the accounts module ignorant of others.
 */
import type { Actor } from '../auth/actor.ts';

export interface WorkspaceEntry {
  title: string;
  description: string;
  href: string;
  visible: (actor: Actor) => boolean;
}

export class Workspace {
  private readonly entries: WorkspaceEntry[] = [];
  add(entry: WorkspaceEntry): void {
    this.entries.push(entry);
  }
  for(actor: Actor): WorkspaceEntry[] {
    return this.entries.filter((e) => e.visible(actor));
  }
}
