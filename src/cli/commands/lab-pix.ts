// `tscm lab --platform pix`: an emulated PIX/FWSM firewall (src/lab/pix) and the policy DNS server, in the
// foreground. PIX 6 serves telnet only (the real one speaks SSH 1, which no maintained library offers); PIX 7 and
// FWSM 3 serve SSH 2, and telnet too with --telnet-listen.

import { ConfigError } from '../../errors.js';
import type { LabDnsServer } from '../../lab/dns-server.js';
import { labZones, loadLabPolicy, parseHostPort, startLabPolicyServer } from '../../lab/lab-policy.js';
import type { LabPolicy } from '../../lab/lab-policy.js';
import { describeFaultValues } from '../../lab/fault-file.js';
import { mergePixFaultFlags, PIX_FAULT_FIELDS, readPixFaultsFile } from '../../lab/pix/fault-settings.js';
import { startPixEmulator } from '../../lab/pix/index.js';
import type { PixFaults, PixVariant, RunningPixEmulator } from '../../lab/pix/index.js';
import { LAB_READY_LINE, renderEnvLines, renderTscmYaml } from './lab-banner.js';

/** IOS-only fault flags, refused with --platform pix (the PIX's own faults come from the --faults file). */
const IOS_ONLY_FLAGS = [
  ['nvramBusy', '--nvram-busy'],
  ['configLocked', '--config-locked'],
  ['rejectEnable', '--reject-enable'],
  ['writeConfirm', '--write-confirm'],
  ['logConfigEvents', '--log-config-events'],
  ['authorizationFailAfter', '--authorization-fail-after'],
] as const;

export interface PixLabOptions {
  listen: string;
  telnetListen?: string;
  variant?: string;
  config?: string;
  username: string;
  password: string;
  enablePassword: string;
  dnsListen?: string;
  blockList?: string;
  allowList?: string;
  dropAfter?: string;
  replyDelay?: string;
  faults?: string;
  nvramBusy?: string;
  configLocked?: string;
  rejectEnable?: boolean;
  writeConfirm?: boolean;
  authorizationFailAfter?: string;
  logConfigEvents?: boolean;
}

const VARIANTS: readonly PixVariant[] = ['pix6', 'pix7', 'fwsm3'];
const TITLES: Record<PixVariant, string> = {
  pix6: 'Cisco PIX 6.x (telnet)',
  pix7: 'Cisco PIX 7.x (SSH)',
  fwsm3: 'Cisco FWSM 3.x (SSH)',
};

/** The PIX's faults: the --faults file (PIX keys), then the shared fault flags over it. */
async function pixFaults(opts: PixLabOptions): Promise<PixFaults> {
  for (const [key, flag] of IOS_ONLY_FLAGS) {
    if (opts[key] !== undefined)
      throw new ConfigError(
        `${flag} is an IOS fault`,
        'for --platform pix give the PIX keys in a --faults file (tscm lab --help)',
      );
  }
  const base = opts.faults ? await readPixFaultsFile(opts.faults) : {};
  return mergePixFaultFlags(base, { dropAfterCommands: opts.dropAfter, replyDelayMs: opts.replyDelay });
}

const reachable = (host: string): string => (host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host);

/** The device definition for the lab firewall (credentials as environment references). */
function deviceYaml(emu: RunningPixEmulator, variant: PixVariant, policy: LabPolicy): string {
  const telnet = variant === 'pix6';
  return [
    `# The emulated ${TITLES[variant]} of \`tscm lab --platform pix\`.`,
    ...(telnet
      ? ['# PIX 6 speaks telnet only: the pix driver needs its telnet transport opted in for this device.']
      : []),
    'name: lab-pix',
    'platform: pix',
    'deviceId: tdid_lab00002',
    `management: { host: ${reachable(emu.host)}, port: ${telnet ? emu.telnetPort : emu.port} }`,
    ...(telnet ? [] : [`hostKey: { fingerprint: "${emu.hostKeyFingerprint}" }`]),
    'credentials:',
    '  username: { env: TSCM_LAB_USER }',
    '  password: { env: TSCM_LAB_PASSWORD }',
    '  enablePassword: { env: TSCM_LAB_ENABLE }',
    'policy:',
    '  blockList: block.lab.tscm.test',
    ...(policy.allow ? ['  allowList: allow.lab.tscm.test'] : []),
    `objectGroups: { block: threatstop-block, allow: threatstop-allow, maxEntries: ${Math.max(10_000, policy.block.length)} }`,
    '',
  ].join('\n');
}

export async function runPixLab(
  opts: PixLabOptions,
  policySize: number,
  configText: string | undefined,
): Promise<number> {
  const variant = (opts.variant ?? 'pix7') as PixVariant;
  if (!VARIANTS.includes(variant))
    throw new ConfigError(`--variant "${opts.variant}" is not a PIX variant`, `use one of ${VARIANTS.join(', ')}`);
  const { host, port } = parseHostPort(opts.listen, '--listen', '127.0.0.1:2222');
  const telnet = opts.telnetListen ? parseHostPort(opts.telnetListen, '--telnet-listen', '127.0.0.1:2323') : undefined;
  const faults = await pixFaults(opts);
  const policy = await loadLabPolicy({ blockList: opts.blockList, allowList: opts.allowList, policySize });
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  const dns: LabDnsServer = await startLabPolicyServer(opts.dnsListen, labZones(policy));
  let emu: RunningPixEmulator;
  try {
    emu = await startPixEmulator({
      host,
      port,
      ...(variant === 'pix6' ? { telnetPort: telnet?.port ?? port } : telnet ? { telnetPort: telnet.port } : {}),
      ...(configText !== undefined ? { config: configText } : {}),
      username: opts.username,
      password: opts.password,
      enablePassword: opts.enablePassword,
      faults,
      variant,
    });
  } catch (err) {
    await dns.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL')
      throw new ConfigError(
        `the emulated firewall cannot listen: ${code}`,
        'pick another address or port (port 0 picks a free one)',
      );
    throw err;
  }
  const where = [
    ...(emu.port ? [`SSH ${emu.host}:${emu.port}`] : []),
    ...(emu.telnetPort ? [`telnet ${emu.host}:${emu.telnetPort}`] : []),
  ].join(', ');
  const heredoc = (file: string, body: string): string[] => [`cat > ${file} <<'EOF'`, body.trimEnd(), 'EOF'];
  const active = describeFaultValues(faults as Record<string, number | boolean>, PIX_FAULT_FIELDS);
  process.stdout.write(
    [
      'tscm lab (lab use only: the credentials below are printed on purpose)',
      `  firewall    emulated ${TITLES[variant]} on ${where}, booted from ${opts.config ?? 'the default configuration'}`,
      ...(emu.hostKeyFingerprint ? [`  host key    ${emu.hostKeyFingerprint}`] : []),
      ...(active ? [`  faults      ${active}`] : []),
      `  login       ${opts.username} (password and enable password as in the exports below)`,
      `  policy DNS  ${dns.host}:${dns.port} (AXFR over TCP)`,
      '',
      'Paste this into a shell to write definitions for the lab into ./lab-defs:',
      '',
      'mkdir -p lab-defs/devices',
      ...heredoc('lab-defs/tscm.yaml', renderTscmYaml(dns)),
      ...heredoc('lab-defs/devices/lab-pix.yaml', deviceYaml(emu, variant, policy)),
      ...renderEnvLines({ username: opts.username, password: opts.password, enablePassword: opts.enablePassword }),
      LAB_READY_LINE,
      '',
    ].join('\n'),
  );
  const signal = await stopped;
  process.stdout.write(`\n${signal}: stopping the lab.\n`);
  await Promise.all([emu.close(), dns.close()]);
  process.stdout.write('Lab stopped.\n');
  return 0;
}
