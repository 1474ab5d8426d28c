// What `tscm lab` prints once its servers listen: where they are, the router's host key, and a shell snippet that
// writes ready-to-use definitions (tscm.yaml + one device YAML with { env: ... } credential references) and
// exports the lab's credentials, so a user can paste it and run `tscm plan`.

import { LAB_ALLOW_ZONE, LAB_BLOCK_ZONE, type LabPolicy } from '../../lab/lab-policy.js';

export interface LabBanner {
  readonly router: {
    host: string;
    port: number;
    fingerprint: string;
    bootedFrom: string;
    faults?: string;
    /** Default ios. */
    platform?: LabPlatform;
    /** The standby unit of a failover pair: a peer of the device. */
    standby?: { host: string; port: number };
  };
  readonly dns: { host: string; port: number };
  readonly policy: LabPolicy;
  readonly credentials: { username: string; password: string; enablePassword: string };
  /** The definitions folder the snippet writes (relative to where the user pastes it). */
  readonly dir: string;
}

export type LabPlatform = 'ios' | 'asa';

export const LAB_DEVICE_NAME = 'lab-router';

/** What each emulated platform is called in the banner, and the object-group names its definitions use. */
const PLATFORMS: Record<LabPlatform, { title: string; block: string; allow: string }> = {
  ios: { title: 'emulated Cisco IOS router', block: 'threatstop-block', allow: 'threatstop-allow' },
  asa: { title: 'emulated Cisco ASA firewall', block: 'ThreatSTOP-Block', allow: 'ThreatSTOP-Allow' },
};
export const LAB_READY_LINE = 'Ready. Press Ctrl-C to stop.';
const MAX_ENTRIES_LIMIT = 2_000_000;

/** A wildcard listen address is reached through loopback. */
function reachable(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '::1';
  return host;
}

/** A host as a YAML flow scalar: IPv6 literals are quoted (they contain ':'). */
const yamlHost = (host: string): string => (host.includes(':') ? `"${host}"` : host);

/** host:port, with IPv6 literals in brackets. */
const hostPort = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

/** Single-quoted for POSIX shells. */
const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export function renderTscmYaml(dns: { host: string; port: number }): string {
  return `# Shared defaults: the lab's policy DNS server.
policyServer: { host: ${yamlHost(reachable(dns.host))}, port: ${dns.port} }
`;
}

export function renderDeviceYaml(b: LabBanner): string {
  // The group is capped to maxEntries; make room for the whole served list so the lab shows all of it.
  const maxEntries = Math.min(MAX_ENTRIES_LIMIT, Math.max(10_000, b.policy.block.length));
  const platform = b.router.platform ?? 'ios';
  const groups = PLATFORMS[platform];
  return `# The emulated router of \`tscm lab\`. Credentials are references to environment variables, never literals.
name: ${LAB_DEVICE_NAME}
platform: ${platform}
deviceId: tdid_lab00001
management: { host: ${yamlHost(reachable(b.router.host))}, port: ${b.router.port} }
${b.router.standby ? `peers: [{ host: ${yamlHost(reachable(b.router.standby.host))}, port: ${b.router.standby.port} }]\n` : ''}hostKey: { fingerprint: "${b.router.fingerprint}" }
credentials:
  username: { env: TSCM_LAB_USER }
  password: { env: TSCM_LAB_PASSWORD }
  enablePassword: { env: TSCM_LAB_ENABLE }
policy:
  blockList: ${LAB_BLOCK_ZONE}
${b.policy.allow ? `  allowList: ${LAB_ALLOW_ZONE}\n` : ''}objectGroups: { block: ${groups.block}, allow: ${groups.allow}, maxEntries: ${maxEntries} }
`;
}

export function renderEnvLines(c: LabBanner['credentials']): string[] {
  return [
    `export TSCM_LAB_USER=${shellQuote(c.username)}`,
    `export TSCM_LAB_PASSWORD=${shellQuote(c.password)}`,
    `export TSCM_LAB_ENABLE=${shellQuote(c.enablePassword)}`,
  ];
}

export function renderLabBanner(b: LabBanner): string {
  const dns = hostPort(reachable(b.dns.host), b.dns.port);
  const allow = b.policy.allow
    ? `${LAB_ALLOW_ZONE} (${b.policy.allow.length} entries, ${b.policy.allowFrom})`
    : '(no allow list)';
  const heredoc = (file: string, body: string) => [`cat > ${file} <<'EOF'`, body.trimEnd(), 'EOF'];
  return [
    'tscm lab (lab use only: the credentials below are printed on purpose)',
    `  router      ${PLATFORMS[b.router.platform ?? 'ios'].title} on ${hostPort(b.router.host, b.router.port)}, booted from ${b.router.bootedFrom}`,
    ...(b.router.standby
      ? [`  standby     ${hostPort(b.router.standby.host, b.router.standby.port)} (failover pair, same host key)`]
      : []),
    `  host key    ${b.router.fingerprint}`,
    ...(b.router.faults ? [`  faults      ${b.router.faults}`] : []),
    `  login       ${b.credentials.username} (password and enable password as in the exports below)`,
    `  policy DNS  ${hostPort(b.dns.host, b.dns.port)} (AXFR over TCP)`,
    `    block     ${LAB_BLOCK_ZONE} (${b.policy.block.length} entries, ${b.policy.blockFrom})`,
    `    allow     ${allow}`,
    '',
    `Paste this into a shell to write definitions for the lab into ./${b.dir} and plan against it:`,
    '',
    `mkdir -p ${b.dir}/devices`,
    ...heredoc(`${b.dir}/tscm.yaml`, renderTscmYaml(b.dns)),
    ...heredoc(`${b.dir}/devices/${LAB_DEVICE_NAME}.yaml`, renderDeviceYaml(b)),
    ...renderEnvLines(b.credentials),
    `tscm plan --dir ${b.dir}`,
    '',
    `Then apply with: tscm apply --dir ${b.dir}   (the policy server is ${dns})`,
    LAB_READY_LINE,
    '',
  ].join('\n');
}
