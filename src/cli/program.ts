// The commander program behind src/cli/main.ts: every command, its options (flags, env, defaults) and help.
// Loaded only when main.ts cannot answer alone; each command module is imported when its command runs.

import { Command, Option } from 'commander';
import { resolveLogFormat } from './logger.js';
import { registerLabCommand } from './program-lab.js';
import { registerHitsCommand, registerLogCommands } from './program-logs.js';
import { dirOption, envOption, logOptions, noColorOption, run } from './program-options.js';
import { registerStateCommands } from './program-state.js';
import { RECONCILE_DEFAULTS } from './reconcile-defaults.js';
import { TOOL_VERSION } from './version.js';

const program = new Command()
  .name('tscm')
  .description('Declarative GitOps reconciler for firewall IP block/allow lists on Cisco devices')
  .version(TOOL_VERSION)
  .showHelpAfterError()
  .configureOutput({ outputError: (str, write) => write(str) });

program.hook('preAction', (_program, action) => {
  // A command without the log options (lab) still keeps to TSCM_LOG_FORMAT for its errors.
  const asked = (action.getOptionValue('logFormat') as string | undefined) ?? process.env.TSCM_LOG_FORMAT;
  action.setOptionValueWithSource(
    'logFormat',
    resolveLogFormat(asked, process.stderr.isTTY),
    action.getOptionValueSource('logFormat') ?? 'default',
  );
});

logOptions(
  program
    .command('validate')
    .description('validate every device definition against the schema; exit 1 on any problem')
    .addOption(dirOption())
    .option('--json', 'print the problems as JSON')
    .addOption(noColorOption()),
).action(async (opts) => run(opts, () => import('./commands/validate.js').then((m) => m.validateCommand(opts))));

logOptions(
  program
    .command('policy')
    .description("resolve devices' policy zones and print their serials and counts")
    .argument('[device...]', 'device nicknames (default: all)')
    .addOption(dirOption())
    .option('--json', 'print JSON')
    .option('--cidrs', "print the device's desired block set, one CIDR per line in address order")
    .addOption(noColorOption()),
).action(async (devices, opts) =>
  run(opts, () => import('./commands/policy.js').then((m) => m.policyCommand(devices, opts))),
);

logOptions(
  program
    .command('plan')
    .description('show the changes apply would make (a dry run)')
    .argument('[device...]', 'device nicknames (default: all)')
    .addOption(dirOption())
    .option('--out <file>', 'save the plan to a file for `tscm apply FILE`')
    .addOption(new Option('--json', 'print the plan as JSON').conflicts('markdown'))
    .option('--markdown', 'print a pull-request comment')
    .option('--plan-url <url>', 'where the full plan can be read, linked from the markdown view')
    .option('--max-chars <n>', 'markdown: the longest the comment may be (default 60000; GitHub takes 65536)')
    .option(
      '--comment-id <id>',
      'markdown: a key of its own in the hidden marker, so several jobs keep one comment each',
    )
    .option('--changed-since <rev>', 'plan only the devices whose definitions changed since this git revision')
    .option('--detailed-exitcode', 'exit 0 with no changes, 2 with changes, 1 on error')
    .option('--refresh <bool>', 'read the devices (true) or trust the stored state (false)', 'true')
    .option('--adopt', 'take over the members already in the groups on devices tscm has no state for')
    .option(
      '--force',
      "plan as if a source's tripped integrity gate were accepted (save with --out, then `tscm apply FILE --force`)",
    )
    .addOption(noColorOption()),
).action(async (devices, opts) =>
  run(opts, () => import('./commands/plan.js').then((m) => m.planCommand(devices, opts))),
);

program
  .command('show')
  .description('show a saved plan (tscm plan --out FILE), or print it as the JSON `tscm plan --json` prints')
  .argument('<planfile>', 'a plan file, or a .json.gz of the plan history')
  .option('--json', 'print the plan as JSON (schemas/plan-output.schema.json)')
  .addOption(noColorOption())
  .action(async (file, opts) => run(opts, () => import('./commands/show.js').then((m) => m.showCommand(file, opts))));

logOptions(
  program
    .command('apply')
    .description('apply a saved plan, or plan and apply the named devices')
    .argument('[planfile-or-device...]', 'a plan file from `tscm plan --out`, or device nicknames (default: all)')
    .addOption(dirOption())
    .option('--auto-approve', 'do not ask for confirmation')
    .option(
      '--force',
      'apply even when the plan is refused for safety (large removals, emptied groups); let a source an integrity gate holds through once',
    )
    .option('--adopt', 'take over the members already in the groups on devices tscm has no state for')
    .addOption(noColorOption()),
).action(async (args, opts) => run(opts, () => import('./commands/apply.js').then((m) => m.applyCommand(args, opts))));

logOptions(
  program
    .command('remove')
    .alias('destroy')
    .description('remove the groups tscm manages from a device')
    .argument('<device>', 'device nickname')
    .addOption(dirOption())
    .option('--auto-approve', 'do not ask for confirmation')
    .addOption(noColorOption()),
).action(async (device, opts) =>
  run(opts, () => import('./commands/remove.js').then((m) => m.removeCommand(device, opts))),
);

logOptions(
  program
    .command('unlock')
    .description("break a device's state lock left by a run that died (on the configured state backend)")
    .argument('<device>', 'device nickname')
    .addOption(dirOption()),
).action(async (device, opts) =>
  run(opts, () => import('./commands/unlock.js').then((m) => m.unlockCommand(device, opts))),
);

logOptions(
  program
    .command('status')
    .description("each device's ready status as the last reconcile recorded it in the state backend")
    .argument('[device...]', 'device nicknames (default: all, defined or in the state)')
    .addOption(dirOption())
    .option('--json', 'print JSON (the devices as /status of the loop serves them)'),
).action(async (devices, opts) =>
  run(opts, () => import('./commands/status.js').then((m) => m.statusCommand(devices, opts))),
);

registerHitsCommand(program);

logOptions(
  program
    .command('list')
    .description('list the devices: platform, address, policy zones, groups, last apply')
    .addOption(dirOption())
    .option('--json', 'print JSON'),
).action(async (opts) => run(opts, () => import('./commands/list.js').then((m) => m.listCommand(opts))));

logOptions(
  program
    .command('reconcile')
    .description('the controller: reconcile the fleet now and every --interval, serving status and metrics')
    .addOption(dirOption())
    .addOption(envOption('--repo <url>', 'reconcile from this git repository instead of --dir', 'TSCM_REPO'))
    .addOption(envOption('--branch <branch>', 'the branch of --repo', 'TSCM_BRANCH', RECONCILE_DEFAULTS.branch))
    .addOption(envOption('--path <path>', 'the definitions folder inside --repo', 'TSCM_PATH', RECONCILE_DEFAULTS.path))
    .addOption(
      envOption('--work-dir <dir>', 'where --repo is cloned (default: under --dir, or ~/.cache/tscm)', 'TSCM_WORK_DIR'),
    )
    .addOption(
      envOption(
        '--git-token-file <file>',
        'a file holding the HTTPS token for --repo (or the token itself in TSCM_GIT_TOKEN)',
        'TSCM_GIT_TOKEN_FILE',
      ),
    )
    .addOption(envOption('--git-ssh-key <file>', 'an SSH private key file for --repo', 'TSCM_GIT_SSH_KEY'))
    .option('--once', 'run one pass and exit')
    .option('--watch', 'reconcile the devices whose files change in the --dir checkout, at once')
    .addOption(
      envOption(
        '--watch-debounce <duration>',
        'quiet time gathering edits for --watch',
        'TSCM_WATCH_DEBOUNCE',
        RECONCILE_DEFAULTS.watchDebounce,
      ),
    )
    .addOption(
      envOption(
        '--interval <duration>',
        'time between passes, jittered by 10%',
        'TSCM_INTERVAL',
        RECONCILE_DEFAULTS.interval,
      ),
    )
    .addOption(
      envOption(
        '--drift-interval <duration>',
        "how often each device's groups are read for drift",
        'TSCM_DRIFT_INTERVAL',
        RECONCILE_DEFAULTS.driftInterval,
      ),
    )
    .addOption(
      envOption(
        '--concurrency <n>',
        'devices worked on at once (one session per device)',
        'TSCM_CONCURRENCY',
        RECONCILE_DEFAULTS.concurrency,
      ),
    )
    .addOption(
      envOption(
        '--shard <i/n>',
        'work on shard I of N (a stable hash of the name); ordinal/N: I from the host name',
        'TSCM_SHARD',
      ),
    )
    .option('--prune', "take tscm's groups off devices whose definition was deleted")
    // TSCM_SYSLOG is read in reconcile-options.ts: "0" or "false" there means off.
    .option('--syslog', "also receive the devices' syslog, as tscm syslog does (env TSCM_SYSLOG=1)")
    .addOption(
      envOption(
        '--listen <addr:port>',
        'serve /healthz /readyz /status /metrics here ("off": none)',
        'TSCM_LISTEN',
        RECONCILE_DEFAULTS.listen,
      ),
    )
    .addOption(
      envOption(
        '--stop-timeout <duration>',
        'on SIGTERM, how long a pass may take to stop truthfully',
        'TSCM_STOP_TIMEOUT',
        RECONCILE_DEFAULTS.stopTimeout,
      ),
    ),
  'info',
).action(async (opts, cmd: Command) =>
  run(opts, () =>
    import('./commands/reconcile.js').then((m) =>
      m.reconcileCommand({ ...opts, dirGiven: cmd.getOptionValueSource('dir') !== 'default' }),
    ),
  ),
);

registerLogCommands(program);

program
  .command('version')
  .description("print tscm's version (also: tscm --version)")
  .option('--json', 'print JSON')
  .action((opts: { json?: boolean }) => {
    const facts = { version: TOOL_VERSION, node: process.version, platform: `${process.platform}/${process.arch}` };
    process.stdout.write(
      opts.json ? JSON.stringify(facts) + '\n' : `tscm ${facts.version} (Node.js ${facts.node}, ${facts.platform})\n`,
    );
  });

registerStateCommands(program);
registerLabCommand(program);

/** Parses argv (process.argv's shape) and runs the command; the exit code is left in process.exitCode. */
export async function runProgram(argv: readonly string[]): Promise<void> {
  await program.parseAsync(argv);
}
