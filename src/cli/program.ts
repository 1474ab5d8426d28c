// The commander program behind src/cli/main.ts: every command, its options (flags, env, defaults) and help.
// Loaded only when main.ts cannot answer alone; each command module is imported when its command runs.

import { Command, Option } from 'commander';
import { resolveLogFormat, type LogFormat } from './logger.js';
import { RECONCILE_DEFAULTS } from './reconcile-defaults.js';
import { TOOL_VERSION } from './version.js';

const program = new Command()
  .name('tscm')
  .description('Declarative GitOps reconciler for firewall IP block/allow lists on Cisco devices')
  .version(TOOL_VERSION)
  .showHelpAfterError()
  .configureOutput({ outputError: (str, write) => write(str) });

const dirOption = () => new Option('--dir <dir>', 'the folder of device definitions').default('.').env('TSCM_DIR');
// Every command that prints takes --no-color (NO_COLOR is honoured as well: cli/color.ts).
const noColorOption = () => new Option('--no-color', 'no ANSI colours (also: NO_COLOR=1)');
// Logs are text on a terminal and JSON lines otherwise (a container, CI, a pipe): the preAction hook below
// settles the format before a command runs, so every command (and its errors) keeps to one.
const logOptions = (cmd: Command, level = 'warn') =>
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
    .option('--force', 'apply even when the plan is refused for safety (large removals, emptied groups)')
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

logOptions(
  program
    .command('hits')
    .description(
      "which of a device's block entries its ACL log lines hit: busiest blocked sources and destinations, entries that never hit, allow-list hits",
    )
    .argument('<device>', 'device nickname')
    .addOption(dirOption())
    .option('--since <duration>', 'the period, back from now (1h, 24h, 7d)', '24h')
    .option('--top <n>', 'how many rows per table', '20')
    .option('--json', 'print JSON (src/logs/hits/README.md)'),
).action(async (device, opts) =>
  run(opts, () => import('./commands/hits.js').then((m) => m.hitsCommand(device, opts))),
);

logOptions(
  program
    .command('list')
    .description('list the devices: platform, address, policy zones, groups, last apply')
    .addOption(dirOption())
    .option('--json', 'print JSON'),
).action(async (opts) => run(opts, () => import('./commands/list.js').then((m) => m.listCommand(opts))));

const envOption = (flags: string, description: string, env: string, value?: string) => {
  const option = new Option(flags, description).env(env);
  return value === undefined ? option : option.default(value);
};

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

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

logOptions(
  program
    .command('syslog')
    .description("receive the devices' syslog: a file per device, rotated, uploaded, forwarded; hits counted")
    .addOption(dirOption())
    .option(
      '--udp <host:port>',
      'listen for syslog over UDP here (repeatable; default: tscm.yaml logs.udp, 0.0.0.0:514)',
      collect,
    )
    .option(
      '--tcp <host:port>',
      'listen for syslog over TCP here (repeatable; default: tscm.yaml logs.tcp, 0.0.0.0:514 and 0.0.0.0:1470)',
      collect,
    )
    .addOption(
      envOption(
        '--listen <addr:port>',
        'serve /healthz /readyz /status /metrics here (default: off)',
        'TSCM_SYSLOG_LISTEN',
      ),
    )
    .addOption(
      envOption(
        '--reload-interval <duration>',
        're-read the definitions this often (and on SIGHUP)',
        'TSCM_RELOAD_INTERVAL',
        '1m',
      ),
    ),
  'info',
).action(async (opts) => run(opts, () => import('./commands/syslog.js').then((m) => m.syslogCommand(opts))));

logOptions(
  program
    .command('logs')
    .description('rotate the device log files now and upload them (through the running receiver when there is one)')
    .argument('[device]', 'only this device (default: all)')
    .addOption(dirOption())
    .option('--json', 'print JSON'),
).action(async (device, opts) =>
  run(opts, () => import('./commands/logs.js').then((m) => m.logsCommand(device, opts))),
);

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

// tscm state: inspect the state backend and move state between backends (src/cli/commands/state*.ts).
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

program
  .command('lab')
  .description('run emulated devices and a policy DNS server; `tscm lab demo` runs the end-to-end demo')
  .argument('[action]', '"demo" for the demo; none to run the lab (one router and the DNS server) in the foreground')
  .addOption(
    new Option('--platform <platform>', 'the emulated platform')
      .choices(['ios', 'asa', 'asa-rest', 'pix'])
      .default('ios'),
  )
  .option('--variant <variant>', 'pix only: pix6 (telnet), pix7 (default) or fwsm3 (SSH)')
  .option('--telnet-listen <host:port>', 'pix only: also serve telnet there (pix6 serves telnet on --listen)')
  .option('--listen <host:port>', 'where the emulated device listens (port 0 picks a free one)', '127.0.0.1:2222')
  .option('--ssh-listen <host:port>', 'asa-rest only: also serve the SSH CLI of the same ASA there')
  .option('--standby-listen <host:port>', 'asa: also run a failover pair, its standby unit listening here')
  .option('--config <file>', 'a device running-config to boot from (default: a freshly set-up router)')
  .option('--username <user>', 'login user', 'admin')
  .option('--password <password>', 'login password (lab only)', 'admin')
  .option('--enable-password <password>', 'enable password (lab only)', 'enable')
  .option(
    '--dns-listen <host:port>',
    'where the policy DNS server listens, port 53 or 5353 (default: 127.0.0.1:5353, or 5353 on 127.0.53.1-3 when taken)',
  )
  .option('--block-list <file>', 'serve this CIDR list file as block.lab.tscm.test (default: the generated lab feed)')
  .option(
    '--allow-list <file>',
    'serve this CIDR list file as allow.lab.tscm.test (default: a few hosts of the generated feed; none with --block-list)',
  )
  .option('--policy-size <n>', 'entries of the generated block list (without --block-list; also for demo)', '10000')
  .option('--faults <file>', 'inject router faults from a YAML or JSON file (keys below); flags override it')
  .option('--drop-after <n>', 'fault: close the connection after the Nth command of each session (it runs, no reply)')
  .option('--reply-delay <ms>', 'fault: delay every reply of the router by this many milliseconds')
  .option('--nvram-busy <n>', 'fault: the next N `write memory` fail with "Device or resource busy"')
  .option('--config-locked <n>', 'fault: the next N `configure terminal` find configuration mode locked')
  .option('--reject-enable', 'fault: refuse every enable secret (% Bad secrets)')
  .option('--write-confirm', 'fault: `write memory` asks "Overwrite the previous NVRAM configuration?[confirm]"')
  .option(
    '--authorization-fail-after <n>',
    'fault: after N more commands every command answers "Command authorization failed." (IOS)',
  )
  .option('--log-config-events', 'print %SYS-5-CONFIG_I on the session shortly after leaving configuration mode')
  .addHelpText(
    'after',
    `
Faults file (--faults): a YAML or JSON mapping of these keys, e.g. "nvramBusyTimes: 2":
  dropAfterCommands  1-1000000   like --drop-after
  replyDelayMs       0-60000     like --reply-delay
  nvramBusyTimes     0-1000      like --nvram-busy
  configLockedTimes  0-1000      like --config-locked
  rejectEnable       true|false  like --reject-enable
  writeConfirm       true|false  like --write-confirm
  authorizationFailAfter 0-1000000 like --authorization-fail-after
  logConfigEvents    true|false  like --log-config-events
With --platform asa: dropAfterCommands, replyDelayMs, rejectEnable, writeConfirm (and their flags) and
  writeFailTimes 0-1000, askReporting true|false, configSessionHeld true|false,
  commandAuthorizationFailAfter 0-1000000, elementLimit 0-10000000, asyncLines true|false
  (see src/lab/asa/README.md); --nvram-busy, --config-locked, --authorization-fail-after and
  --log-config-events are IOS only.
With --platform pix: dropAfterCommands, replyDelayMs (and their flags) and writeFailTimes 0-1000,
  aceLimit 0-100000000, standby true|false, objectExistsTimes 0-1000 (see src/lab/pix/README.md).
With --platform asa-rest: replyDelayMs (and --reply-delay), maxSessions, tokenExpiresAfterRequests,
  maxBodyBytes, writememFailTimes, oomAboveConfigBytes, absent, serverErrors {afterRequests, count,
  body: json|html, applyWrites}, agentRestart {afterRequests, downMs} (see src/lab/asa-rest/README.md).
Any other key, or a value of the wrong type, stops the lab naming the file and the field.`,
  )
  .addOption(noColorOption())
  .action(async (action, opts) => run(opts, () => import('./commands/lab.js').then((m) => m.labCommand(action, opts))));

async function run(opts: { logFormat?: LogFormat }, fn: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await fn();
  } catch (err) {
    const { reportError } = await import('./report-error.js');
    process.exitCode = reportError(err, opts.logFormat ?? resolveLogFormat(undefined, process.stderr.isTTY));
  }
}

/** Parses argv (process.argv's shape) and runs the command; the exit code is left in process.exitCode. */
export async function runProgram(argv: readonly string[]): Promise<void> {
  await program.parseAsync(argv);
}
