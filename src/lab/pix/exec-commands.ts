// Exec commands (user and privileged; PIX also runs them in configuration mode): enable, show, write, terminal,
// exit. Which exist depends on the variant: PIX 6 has no `show running-config` and no `terminal pager`.

import { kw } from '../vty/grammar.js';
import type { GrammarNode, KeywordEdge } from '../vty/grammar.js';
import type { PixHandler } from './command-context.js';
import { INVALID_PASSWORD, STANDBY_WARNING } from './messages.js';
import { accessListLines, groupLines, npAclCountLines, versionLines } from './show-output.js';
import type { PixVariant } from './types.js';

type Node = GrammarNode<PixHandler>;

const NAME = { name: 'name', test: (t: string): boolean => /^[\w.-]{1,64}$/.test(t) };
const NUMBER = { name: 'n', test: (t: string): boolean => /^\d{1,3}$/.test(t) };

const leave: PixHandler = (c) => {
  c.console.print('Logoff'); // [I: a PIX telnet transcript]
  c.console.close();
};

const enable: PixHandler = (c) => {
  c.console.ask({
    prompt: 'Password: ',
    echo: false,
    mask: '*',
    single: false,
    answer: (text) => {
      if (text === c.device.enablePassword) c.mode = { kind: 'priv' };
      else c.console.print(INVALID_PASSWORD);
    },
  });
};

const pagerLine = (length: number): string => (length === 0 ? 'no pager' : `pager lines ${length}`);

const showVersion: PixHandler = (c) => c.printPaged(versionLines(c.device.variant, c.device.config, c.device.hostname));
const showRunning: PixHandler = (c) => c.printPaged(c.device.config.renderLines());
const showGroups: PixHandler = (c) =>
  c.printPaged(groupLines(c.device.config, c.args['name'], c.words[1] === 'object-group'));
const showAcl: PixHandler = (c) => c.printPaged(accessListLines(c.device.variant, c.device.config, c.args['name']));
const showNpAclCount: PixHandler = (c) =>
  c.printPaged(npAclCountLines(c.device.config.elements(), c.device.aclRuleMax() ?? 0));
const showPager: PixHandler = (c) => c.console.print(pagerLine(c.console.terminal.length));
const showFailover: PixHandler = (c) =>
  c.console.print(
    ...(c.device.faults.standby
      ? [
          'Failover On',
          'Failover unit Secondary',
          'This host: Secondary - Standby Ready',
          'Other host: Primary - Active',
        ]
      : ['Failover Off']),
  );
const writeMemory: PixHandler = (c) => c.console.print(...c.device.writeMemory());
const writeTerminal: PixHandler = (c) =>
  c.printPaged(['Building configuration...', ...c.device.config.renderLines(), '[OK]']);
const terminalPager: PixHandler = (c) => {
  c.console.terminal.length = Number(c.args['n']);
};

function groupFilter(): Node {
  const byName: Node = { param: { spec: NAME, next: { run: showGroups, pipe: true } } };
  return {
    run: showGroups,
    pipe: true,
    keywords: [kw('network', { run: showGroups, pipe: true, keywords: [kw('id', byName)] }), kw('id', byName)],
  };
}

function showNode(variant: PixVariant): Node {
  const keywords: KeywordEdge<PixHandler>[] = [
    kw('version', { run: showVersion, pipe: true }),
    kw('object-group', groupFilter()),
    kw('access-list', { run: showAcl, pipe: true, param: { spec: NAME, next: { run: showAcl, pipe: true } } }),
    kw('pager', { run: showPager }),
    kw('failover', { run: showFailover }),
  ];
  // The FWSM's network processors (np 1-3); 3 holds the ACL rules [S: testdata above]. PIX has no `show np`.
  const np: Node = {
    param: {
      spec: NUMBER,
      next: { keywords: [kw('acl', { keywords: [kw('count', { run: showNpAclCount, pipe: true })] })] },
    },
  };
  if (variant === 'fwsm3') keywords.push(kw('np', np));
  if (variant !== 'pix6')
    keywords.push(
      kw('running-config', { run: showRunning, pipe: true, keywords: [kw('object-group', groupFilter())] }),
    );
  return { keywords };
}

export function execKeywords(variant: PixVariant, privileged: boolean): KeywordEdge<PixHandler>[] {
  const keywords: KeywordEdge<PixHandler>[] = [
    kw('exit', { run: leave }),
    kw('quit', { run: leave }),
    kw('logout', { run: leave }),
    kw('show', showNode(variant)),
  ];
  if (!privileged) return [...keywords, kw('enable', { run: enable })];
  const writeNode: Node = {
    run: writeMemory,
    keywords: [kw('memory', { run: writeMemory }), kw('terminal', { run: writeTerminal, pipe: true })],
  };
  keywords.push(kw('write', writeNode), kw('disable', { run: (c) => (c.mode = { kind: 'user' }) }));
  keywords.push(kw('enable', { run: () => undefined }));
  if (variant !== 'pix6') {
    const pagerArg: Node = { param: { spec: NUMBER, next: { run: terminalPager } } };
    const terminal: Node = {
      keywords: [
        kw('pager', { keywords: [kw('lines', pagerArg)], param: { spec: NUMBER, next: { run: terminalPager } } }),
        kw('width', { param: { spec: NUMBER, next: { run: () => undefined } } }),
      ],
    };
    keywords.push(kw('terminal', terminal));
    keywords.push(
      kw('copy', {
        keywords: [kw('running-config', { keywords: [kw('startup-config', { run: writeMemory })] })],
      }),
    );
  }
  return keywords;
}

/** Standby units warn on every configuration command (and still apply it) [S: cisco-protocol.md §6 row 19]. */
export function warnIfStandby(c: {
  device: { faults: { standby?: boolean } };
  console: { print(...l: string[]): void };
}): void {
  if (c.device.faults.standby) c.console.print(STANDBY_WARNING);
}
