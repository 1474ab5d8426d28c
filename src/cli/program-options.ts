// The option helpers every command of the commander program shares (program.ts and the program-*.ts groups), and
// run() (run-command.ts, which start-up can load without commander).

import type { Command } from 'commander';
import { Option } from 'commander';

export { run } from './run-command.js';

export const dirOption = () =>
  new Option('--dir <dir>', 'the folder of device definitions').default('.').env('TSCM_DIR');
// Every command that prints takes --no-color (NO_COLOR is honoured as well: cli/color.ts).
export const noColorOption = () => new Option('--no-color', 'no ANSI colours (also: NO_COLOR=1)');
// Logs are text on a terminal and JSON lines otherwise (a container, CI, a pipe): program.ts's preAction hook
// settles the format before a command runs, so every command (and its errors) keeps to one.
export const logOptions = (cmd: Command, level = 'warn') =>
  cmd
    .addOption(
      new Option('--log-level <level>', 'log level')
        .choices(['debug', 'info', 'warn', 'error'])
        .default(level)
        .env('TSCM_LOG_LEVEL'),
    )
    .addOption(
      new Option('--log-format <format>', 'log format (default: text on a terminal, JSON lines otherwise)')
        .choices(['text', 'json'])
        .env('TSCM_LOG_FORMAT'),
    );

export const envOption = (flags: string, description: string, env: string, value?: string) => {
  const option = new Option(flags, description).env(env);
  return value === undefined ? option : option.default(value);
};
