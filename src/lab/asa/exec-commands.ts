// User and privileged exec: enable (the secret echoed as `*`), configure terminal with its questions (anonymous
// reporting, a config session held elsewhere, the standby's warning), terminal pager, write/copy, exit.

import { kw } from '../vty/grammar.js';
import type { GrammarNode, ParamSpec } from '../vty/grammar.js';
import type { AsaContext, AsaHandler } from './command-context.js';
import { STANDBY_WARNING_LINES } from './messages.js';
import { buildShowGrammar, runShowRunning } from './show-commands.js';

const REPORTING_QUESTION = [
  '***************************** NOTICE *****************************',
  '',
  'Help to improve the ASA platform by enabling anonymous reporting,',
  'which allows Cisco to securely receive minimal error and health',
  'information from the device. To learn more about this feature,',
  'please visit: http://www.cisco.com/go/smartcall',
  '',
  'Would you like to enable anonymous error reporting to help improve',
];

export function numberParam(name: string, min: number, max: number): ParamSpec {
  return { name, test: (t) => /^\d+$/.test(t) && Number(t) >= min && Number(t) <= max };
}

const enable: AsaHandler = (ctx) => {
  if (ctx.mode.kind !== 'user') return;
  let failures = 0;
  const askPassword = (): void =>
    ctx.ask({
      prompt: 'Password: ',
      echo: false,
      mask: '*',
      single: false,
      answer: (typed) => {
        const secret = ctx.unit.enablePassword ?? '';
        if (!ctx.unit.faults.rejectEnable && typed === secret) {
          ctx.mode = { kind: 'priv' };
          return;
        }
        failures++;
        ctx.print('Invalid password');
        if (failures >= 3) ctx.print('Access denied.');
        else askPassword();
      },
    });
  askPassword();
};

const disable: AsaHandler = (ctx) => {
  ctx.mode = { kind: 'user' };
};

const exit: AsaHandler = (ctx) => {
  ctx.print('', 'Logoff', '');
  ctx.closeSession();
};

function enterConfig(ctx: AsaContext): void {
  if (ctx.unit.standby) ctx.print(...STANDBY_WARNING_LINES);
  ctx.mode = { kind: 'config' };
  const device = ctx.device;
  if (device.reportingAnswered && !ctx.unit.faults.askReporting) return;
  ctx.print(...REPORTING_QUESTION);
  ctx.ask({
    prompt: 'the product? [Y]es, [N]o, [A]sk later: ',
    echo: true,
    single: false,
    answer: (typed) => {
      const word = typed.trim().toLowerCase();
      if (word === 'y' || word === 'yes' || word === 'n' || word === 'no') {
        device.reportingAnswered = true;
        ctx.print('', 'In the future, if you would like to enable this feature,');
        ctx.print('issue the command "call-home reporting anonymous".', '');
        ctx.print('Please remember to save your configuration.', '');
      } else ctx.print('', 'You will be reminded again the next time you enter configuration mode.', '');
    },
  });
}

const configure: AsaHandler = (ctx) => {
  if (!ctx.unit.faults.configSessionHeld) {
    enterConfig(ctx);
    return;
  }
  ctx.ask({
    prompt: 'Do you want to kill that session and continue? [yes/no]: ',
    echo: true,
    single: false,
    answer: (typed) => {
      if (!/^y(es?)?$/i.test(typed.trim())) return;
      ctx.unit.faults.configSessionHeld = false;
      enterConfig(ctx);
    },
  });
};

const terminalPager: AsaHandler = (ctx) => {
  ctx.pagerLines = Number(ctx.args['n']);
};

const noop: AsaHandler = () => {};

function saveConfig(ctx: AsaContext): void {
  const failing = ctx.unit.faults.writeFailTimes ?? 0;
  if (failing > 0) {
    ctx.unit.faults.writeFailTimes = failing - 1;
    ctx.print('Building configuration...');
    ctx.print('%Error copying system:/running-config (No Device)', 'Error executing command', '[FAILED]');
    return;
  }
  ctx.print(...ctx.device.writeMemory());
}

export const writeMemory: AsaHandler = (ctx) => {
  if (!ctx.unit.faults.writeConfirm) {
    saveConfig(ctx);
    return;
  }
  ctx.ask({
    prompt: 'Overwrite the previous NVRAM configuration?[confirm]',
    echo: false,
    single: true,
    answer: (key) => {
      if (key === '\r' || key === '\n' || key.toLowerCase() === 'y') saveConfig(ctx);
    },
  });
};

const copyRunStart: AsaHandler = (ctx) =>
  ctx.ask({
    prompt: '\nDestination filename [startup-config]? ',
    echo: true,
    single: false,
    answer: (typed) => {
      const name = typed.trim();
      if (name === '' || name === 'startup-config') writeMemory(ctx);
      else ctx.print(`%Error opening disk0:/${name} (No such file or directory)`);
    },
  });

const unsupported: AsaHandler = (ctx) => ctx.print('ERROR: this command is not emulated by the tscm ASA lab device');

/** Real ASA keywords we do not emulate, so that abbreviations are as ambiguous as on the box. */
const STUBS = ['capture', 'clear', 'clock', 'debug', 'delete', 'dir', 'failover', 'more', 'ping', 'reload', 'who'];

export function terminalNode(config: boolean): GrammarNode<AsaHandler> {
  const pager = kw<AsaHandler>('pager', {
    param: { spec: numberParam('n', 0, 2147483647), next: { run: terminalPager } },
    keywords: [kw('lines', { param: { spec: numberParam('n', 0, 2147483647), next: { run: terminalPager } } })],
  });
  const width = kw<AsaHandler>('width', {
    param: {
      spec: numberParam('n', 40, 511),
      next: {
        run: (ctx) => {
          ctx.terminal.width = Number(ctx.args['n']);
        },
      },
    },
  });
  return { keywords: [pager, kw('monitor', { run: noop }), ...(config ? [width] : [])] };
}

/** `write`, `write memory`, `write terminal`, `copy running-config startup-config`: in exec and config mode. */
export function saveCommands(): ReturnType<typeof kw<AsaHandler>>[] {
  return [
    kw('copy', { keywords: [kw('running-config', { keywords: [kw('startup-config', { run: copyRunStart })] })] }),
    kw('write', {
      run: writeMemory,
      keywords: [kw('memory', { run: writeMemory }), kw('terminal', { run: runShowRunning, pipe: true })],
    }),
  ];
}

export function buildUserGrammar(): GrammarNode<AsaHandler> {
  return {
    keywords: [
      kw('enable', { run: enable }),
      kw('exit', { run: exit }),
      kw('logout', { run: exit }),
      kw('quit', { run: exit }),
      kw('show', buildShowGrammar(false)),
      kw('ping', { run: unsupported }),
      kw('traceroute', { run: unsupported }),
    ],
  };
}

export function buildPrivGrammar(): GrammarNode<AsaHandler> {
  return {
    keywords: [
      kw('configure', { keywords: [kw('terminal', { run: configure })] }),
      kw('disable', { run: disable }),
      kw('enable', { run: noop }),
      kw('exit', { run: exit }),
      kw('logout', { run: exit }),
      kw('quit', { run: exit }),
      kw('show', buildShowGrammar(true)),
      kw('terminal', terminalNode(false)),
      ...saveCommands(),
      ...STUBS.map((word) => kw<AsaHandler>(word, { run: unsupported })),
    ],
  };
}
