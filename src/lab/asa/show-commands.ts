// `show ...`: the running config and its object-group / access-list / access-group views, `show object-group`
// (description with a colon), `show access-list` (element counts, hashes, expanded lines), failover, version,
// curpriv, pager, terminal.

import { createHash } from 'node:crypto';
import { kw } from '../vty/grammar.js';
import type { GrammarNode, ParamSpec } from '../vty/grammar.js';
import type { AsaHandler } from './command-context.js';
import type { AsaConfig } from './config-model.js';

const NAME: ParamSpec = { name: 'name', test: () => true };

export const runShowRunning: AsaHandler = (ctx) => ctx.printPaged(ctx.device.config.renderLines());

const showStartup: AsaHandler = (ctx) => ctx.printPaged(ctx.device.startupConfigText().replace(/\n$/, '').split('\n'));

/** `object-group`, `object-group network`, `object-group id NAME` (any kind), in config form or show form. */
function groupView(show: boolean): AsaHandler {
  return (ctx) => {
    const name = ctx.args['name'];
    const network = ctx.words.includes('network');
    ctx.printPaged(
      ctx.device.config.objectGroupBlocks(
        (kind, group) => (name === undefined || group === name) && (!network || kind === 'network'),
        show,
      ),
    );
  };
}

const runAccessList: AsaHandler = (ctx) => {
  const name = ctx.args['name'];
  ctx.printPaged(
    ctx.device.config.textLines().filter((l) => l.startsWith('access-list ') && (!name || l.split(' ')[1] === name)),
  );
};

const runAccessGroup: AsaHandler = (ctx) =>
  ctx.printPaged(ctx.device.config.textLines().filter((l) => l.startsWith('access-group ')));

const hash = (text: string): string => `0x${createHash('md5').update(text).digest('hex').slice(0, 8)}`;

/** The network members of a group, nested groups flattened, as ACL lines print them (`host A`, `A MASK`, `P/L`). */
function flatten(config: AsaConfig, name: string, seen = new Set<string>()): string[] {
  const group = config.groups.get(name);
  if (!group || seen.has(name)) return [];
  seen.add(name);
  const out: string[] = [];
  for (const line of group.memberLines()) {
    if (line.startsWith('group-object ')) out.push(...flatten(config, line.slice(13), seen));
    else if (!line.startsWith('network-object object ')) out.push(line.slice('network-object '.length));
  }
  return out;
}

/** `show access-list [NAME]` (spec §2): per ACL its element count and hash, each entry with its expansion. */
const showAccessList: AsaHandler = (ctx) => {
  const config = ctx.device.config;
  const wanted = ctx.args['name'];
  const acls = new Map<string, string[]>();
  for (const line of config.textLines()) {
    const words = line.trim().split(/\s+/);
    if (words[0] !== 'access-list' || words[1] === undefined || (wanted && words[1] !== wanted)) continue;
    acls.set(words[1], [...(acls.get(words[1]) ?? []), words.slice(2).join(' ')]);
  }
  const out = [
    'access-list cached ACL log flows: total 0, denied 0 (deny-flow-max 4096)',
    '            alert-interval 300',
  ];
  for (const [name, entries] of acls) {
    const body: string[] = [];
    let elements = 0;
    entries.forEach((entry, index) => {
      const head = `access-list ${name} line ${index + 1} ${entry}`;
      if (entry.startsWith('remark')) {
        body.push(head);
        return;
      }
      const words = entry.split(' ');
      const at = words.findIndex((w, i) => w === 'object-group' && config.groups.has(words[i + 1] ?? ''));
      if (at < 0) {
        elements++;
        body.push(`${head} (hitcnt=0) ${hash(head)}`);
        return;
      }
      const members = flatten(config, words[at + 1] as string);
      elements += members.length;
      body.push(`${head} (hitcnt=0) ${hash(head)}`);
      for (const member of members) {
        const expanded = [...words.slice(0, at), member, ...words.slice(at + 2)].join(' ');
        const text = `access-list ${name} line ${index + 1} ${expanded}`;
        body.push(`  ${text} (hitcnt=0) ${hash(text)}`);
      }
    });
    out.push(`access-list ${name}; ${elements} elements; name hash: ${hash(name)}`, ...body);
  }
  ctx.printPaged(out);
};

const showFailover: AsaHandler = (ctx) => {
  const failover = ctx.unit.failover;
  const version = ctx.device.config.version();
  const common = [
    'Reconnect timeout 0:00:00',
    'Unit Poll frequency 1 seconds, holdtime 15 seconds',
    'Interface Poll frequency 5 seconds, holdtime 25 seconds',
    'Interface Policy 1',
    'Monitored Interfaces 2 of 1285 maximum',
    'MAC Address Move Notification Interval not set',
  ];
  if (!failover) {
    ctx.printPaged(['Failover Off', 'Failover unit Primary', 'Failover LAN Interface: not Configured', ...common]);
    return;
  }
  const unit = failover.unit === 'primary' ? 'Primary' : 'Secondary';
  const mate = failover.unit === 'primary' ? 'Secondary' : 'Primary';
  const active = failover.state() === 'active';
  ctx.printPaged([
    'Failover On',
    `Failover unit ${unit}`,
    'Failover LAN Interface: failover GigabitEthernet0/2 (up)',
    ...common,
    `Version: Ours ${version}, Mate ${version}`,
    `This host: ${unit} - ${active ? 'Active' : 'Standby Ready'}`,
    `Active time: ${active ? 87 : 0} (sec)`,
    `Other host: ${mate} - ${active ? 'Standby Ready' : 'Active'}`,
    `Active time: ${active ? 0 : 87} (sec)`,
  ]);
};

const showVersion: AsaHandler = (ctx) =>
  ctx.printPaged([
    '',
    `Cisco Adaptive Security Appliance Software Version ${ctx.device.config.version()} `,
    'Device Manager Version 7.16(1)',
    '',
    'Compiled on Tue 17-Aug-21 16:32 GMT by builders',
    'System image file is "boot:/asa-lab-smp-k8.bin"',
    'Config file at boot was "startup-config"',
    '',
    `${ctx.device.hostname} up 2 hours 12 mins`,
    '',
    'Hardware:   ASAv, 2048 MB RAM, CPU Xeon E5 series 2600 MHz,',
  ]);

const showCurpriv: AsaHandler = (ctx) => {
  const privileged = ctx.mode.kind !== 'user';
  const mode = { user: 'P_UNPR', priv: 'P_PRIV', config: 'P_CONF', group: 'P_CONF' }[ctx.mode.kind];
  ctx.print(
    `Username : enable_${privileged ? 15 : 1}`,
    `Current privilege level : ${privileged ? 15 : 1}`,
    `Current Mode/s : ${mode}`,
  );
};

const showPager: AsaHandler = (ctx) => ctx.print(ctx.pagerLines === 0 ? 'no pager' : `pager lines ${ctx.pagerLines}`);

const showTerminal: AsaHandler = (ctx) =>
  ctx.print(`Width = ${ctx.terminal.width}, no monitor`, 'terminal interactive');

const pipeable = (run: AsaHandler): GrammarNode<AsaHandler> => ({ run, pipe: true });

function groupNode(show: boolean): GrammarNode<AsaHandler> {
  const run = groupView(show);
  return {
    run,
    pipe: true,
    keywords: [kw('network', pipeable(run)), kw('id', { param: { spec: NAME, next: pipeable(run) } })],
  };
}

const unsupported: AsaHandler = (ctx) => ctx.print('ERROR: this command is not emulated by the tscm ASA lab device');
const STUBS = ['arp', 'clock', 'conn', 'cpu', 'interface', 'logging', 'memory', 'route', 'ssh', 'xlate'];

export function buildShowGrammar(privileged: boolean): GrammarNode<AsaHandler> {
  const common = [
    kw('curpriv', pipeable(showCurpriv)),
    kw('pager', pipeable(showPager)),
    kw('terminal', pipeable(showTerminal)),
    kw('version', pipeable(showVersion)),
    ...STUBS.map((word) => kw<AsaHandler>(word, { run: unsupported })),
  ];
  if (!privileged) return { keywords: common };
  return {
    keywords: [
      ...common,
      kw('access-list', { run: showAccessList, pipe: true, param: { spec: NAME, next: pipeable(showAccessList) } }),
      kw('failover', pipeable(showFailover)),
      kw('object-group', groupNode(true)),
      kw('running-config', {
        run: runShowRunning,
        pipe: true,
        keywords: [
          kw('object-group', groupNode(false)),
          kw('access-list', { run: runAccessList, pipe: true, param: { spec: NAME, next: pipeable(runAccessList) } }),
          kw('access-group', pipeable(runAccessGroup)),
        ],
      }),
      kw('startup-config', pipeable(showStartup)),
    ],
  };
}
