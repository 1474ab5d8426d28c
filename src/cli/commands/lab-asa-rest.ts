// `tscm lab --platform asa-rest`: an emulated ASA's REST API over HTTPS (src/lab/asa-rest) with a certificate made
// at start (its SHA-256 fingerprint printed for pinning), the SSH CLI of the same ASA with --ssh-listen, and the
// policy DNS server, in the foreground.

import { ConfigError } from '../../errors.js';
import { describeAsaRestFaults, readAsaRestFaultsFile, startAsaRestEmulator } from '../../lab/asa-rest/index.js';
import type { AsaRestFaults, RunningAsaRestEmulator } from '../../lab/asa-rest/index.js';
import type { LabDnsServer } from '../../lab/dns-server.js';
import { labZones, loadLabPolicy, parseHostPort, startLabPolicyServer } from '../../lab/lab-policy.js';
import type { LabPolicy } from '../../lab/lab-policy.js';
import { LAB_READY_LINE, renderEnvLines, renderTscmYaml } from './lab-banner.js';

/** SSH/IOS fault flags, refused here (the REST faults come from the --faults file; --reply-delay is shared). */
const OTHER_FLAGS = [
  ['dropAfter', '--drop-after'],
  ['nvramBusy', '--nvram-busy'],
  ['configLocked', '--config-locked'],
  ['rejectEnable', '--reject-enable'],
  ['writeConfirm', '--write-confirm'],
  ['logConfigEvents', '--log-config-events'],
  ['authorizationFailAfter', '--authorization-fail-after'],
] as const;

export interface AsaRestLabOptions {
  listen: string;
  sshListen?: string;
  config?: string;
  username: string;
  password: string;
  enablePassword: string;
  dnsListen?: string;
  blockList?: string;
  allowList?: string;
  replyDelay?: string;
  faults?: string;
  dropAfter?: string;
  nvramBusy?: string;
  configLocked?: string;
  rejectEnable?: boolean;
  writeConfirm?: boolean;
  authorizationFailAfter?: string;
  logConfigEvents?: boolean;
}

async function restFaults(opts: AsaRestLabOptions): Promise<AsaRestFaults> {
  for (const [key, flag] of OTHER_FLAGS) {
    if (opts[key] !== undefined)
      throw new ConfigError(
        `${flag} is not a REST fault`,
        'for --platform asa-rest give the REST keys in a --faults file (see src/lab/asa-rest/README.md)',
      );
  }
  const faults = opts.faults ? await readAsaRestFaultsFile(opts.faults) : {};
  if (opts.replyDelay !== undefined) {
    if (!/^\d{1,5}$/.test(opts.replyDelay) || Number(opts.replyDelay) > 60_000)
      throw new ConfigError(
        '--reply-delay must be a whole number of milliseconds from 0 to 60000',
        'e.g. --reply-delay 200',
      );
    faults.replyDelayMs = Number(opts.replyDelay);
  }
  return faults;
}

const reachable = (host: string): string => (host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host);
const yamlHost = (host: string): string => (host.includes(':') ? `"${host}"` : host);

/**
 * The device definition for the lab ASA (credentials as environment references, the certificate pinned), with the
 * SSH fallback (`fallback: ssh`, its host key pinned) when --ssh-listen serves the same host.
 */
function deviceYaml(emu: RunningAsaRestEmulator, policy: LabPolicy): string {
  const fallback = emu.ssh && reachable(emu.ssh.host) === reachable(emu.host) ? emu.ssh : undefined;
  return [
    '# The emulated ASA REST API of `tscm lab --platform asa-rest`: its self-signed certificate is pinned below.',
    'name: lab-asa-rest',
    'platform: asa-rest',
    'deviceId: tdid_lab00003',
    `management: { host: ${yamlHost(reachable(emu.host))}, port: ${emu.port} }`,
    'credentials:',
    '  username: { env: TSCM_LAB_USER }',
    '  password: { env: TSCM_LAB_PASSWORD }',
    ...(fallback ? ['  enablePassword: { env: TSCM_LAB_ENABLE }'] : []),
    ...(fallback ? [`hostKey: { fingerprint: "${fallback.hostKeyFingerprint}" }`] : []),
    'policy:',
    '  blockList: block.lab.tscm.test',
    ...(policy.allow ? ['  allowList: allow.lab.tscm.test'] : []),
    `objectGroups: { block: ThreatSTOP-Block, allow: ThreatSTOP-Allow, maxEntries: ${Math.max(10_000, policy.block.length)} }`,
    'advanced:',
    '  tokenAuth: true',
    `  certificateFingerprint: ${emu.fingerprint256}`,
    // The SSH fallback reaches the management host at sshPort: offered when SSH listens on that host.
    ...(fallback ? ['  fallback: ssh', `  sshPort: ${fallback.port}`] : []),
    ...(emu.ssh && !fallback ? [`  # the same ASA over SSH: ${reachable(emu.ssh.host)} port ${emu.ssh.port}`] : []),
    '',
  ].join('\n');
}

export async function runAsaRestLab(
  opts: AsaRestLabOptions,
  policySize: number,
  configText: string | undefined,
): Promise<number> {
  const { host, port } = parseHostPort(opts.listen, '--listen', '127.0.0.1:8443');
  const sshAt = opts.sshListen ? parseHostPort(opts.sshListen, '--ssh-listen', '127.0.0.1:2222') : undefined;
  const faults = await restFaults(opts);
  const policy = await loadLabPolicy({ blockList: opts.blockList, allowList: opts.allowList, policySize });
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  const dns: LabDnsServer = await startLabPolicyServer(opts.dnsListen, labZones(policy));
  let emu: RunningAsaRestEmulator;
  try {
    emu = await startAsaRestEmulator({
      host,
      port,
      ...(configText !== undefined ? { config: configText } : {}),
      username: opts.username,
      password: opts.password,
      enablePassword: opts.enablePassword,
      ...(sshAt ? { ssh: sshAt } : {}),
      faults,
    });
  } catch (err) {
    await dns.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL')
      throw new ConfigError(
        `the emulated ASA cannot listen: ${code}`,
        'pick another address or port (port 0 picks a free one)',
      );
    throw err;
  }
  const heredoc = (file: string, body: string): string[] => [`cat > ${file} <<'EOF'`, body.trimEnd(), 'EOF'];
  const active = describeAsaRestFaults(faults);
  process.stdout.write(
    [
      'tscm lab (lab use only: the credentials below are printed on purpose)',
      `  firewall    emulated Cisco ASA REST API on ${emu.url}, booted from ${opts.config ?? 'the default configuration'}`,
      `  certificate SHA-256 ${emu.fingerprint256} (self-signed; pin it)`,
      ...(emu.ssh
        ? [`  SSH         ${emu.ssh.host}:${emu.ssh.port}, host key ${emu.ssh.hostKeyFingerprint} (same ASA)`]
        : []),
      ...(active ? [`  faults      ${active}`] : []),
      `  login       ${opts.username} (password and enable password as in the exports below)`,
      `  policy DNS  ${dns.host}:${dns.port} (AXFR over TCP)`,
      `  counts      GET ${emu.url.slice(0, -'/api'.length)}/lab/requests`,
      '',
      'Paste this into a shell to write definitions for the lab into ./lab-defs:',
      '',
      'mkdir -p lab-defs/devices',
      ...heredoc('lab-defs/tscm.yaml', renderTscmYaml(dns)),
      ...heredoc('lab-defs/devices/lab-asa-rest.yaml', deviceYaml(emu, policy)),
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
