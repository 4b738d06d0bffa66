#!/usr/bin/env node
/**
 * The `neurite` command: dispatches to one file per command (info, train, eval, bench and the
 * adding, charlm and autoencoders examples).
 * Exit codes: 0 success, 1 failure, 2 usage error (one line on stderr).
 *
 * Adding a command: write src/cli/<name>.ts exporting a Command (its CommandSpec gives both
 * parsing and --help), then list it in COMMANDS below.
 */
import { backendInfo } from '../index';
import { UsageError } from './args';
import type { Command } from './common';
import { addingCommand } from './adding';
import { autoencodersCommand } from './autoencoders';
import { benchCommand } from './bench';
import { charlmCommand } from './charlm';
import { evalCommand } from './eval';
import { infoCommand } from './info';
import { trainCommand } from './train';

const COMMANDS: readonly Command[] = [
  infoCommand, trainCommand, evalCommand, benchCommand, addingCommand, charlmCommand, autoencodersCommand,
];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.spec.name.length)) + 2;
  return [
    'Usage: neurite <command> [options]',
    '',
    'Deep learning for Node.js: train, evaluate and benchmark models from the command line.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.spec.name.padEnd(width)}${c.spec.summary}`),
    '',
    'Run "neurite <command> --help" for the options of a command.',
    'Options: -h, --help   show this help;  -v, --version   print the version',
    '',
  ].join('\n');
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      if (name === 'help' && rest[0]) return main([rest[0], '--help']);
      process.stdout.write(usage());
      return 0;
    }
    if (name === '--version' || name === '-v') {
      process.stdout.write(backendInfo().version + '\n');
      return 0;
    }
    const command = COMMANDS.find((c) => c.spec.name === name);
    if (!command) {
      throw new UsageError(`unknown command "${name}" (commands: ${COMMANDS.map((c) => c.spec.name).join(', ')})`);
    }
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      const message = err.message.startsWith('neurite') ? err.message : `neurite: ${err.message}`;
      process.stderr.write(`${message} (see --help)\n`);
      return 2;
    }
    const e = err as Error;
    process.stderr.write(`neurite: ${e.message ?? String(err)}\n`);
    if (process.env.NEURITE_DEBUG) process.stderr.write(`${e.stack}\n`);
    return 1;
  }
}

if (require.main === module) {
  // A closed pipe (`neurite bench | head`) ends the command quietly.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`neurite: ${(err as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
