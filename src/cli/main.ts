#!/usr/bin/env node
/** The `tandem` command line: start, migrate, users and FT commands; each command has --help */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { createLog } from '../log.ts';
import { DataDirInUseError } from '../store/dir-lock.ts';
import { COMMANDS } from './commands.ts';

function usage(): string {
  return `Usage: tandem <command> [options]

Commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(14)} ${c.summary}`).join('\n')}

Run "tandem <command> --help" for a command's options. Configuration comes from environment variables
(see README.md, "Configuration").`;
}

/** The exit code when a command fails before or outside its run (bad options, bad configuration): its own, else 1 */
let failureExit = 1;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    console.error(`tandem: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  failureExit = command.failureExit ?? 1;
  const { values, positionals } = parseArgs({
    args: rest, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true,
  });
  if (values.help) {
    const help = typeof command.help === 'string' ? command.help : await command.help();
    console.log(`Usage: tandem ${name} ${command.usage}\n\n${command.summary}\n\n${help}`);
    return 0;
  }
  const config = loadConfig(process.env);
  return command.run({ values, positionals, config, log: createLog(config.logLevel) });
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
}, (error: unknown) => {
  if (error instanceof ConfigError || error instanceof DataDirInUseError) console.error(`tandem: ${error.message}`);
  else if (error instanceof Error && error.name === 'TypeError' && 'code' in error
    && String(error.code).startsWith('ERR_PARSE_ARGS')) console.error(`tandem: ${error.message}`);
  else console.error('tandem: failed:', error);
  process.exitCode = failureExit;
});
