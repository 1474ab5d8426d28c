// User and privileged exec commands: enable/disable, configure, terminal, show, write/copy, exit.

import type { CommandContext, Handler } from './command-context.js';
import { kw } from '../vty/grammar.js';
import type { GrammarNode, ParamSpec } from '../vty/grammar.js';
import { buildShowGrammar, runShowRunning } from './show-commands.js';

const CONFIG_BANNER = 'Enter configuration commands, one per line.  End with CNTL/Z.';
const LOCKED = "Configuration mode is locked by process '484' user 'NETCONF' from terminal '64'. Please try later.";

function numberParam(name: string, max: number): ParamSpec {
  return { name, test: (t) => /^\d+$/.test(t) && Number(t) <= max };
}

const enable: Handler = (ctx) => {
  if (ctx.mode.kind !== 'user') return;
  const secret = ctx.device.enablePassword;
  if (secret === undefined) {
    ctx.print('% No password set');
    return;
  }
  let failures = 0;
  const askPassword = (): void =>
    ctx.ask({
      prompt: 'Password: ',
      echo: false,
      single: false,
      answer: (typed) => {
        if (!ctx.device.faults.rejectEnable && typed === secret) {
          ctx.mode = { kind: 'priv' };
          return;
        }
        failures++;
        if (failures >= 3) ctx.print('% Bad secrets', '');
        else askPassword();
      },
    });
  askPassword();
};

const disable: Handler = (ctx) => {
  ctx.mode = { kind: 'user' };
};

const exit: Handler = (ctx) => ctx.closeSession();

function enterConfig(ctx: CommandContext): void {
  const locked = ctx.device.faults.configLockedTimes ?? 0;
  if (locked > 0) {
    ctx.device.faults.configLockedTimes = locked - 1;
    ctx.print(LOCKED);
    return;
  }
  ctx.print(CONFIG_BANNER);
  ctx.mode = { kind: 'config' };
}

const configure: Handler = (ctx) =>
  ctx.ask({
    prompt: 'Configuring from terminal, memory, or network [terminal]? ',
    echo: true,
    single: false,
    answer: (typed) => {
      const word = typed.trim().toLowerCase();
      if (word === '' || 'terminal'.startsWith(word)) enterConfig(ctx);
      else ctx.print('?Must be "terminal", "memory" or "network"');
    },
  });

const terminalLength: Handler = (ctx) => {
  ctx.terminal.length = Number(ctx.args['n']);
};
const terminalWidth: Handler = (ctx) => {
  ctx.terminal.width = Number(ctx.args['n']);
};
const noop: Handler = () => {};

/** The confirm step of spec §1 (image version mismatch), then the NVRAM write. */
const writeMemory: Handler = (ctx) => {
  if (!ctx.device.faults.writeConfirm) {
    ctx.print(...ctx.device.writeMemory());
    return;
  }
  ctx.print('Warning: Attempting to overwrite an NVRAM configuration previously written');
  ctx.print('by a different version of the system image.');
  ctx.ask({
    prompt: 'Overwrite the previous NVRAM configuration?[confirm]',
    echo: false,
    single: true,
    answer: (key) => {
      if (key === '\r' || key === '\n' || key.toLowerCase() === 'y') ctx.print(...ctx.device.writeMemory());
    },
  });
};

const copyRunStart: Handler = (ctx) =>
  ctx.ask({
    prompt: 'Destination filename [startup-config]? ',
    echo: true,
    single: false,
    answer: (typed) => {
      const name = typed.trim();
      if (name === '' || name === 'startup-config' || name === 'nvram:startup-config') writeMemory(ctx);
      else ctx.print(`%Error opening nvram:${name} (No such file or directory)`);
    },
  });

const unsupported: Handler = (ctx) => ctx.print('% This command is not emulated by the tscm IOS lab device', '');

/** Real IOS keywords we do not emulate, listed so that abbreviations are as ambiguous as on a router. */
const STUBS = ['clear', 'clock', 'connect', 'debug', 'dir', 'ping', 'reload', 'ssh', 'telnet', 'traceroute'];

function terminalNode(): GrammarNode<Handler> {
  return {
    keywords: [
      kw('length', { param: { spec: numberParam('n', 512), next: { run: terminalLength } } }),
      kw('width', { param: { spec: numberParam('n', 512), next: { run: terminalWidth } } }),
      kw('monitor', { run: noop }),
      kw('no', { keywords: [kw('monitor', { run: noop })] }),
    ],
  };
}

export function buildUserExecGrammar(): GrammarNode<Handler> {
  return {
    keywords: [
      kw('disable', { run: disable }),
      kw('enable', { run: enable }),
      kw('exit', { run: exit }),
      kw('logout', { run: exit }),
      kw('quit', { run: exit }),
      kw('show', buildShowGrammar(false)),
      kw('terminal', terminalNode()),
      ...STUBS.map((word) => kw(word, { run: unsupported })),
    ],
  };
}

export function buildPrivExecGrammar(): GrammarNode<Handler> {
  const writeMem: GrammarNode<Handler> = { run: writeMemory };
  return {
    keywords: [
      kw('configure', { run: configure, keywords: [kw('terminal', { run: enterConfig })] }),
      kw('copy', { keywords: [kw('running-config', { keywords: [kw('startup-config', { run: copyRunStart })] })] }),
      kw('disable', { run: disable }),
      kw('enable', { run: enable }),
      kw('exit', { run: exit }),
      kw('logout', { run: exit }),
      kw('quit', { run: exit }),
      kw('show', buildShowGrammar(true)),
      kw('terminal', terminalNode()),
      kw('write', {
        run: writeMemory,
        keywords: [kw('memory', writeMem), kw('terminal', { run: runShowRunning, pipe: true })],
      }),
      ...[...STUBS, 'erase', 'undebug', 'where', 'which-route'].map((word) => kw(word, { run: unsupported })),
    ],
  };
}
