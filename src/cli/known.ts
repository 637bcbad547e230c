// The subcommand table as main.ts registered it, for the commands that describe the others
// (completion). main.ts fills it in before any command runs; nothing else writes to it.
import type { Command } from './command.js';

export interface CommandEntry {
  summary: string;
  load: () => Promise<{ default: Command }>;
}

export const known: { commands: Readonly<Record<string, CommandEntry>> } = { commands: {} };
