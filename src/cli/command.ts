/** What a CLI command is: its help texts, its options, and the function that runs it */
import type { Config } from '../config.ts';
import type { Log } from '../engine/ports.ts';

export type Values = Record<string, string | boolean | undefined>;

export interface CommandContext {
  values: Values;
  positionals: string[];
  config: Readonly<Config>;
  log: Log;
}

export interface Command {
  summary: string;
  usage: string;
  /** The command's --help text; a function when writing it needs a module the command list should not load */
  help: string | (() => Promise<string>);
  options: Record<string, { type: 'string' | 'boolean'; short?: string }>;
  run(ctx: CommandContext): Promise<number>;
  /** Exit code for a failure outside `run` (bad options, invalid configuration); default 1 */
  failureExit?: number;
}

