// startPixEmulator: the PIX/FWSM personality behind the toolkit's front ends: SSH 2 (pix7, fwsm3; legacy-only
// algorithms when `algorithms` says so) and telnet (pix6 always, the others when `telnetPort` is given).

import { startSshVty } from '../vty/ssh-server.js';
import type { RunningSshVty } from '../vty/ssh-server.js';
import { VtySession } from '../vty/session.js';
import type { VtyIo, VtyOptions } from '../vty/session.js';
import { startTelnetVty } from '../vty/telnet-server.js';
import type { RunningTelnetVty } from '../vty/telnet-server.js';
import { PixDevice } from './device.js';
import { pixPersonality } from './personality.js';
import type { PixEmulatorOptions, PixFaults, RunningPixEmulator } from './types.js';

/** `<--- More --->`, erased by a carriage return and spaces [I: the erase]. */
const PAGER = { marker: '<--- More --->', erase: `\r${' '.repeat(14)}\r` };

export async function startPixEmulator(opts: PixEmulatorOptions): Promise<RunningPixEmulator> {
  const host = opts.host ?? '127.0.0.1';
  const device = new PixDevice(
    opts.variant,
    opts.config,
    opts.hostname,
    opts.faults,
    opts.enablePassword,
    opts.context,
    opts.aclRuleMax,
  );
  const vtyOptions: VtyOptions = {
    pager: PAGER,
    faults: () => device.faults,
    onCommand: (line) => device.commandLog.push(line),
  };
  const openSession = (io: VtyIo): VtySession => new VtySession(io, vtyOptions, pixPersonality(device));
  let ssh: RunningSshVty | undefined;
  let telnet: RunningTelnetVty | undefined;
  try {
    if (opts.variant !== 'pix6') {
      ssh = await startSshVty({
        host,
        port: opts.port ?? 0,
        ident: 'Cisco-1.25',
        username: opts.username,
        password: opts.password,
        ...(opts.algorithms ? { algorithms: opts.algorithms } : {}),
        ...(opts.hostKey ? { hostKey: opts.hostKey } : {}),
        openSession,
        execReply: () => undefined,
      });
    }
    if (opts.variant === 'pix6' || opts.telnetPort !== undefined) {
      telnet = await startTelnetVty({
        host,
        port: opts.telnetPort ?? 0,
        username: opts.username,
        password: opts.password,
        banner: ['', 'User Access Verification'],
        loginFailed: 'Invalid password',
        openSession,
      });
    }
  } catch (error) {
    await ssh?.close();
    throw error;
  }
  return {
    host,
    port: ssh?.port ?? 0,
    telnetPort: telnet?.port ?? 0,
    hostKeyFingerprint: ssh?.hostKeyFingerprint ?? '',
    objectGroups: () => new Map([...device.config.groups.values()].map((g) => [g.name, [...g.members()]])),
    runningConfig: () => device.runningConfigText(),
    startupConfig: () => device.startupConfigText(),
    commandLog: () => [...device.commandLog],
    setFaults: (faults: PixFaults) => {
      device.faults = { ...faults };
    },
    close: async () => {
      await Promise.all([ssh?.close(), telnet?.close()]);
    },
  };
}
