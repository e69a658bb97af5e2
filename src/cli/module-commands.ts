/** Commands contributed by modules (import, export…), registered next to the platform's. */
import type { Command } from './main.ts';

export const cliCommands: Record<string, Command> = {};
