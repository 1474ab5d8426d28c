// The emulated ASA over SSH: the toolkit's server and vty sessions with the ASA personality. A standalone unit, or
// a failover pair (`startAsaPair`): two endpoints sharing one configuration, the standby refusing changes.

import { startSshVty } from '../vty/ssh-server.js';
import { VtySession } from '../vty/session.js';
import { AsaDevice, AsaUnit } from './device.js';
import type { FailoverRole } from './device.js';
import { ASA_PAGER, AsaShell } from './shell.js';
import type { AsaEmulatorOptions, AsaFaults, AsaPairOptions, RunningAsaEmulator, RunningAsaPair } from './types.js';

/** Serves one unit over SSH (also the SSH front end of the REST emulator, on the same device). */
export async function serveUnit(unit: AsaUnit, opts: AsaEmulatorOptions): Promise<RunningAsaEmulator> {
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
        {
          pager: ASA_PAGER,
          faults: () => unit.faults,
          onCommand: (line) => unit.commandLog.push(line),
          horizontalScroll: true,
        },
        (console) => new AsaShell(unit, console, peer),
      ),
    // The ASA has no exec channel for the CLI [I]: the request is refused.
    execReply: () => undefined,
  });
  const device = unit.device;
  return {
    host: ssh.host,
    port: ssh.port,
    hostKeyFingerprint: ssh.hostKeyFingerprint,
    runningConfig: () => device.runningConfigText(),
    startupConfig: () => device.startupConfigText(),
    objectGroups: () => new Map([...device.config.groups.values()].map((g) => [g.name, g.memberLines()])),
    commandLog: () => [...unit.commandLog],
    setFaults: (faults: AsaFaults) => {
      unit.faults = { ...faults };
    },
    close: () => ssh.close(),
  };
}

export async function startAsaEmulator(opts: AsaEmulatorOptions): Promise<RunningAsaEmulator> {
  const device = new AsaDevice(opts.config, opts.hostname);
  return serveUnit(new AsaUnit(device, opts.faults, opts.enablePassword, undefined), opts);
}

export async function startAsaPair(opts: AsaPairOptions): Promise<RunningAsaPair> {
  const device = new AsaDevice(opts.config, opts.hostname);
  let active: 'primary' | 'secondary' = 'primary';
  const role = (unit: 'primary' | 'secondary'): FailoverRole => ({
    unit,
    state: () => (active === unit ? 'active' : 'standby'),
  });
  const primary = await serveUnit(new AsaUnit(device, undefined, opts.enablePassword, role('primary')), {
    ...opts,
    port: opts.ports?.primary ?? 0,
  });
  let secondary: RunningAsaEmulator;
  try {
    secondary = await serveUnit(new AsaUnit(device, undefined, opts.enablePassword, role('secondary')), {
      ...opts,
      host: opts.secondaryHost ?? opts.host,
      port: opts.ports?.secondary ?? 0,
    });
  } catch (err) {
    await primary.close();
    throw err;
  }
  return {
    primary,
    secondary,
    active: () => active,
    failover: () => {
      active = active === 'primary' ? 'secondary' : 'primary';
    },
    close: async () => {
      await Promise.all([primary.close(), secondary.close()]);
    },
  };
}
