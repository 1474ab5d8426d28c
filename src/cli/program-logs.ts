// The device-log commands of the program: syslog (the receiver), logs (rotate and upload now), hits (ACL log hits
// against the block entries). Each command module is imported when its command runs.

import type { Command } from 'commander';
import { dirOption, envOption, logOptions, run } from './program-options.js';

export function registerHitsCommand(program: Command): void {
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
}

/** syslog and logs (hits stands with the reports, before list, where help has always listed it). */
export function registerLogCommands(program: Command): void {
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
}
