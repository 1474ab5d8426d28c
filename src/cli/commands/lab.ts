// tscm lab: emulated devices in the foreground (an IOS router or an ASA booted from a real running-config, and the
// built-in policy DNS server serving the block and allow zones), for trying tscm without a device; or
// `tscm lab demo`, the embedded default: the whole job end to end against emulated devices.

import { FILE_KINDS, readLimitedFile } from '../../config/limited-file.js';
import type { FileReadError } from '../../config/limited-file.js';
import { ConfigError } from '../../errors.js';
import type { LabDnsServer } from '../../lab/dns-server.js';
import { ASA_FAULT_FIELDS, mergeAsaFaultFlags, readAsaFaultsFile } from '../../lab/asa/fault-settings.js';
import { startAsaEmulator, startAsaPair } from '../../lab/asa/index.js';
import type { AsaEmulatorOptions, AsaFaults } from '../../lab/asa/index.js';
import { describeFaultValues } from '../../lab/fault-file.js';
import type { FaultValues } from '../../lab/fault-file.js';
import { startIosEmulator } from '../../lab/ios/index.js';
import { FAULT_FIELDS, mergeFaultFlags, NO_FAULTS, readFaultsFile } from '../../lab/ios/fault-settings.js';
import type { LabFaultSettings } from '../../lab/ios/fault-settings.js';
import {
  DEFAULT_POLICY_SIZE,
  labZones,
  loadLabPolicy,
  parseHostPort,
  startLabPolicyServer,
} from '../../lab/lab-policy.js';
import { renderLabBanner } from './lab-banner.js';
import type { LabPlatform } from './lab-banner.js';

export interface LabOptions {
  platform: LabPlatform | 'pix' | 'asa-rest';
  /** asa-rest only: HOST:PORT of the SSH front end of the same ASA. */
  sshListen?: string;
  /** pix only: pix6 | pix7 | fwsm3. */
  variant?: string;
  /** pix only: HOST:PORT of the telnet front end. */
  telnetListen?: string;
  listen: string;
  /** HOST:PORT of the standby unit of an ASA failover pair (the --listen one is the active primary). */
  standbyListen?: string;
  config?: string;
  username: string;
  password: string;
  enablePassword: string;
  /** HOST:PORT of the policy DNS server; unset: 5353 on the first free of 127.0.0.1, 127.0.53.1-3. */
  dnsListen?: string;
  blockList?: string;
  allowList?: string;
  /** Commander hands option values over as strings. */
  policySize?: string | number;
  /** false with --no-color. */
  color?: boolean;
  faults?: string;
  dropAfter?: string;
  replyDelay?: string;
  nvramBusy?: string;
  configLocked?: string;
  rejectEnable?: boolean;
  writeConfirm?: boolean;
  authorizationFailAfter?: string;
  logConfigEvents?: boolean;
}

interface LabDevice {
  host: string;
  port: number;
  hostKeyFingerprint: string;
  /** The standby unit of an ASA pair. */
  standby?: { host: string; port: number };
  close(): Promise<void>;
}

/** One ASA, or a failover pair (the primary active, where the banner points) when a standby address is given. */
async function startAsa(
  opts: AsaEmulatorOptions & { host: string; port: number },
  faults: AsaFaults,
  standby: { host: string; port: number } | undefined,
): Promise<LabDevice> {
  if (!standby) return startAsaEmulator({ ...opts, faults });
  const { port, ...rest } = opts;
  const pair = await startAsaPair({
    ...rest,
    ports: { primary: port, secondary: standby.port },
    secondaryHost: standby.host,
  });
  pair.primary.setFaults(faults);
  pair.secondary.setFaults(faults);
  return {
    host: pair.primary.host,
    port: pair.primary.port,
    hostKeyFingerprint: pair.primary.hostKeyFingerprint,
    standby: { host: pair.secondary.host, port: pair.secondary.port },
    close: () => pair.close(),
  };
}

/** IOS-only fault flags, refused with --platform asa (the ASA's own faults come from the --faults file). */
const IOS_ONLY_FLAGS = [
  ['nvramBusy', '--nvram-busy', 'writeFailTimes'],
  ['configLocked', '--config-locked', 'configSessionHeld'],
  ['logConfigEvents', '--log-config-events', 'asyncLines'],
  ['authorizationFailAfter', '--authorization-fail-after', 'commandAuthorizationFailAfter'],
] as const;

/** The ASA's faults: the --faults file (ASA keys), then the shared fault flags over it. */
async function asaFaultSettings(opts: LabOptions): Promise<FaultValues> {
  for (const [key, flag, instead] of IOS_ONLY_FLAGS) {
    if (opts[key] !== undefined) {
      throw new ConfigError(`${flag} is an IOS fault`, `for --platform asa use \`${instead}\` in a --faults file`);
    }
  }
  const base = opts.faults ? await readAsaFaultsFile(opts.faults) : {};
  return mergeAsaFaultFlags(base, {
    dropAfterCommands: opts.dropAfter,
    replyDelayMs: opts.replyDelay,
    rejectEnable: opts.rejectEnable,
    writeConfirm: opts.writeConfirm,
  }) as FaultValues;
}

/** The router's faults: the --faults file, then the fault flags over it. */
async function faultSettings(opts: LabOptions): Promise<LabFaultSettings> {
  const base = opts.faults ? await readFaultsFile(opts.faults) : NO_FAULTS;
  return mergeFaultFlags(base, {
    dropAfterCommands: opts.dropAfter,
    replyDelayMs: opts.replyDelay,
    nvramBusyTimes: opts.nvramBusy,
    configLockedTimes: opts.configLocked,
    rejectEnable: opts.rejectEnable,
    writeConfirm: opts.writeConfirm,
    authorizationFailAfter: opts.authorizationFailAfter,
    logConfigEvents: opts.logConfigEvents,
  });
}

export async function labCommand(action: string | undefined, opts: LabOptions): Promise<number> {
  if (action === 'demo') {
    const policySize = parsePolicySize(opts.policySize);
    return (await import('./lab-demo.js')).runLabDemo({ color: opts.color, policySize });
  }
  if (action !== undefined)
    throw new ConfigError(`unknown lab action "${action}"`, 'use `tscm lab demo`, or no action to run the lab');
  if (opts.platform !== 'pix' && (opts.variant ?? opts.telnetListen) !== undefined)
    throw new ConfigError('--variant and --telnet-listen are for --platform pix', 'add --platform pix');
  if (opts.platform !== 'asa-rest' && opts.sshListen !== undefined)
    throw new ConfigError('--ssh-listen is for --platform asa-rest', 'add --platform asa-rest');
  const config = opts.config ? await readConfig(opts.config) : undefined;
  if (opts.platform === 'asa-rest')
    return (await import('./lab-asa-rest.js')).runAsaRestLab(opts, parsePolicySize(opts.policySize), config);
  if (opts.platform === 'pix')
    return (await import('./lab-pix.js')).runPixLab(opts, parsePolicySize(opts.policySize), config);
  const { host, port } = parseHostPort(opts.listen, '--listen', '127.0.0.1:2222');
  const asa = opts.platform === 'asa';
  if (opts.standbyListen !== undefined && !asa) {
    throw new ConfigError('--standby-listen needs --platform asa', 'an IOS lab router has no failover pair');
  }
  const standby = opts.standbyListen
    ? parseHostPort(opts.standbyListen, '--standby-listen', '127.0.0.1:2223')
    : undefined;
  const faults = asa ? NO_FAULTS : await faultSettings(opts);
  const asaFaults = asa ? await asaFaultSettings(opts) : {};
  const policy = await loadLabPolicy({
    blockList: opts.blockList,
    allowList: opts.allowList,
    policySize: parsePolicySize(opts.policySize),
  });
  // Install the handlers first: a signal while the servers start still stops them cleanly.
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  const dns: LabDnsServer = await startLabPolicyServer(opts.dnsListen, labZones(policy));
  let router: LabDevice;
  try {
    const login = { host, port, config, username: opts.username, password: opts.password };
    router = asa
      ? await startAsa({ ...login, enablePassword: opts.enablePassword }, asaFaults as AsaFaults, standby)
      : await startIosEmulator({
          ...login,
          enablePassword: opts.enablePassword,
          faults: faults.faults,
          logConfigEvents: faults.logConfigEvents,
        });
  } catch (err) {
    await dns.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      throw new ConfigError(
        `the emulated device cannot listen on ${opts.listen}${opts.standbyListen ? ` or ${opts.standbyListen}` : ''}: ${code}`,
        'pick another address or port, e.g. --listen 127.0.0.1:2223 (port 0 picks a free one)',
      );
    }
    throw err;
  }
  process.stdout.write(
    renderLabBanner({
      router: {
        host: router.host,
        port: router.port,
        fingerprint: router.hostKeyFingerprint,
        bootedFrom: opts.config ?? 'the default configuration',
        faults: asa ? describeFaultValues(asaFaults, ASA_FAULT_FIELDS) : describeFaults(faults),
        platform: opts.platform,
        ...(router.standby ? { standby: router.standby } : {}),
      },
      dns: { host: dns.host, port: dns.port },
      policy,
      credentials: { username: opts.username, password: opts.password, enablePassword: opts.enablePassword },
      dir: 'lab-defs',
    }),
  );
  const signal = await stopped;
  process.stdout.write(`\n${signal}: stopping the lab.\n`);
  await Promise.all([router.close(), dns.close()]);
  process.stdout.write('Lab stopped.\n');
  return 0;
}

/** `nvramBusyTimes=2, rejectEnable` for the banner, in the order of the help; undefined without faults. */
function describeFaults(settings: LabFaultSettings): string | undefined {
  return describeFaultValues({ ...settings.faults, logConfigEvents: settings.logConfigEvents }, FAULT_FIELDS);
}

/** A whole number; `10_000` and `10,000` are accepted as people write them. */
function parsePolicySize(value: string | number | undefined): number {
  if (value === undefined) return DEFAULT_POLICY_SIZE;
  const digits = String(value).replace(/[_,]/g, '');
  if (!/^\d{1,9}$/.test(digits))
    throw new ConfigError(`--policy-size "${value}" is not a whole number`, 'e.g. --policy-size 10000');
  return Number(digits);
}

async function readConfig(file: string): Promise<string> {
  try {
    return (await readLimitedFile(file, FILE_KINDS.deviceConfig)).toString('utf8');
  } catch (err) {
    throw new ConfigError(
      `--config ${file} ${(err as FileReadError).problem}`,
      'give the path of a running-config text file',
    );
  }
}
