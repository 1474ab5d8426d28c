// tscm state: inspect the state backend and move state between backends (src/cli/commands/state*.ts).

import type { Command } from 'commander';
import { dirOption, logOptions, run } from './program-options.js';

export function registerStateCommands(program: Command): void {
  const stateCommand = program
    .command('state')
    .description('inspect the state backend (tscm.yaml `state`) and copy state between backends');
  const stateOptions = (cmd: Command) => logOptions(cmd.addOption(dirOption()));
  stateOptions(
    stateCommand.command('list').description('list the devices the state backend holds').option('--json', 'print JSON'),
  ).action(async (opts) => run(opts, () => import('./commands/state.js').then((m) => m.stateListCommand(opts))));
  stateOptions(
    stateCommand
      .command('show')
      .description('what tscm owns on a device: groups and member counts, lineage, serial, zones, last apply, status')
      .argument('<device>', 'device nickname')
      .option('--members', 'list the members tscm owns, one per line')
      .option('--json', 'print JSON'),
  ).action(async (device, opts) =>
    run(opts, () => import('./commands/state.js').then((m) => m.stateShowCommand(device, opts))),
  );
  stateOptions(
    stateCommand
      .command('pull')
      .description("copy every device's state, status and plan history from the backend to a local folder")
      .argument('[device...]', 'device nicknames (default: all)')
      .requiredOption('--to-dir <dir>', 'the local folder to copy to')
      .option('--force', 'overwrite a newer serial or another lineage in the folder'),
  ).action(async (devices, opts) =>
    run(opts, () => import('./commands/state-copy.js').then((m) => m.statePullCommand(devices, opts))),
  );
  stateOptions(
    stateCommand
      .command('push')
      .description("copy every device's state, status and plan history from a local folder to the backend")
      .argument('[device...]', 'device nicknames (default: all)')
      .requiredOption('--from-dir <dir>', 'the local folder to copy from (the local backend layout)')
      .option('--force', 'overwrite a newer serial or another lineage in the backend'),
  ).action(async (devices, opts) =>
    run(opts, () => import('./commands/state-copy.js').then((m) => m.statePushCommand(devices, opts))),
  );
}
