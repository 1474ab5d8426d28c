// The emulated IOS router: the toolkit's SSH front end and vty sessions with the IOS personality, all sharing one
// device. `exec` requests are refused as IOS does with a bad autocommand (spec §6 rows 8 and 9).

import { startSshVty } from '../vty/ssh-server.js';
import { VtySession } from '../vty/session.js';
import { IosDevice } from './device.js';
import { IOS_PAGER, IosShell } from './shell.js';
import type { IosEmulatorOptions, IosFaults, RunningIosEmulator } from './types.js';

export async function startIosEmulator(opts: IosEmulatorOptions): Promise<RunningIosEmulator> {
  const device = new IosDevice(opts.config, opts.hostname, opts.faults, opts.enablePassword);
  const ssh = await startSshVty({
    host: opts.host ?? '127.0.0.1',
    port: opts.port ?? 0,
    ident: 'Cisco-1.25',
    username: opts.username,
    password: opts.password,
    ...(opts.authMethods ? { authMethods: opts.authMethods } : {}),
    ...(opts.algorithms ? { algorithms: opts.algorithms } : {}),
    ...(opts.hostKey ? { hostKey: opts.hostKey } : {}),
    openSession: (io, peer) =>
      new VtySession(
        io,
        { pager: IOS_PAGER, faults: () => device.faults, onCommand: (line) => device.commandLog.push(line) },
        (console) => new IosShell(device, console, peer, opts.logConfigEvents ?? false),
      ),
    execReply: (command) => `Line has invalid autocommand "${command}"`,
  });

  return {
    host: ssh.host,
    port: ssh.port,
    hostKeyFingerprint: ssh.hostKeyFingerprint,
    runningConfig: () => device.runningConfigText(),
    startupConfig: () => device.startupConfigText(),
    objectGroups: () => new Map([...device.config.groups.values()].map((g) => [g.name, [...g.members()]])),
    commandLog: () => [...device.commandLog],
    setFaults: (faults: IosFaults) => {
      device.faults = { ...faults };
    },
    close: () => ssh.close(),
  };
}
