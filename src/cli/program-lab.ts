// tscm lab: emulated devices and a policy DNS server, with the router faults a test or a demo can inject.

import type { Command } from 'commander';
import { Option } from 'commander';
import { noColorOption, run } from './program-options.js';

export function registerLabCommand(program: Command): void {
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
    .action(async (action, opts) =>
      run(opts, () => import('./commands/lab.js').then((m) => m.labCommand(action, opts))),
    );
}
