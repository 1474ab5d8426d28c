// `show ...` commands: running/startup config, object groups, IP access lists and a few status commands.

import type { CommandContext, Handler } from './command-context.js';
import { kw } from '../vty/grammar.js';
import type { GrammarNode, ParamSpec } from '../vty/grammar.js';
import { renderNumberedShow } from './access-list.js';

const NAME: ParamSpec = { name: 'name', test: () => true };

const showRunning: Handler = (ctx) => ctx.printPaged(ctx.device.showRunningLines());
const showStartup: Handler = (ctx) => ctx.printPaged(ctx.device.showStartupLines());

/** Modelled groups from the model (once, where their first block is), other kinds from their verbatim text. */
const showObjectGroup: Handler = (ctx) => {
  const out: string[] = [];
  const name = ctx.args['name'];
  const shown = new Set<string>();
  for (const block of ctx.device.config.blocks) {
    if (block.kind === 'group') {
      const group = block.segment.group;
      if ((name === undefined || group.name === name) && !shown.has(group.name)) group.renderShow(out);
      shown.add(group.name);
    } else if (block.kind === 'text') {
      const other = /^object-group (\S+) (\S+)\s*$/.exec(block.lines[0] ?? '');
      if (other && (name === undefined || other[2] === name)) {
        out.push(`${showKind(other[1] as string)} object group ${other[2]}`);
        out.push(...block.lines.slice(1).filter((l) => l.trim() !== ''));
      }
    }
  }
  // An unknown name prints nothing [I]: callers must not read "no output" as "empty group".
  ctx.printPaged(out);
};

/** `service` -> `Service`, `v6-service` -> `V6-Service`, as `show object-group` names the kinds. */
function showKind(kind: string): string {
  return kind
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('-');
}

/** Numbered lists first, in number order, then named lists in config order [I]. */
const showAccessLists: Handler = (ctx) => {
  const out: string[] = [];
  const name = ctx.args['name'];
  const config = ctx.device.config;
  renderNumberedShow(config.numberedAclLines(), name, out);
  for (const acl of config.acls.values()) if (name === undefined || acl.name === name) acl.renderShow(out);
  ctx.printPaged(out);
};

const showVersion: Handler = (ctx) =>
  ctx.printPaged([
    'Cisco IOS Software, C880 Software (C880DATA-UNIVERSALK9-M), Version 15.7(3)M8, RELEASE SOFTWARE (fc2)',
    'Technical Support: http://www.cisco.com/techsupport',
    'Copyright (c) 1986-2020 by Cisco Systems, Inc.',
    '',
    'ROM: System Bootstrap, Version 15.0(1r)M16, RELEASE SOFTWARE (fc1)',
    '',
    `${ctx.device.hostname} uptime is 1 week, 2 days, 3 hours, 4 minutes`,
    'System image file is "flash:c880data-universalk9-mz.157-3.M8.bin"',
    '',
    'Cisco C881-K9 (revision 1.0) with 488524K/35763K bytes of memory.',
    'Processor board ID FGL000000XX (tscm lab emulator)',
    '',
    'Configuration register is 0x2102',
  ]);

const showPrivilege: Handler = (ctx) => ctx.print(`Current privilege level is ${ctx.mode.kind === 'user' ? 1 : 15}`);

const showTerminal: Handler = (ctx) =>
  ctx.printPaged([
    `Line 2, Location: "", Type: "xterm"`,
    `Length: ${ctx.terminal.length} lines, Width: ${ctx.terminal.width} columns`,
  ]);

const showClock: Handler = (ctx) => ctx.print(formatIosClock(new Date()));

/** `*01:02:03.456 UTC Mon Nov 23 2026`, the IOS clock format (leading `*`: clock not authoritative). */
export function formatIosClock(now: Date): string {
  const day = now.toUTCString().slice(0, 3);
  const month = now.toUTCString().slice(8, 11);
  const time = now.toISOString().slice(11, 23);
  return `*${time} UTC ${day} ${month} ${now.getUTCDate()} ${now.getUTCFullYear()}`;
}

/** `*Nov 23 01:02:03.456` as IOS stamps console log lines (`service timestamps log datetime msec`). */
export function formatSyslogTime(now: Date): string {
  const month = now.toUTCString().slice(8, 11);
  const day = String(now.getUTCDate()).padStart(2, ' ');
  return `*${month} ${day} ${now.toISOString().slice(11, 23)}`;
}

const pipeable = (run: Handler): GrammarNode<Handler> => ({ run, pipe: true });

const unsupported: Handler = (ctx) => ctx.print('% This command is not emulated by the tscm IOS lab device', '');

/** Real `show` keywords we do not emulate, so that abbreviations are as ambiguous as on a router (`sh r`). */
const SHOW_STUBS = ['arp', 'cdp', 'flash:', 'history', 'hosts', 'interfaces', 'inventory', 'line', 'logging'];
const PRIV_SHOW_STUBS = ['archive', 'redundancy', 'reload', 'route-map', 'rsvp', 'sessions', 'ssh', 'users'];
const IP_STUBS = ['interface', 'route', 'ssh', 'object-group'];

/** The `show` subtree; privileged exec gets the config views, user exec only the harmless ones. */
export function buildShowGrammar(privileged: boolean): GrammarNode<Handler> {
  const common = [
    kw('clock', pipeable(showClock)),
    kw('privilege', pipeable(showPrivilege)),
    kw('terminal', pipeable(showTerminal)),
    kw('version', pipeable(showVersion)),
    ...SHOW_STUBS.map((word) => kw(word, { run: unsupported })),
  ];
  if (!privileged) return { keywords: common };
  const aclNode: GrammarNode<Handler> = {
    run: showAccessLists,
    pipe: true,
    param: { spec: NAME, next: pipeable(showAccessLists) },
  };
  const groupNode: GrammarNode<Handler> = {
    run: showObjectGroup,
    pipe: true,
    keywords: [kw('name', { param: { spec: NAME, next: pipeable(showObjectGroup) } })],
    param: { spec: NAME, next: pipeable(showObjectGroup) },
  };
  return {
    keywords: [
      ...common,
      kw('access-lists', aclNode),
      kw('ip', { keywords: [kw('access-lists', aclNode), ...IP_STUBS.map((w) => kw(w, { run: unsupported }))] }),
      ...PRIV_SHOW_STUBS.map((word) => kw(word, { run: unsupported })),
      kw('object-group', groupNode),
      kw('running-config', pipeable(showRunning)),
      kw('startup-config', pipeable(showStartup)),
    ],
  };
}

export function runShowRunning(ctx: CommandContext): void {
  showRunning(ctx);
}
