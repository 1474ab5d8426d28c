// The demo's devices: the ISR router, an ASA over SSH (master group with nested children), an ASA over its REST
// API (HTTPS, certificate pinned) and an FWSM (the PIX driver), each an emulator booted from a configuration (the
// ASAs' and the FWSM's are real ones, see src/lab/*/testdata) and one device definition. All enforce the same
// policy as the router.

import { LAB_ROUTER_CONFIG } from '../../lab/demo/router-config.js';
import { readRealConfig } from '../../lab/demo/real-config.js';
import { startAsaEmulator } from '../../lab/asa/index.js';
import { startAsaRestEmulator } from '../../lab/asa-rest/index.js';
import { startIosEmulator } from '../../lab/ios/index.js';
import { startPixEmulator } from '../../lab/pix/index.js';

export interface DemoDevice {
  readonly name: string;
  readonly what: string;
  readonly host: string;
  readonly port: number;
  /** How the definition trusts the device: its SSH host key, or (HTTPS) its certificate, pinned. */
  readonly trust: { readonly hostKey: string } | { readonly certificate: string };
  /** The device-specific YAML lines (platform, groups, options; a certificate pin is in them). */
  readonly yaml: string;
  /** One line on what the device holds now. */
  summary(): string;
  close(): Promise<void>;
}

export interface DemoCredentials {
  readonly username: string;
  readonly password: string;
  readonly enablePassword: string;
}

function nestedSummary(groups: Map<string, string[]>, saved: boolean): string {
  const children = (master: string) => [...groups.keys()].filter((n) => n.startsWith(`${master}-`));
  const block = children('ThreatSTOP-Block');
  const allow = children('ThreatSTOP-Allow');
  return `ThreatSTOP-Block: ${block.length} nested children, ${count(groups, (n) => block.includes(n))} entries; ThreatSTOP-Allow: ${count(groups, (n) => allow.includes(n))}; saved: ${saved ? 'yes' : 'no'}`;
}

function count(groups: Map<string, string[]>, match: (name: string) => boolean): number {
  return [...groups.entries()].filter(([n]) => match(n)).reduce((s, [, m]) => s + m.length, 0);
}

export async function startDemoDevices(creds: DemoCredentials, maxEntries: number): Promise<DemoDevice[]> {
  const devices: DemoDevice[] = [];
  try {
    const router = await startIosEmulator({ config: LAB_ROUTER_CONFIG, ...creds });
    devices.push({
      name: 'branch-isr-01',
      what: 'emulated Cisco ISR (IOS-XE)',
      host: router.host,
      port: router.port,
      trust: { hostKey: router.hostKeyFingerprint },
      yaml: `platform: ios\nobjectGroups: { block: threatstop-block, allow: threatstop-allow, maxEntries: ${maxEntries} }\n`,
      summary: () => {
        const g = router.objectGroups();
        const saved = router.startupConfig().includes('threatstop-block') ? 'yes' : 'no';
        return `threatstop-block: ${g.get('threatstop-block')?.length ?? 0} entries; threatstop-allow: ${g.get('threatstop-allow')?.length ?? 0}; corp-servers (not tscm's): ${g.get('corp-servers')?.length ?? 0} entries, untouched; startup-config saved: ${saved}`;
      },
      close: () => router.close(),
    });
    const asa = await startAsaEmulator({ config: readRealConfig('asa', 'asav-9.16-nac-lab'), ...creds });
    devices.push({
      name: 'dc-asa-01',
      what: 'emulated Cisco ASAv 9.16 (booted from a real config)',
      host: asa.host,
      port: asa.port,
      trust: { hostKey: asa.hostKeyFingerprint },
      // Children of 4,000 so the demo's 10,000-entry feed shows the nested layout (the default is 10,000).
      yaml: `platform: asa\nobjectGroups: { maxEntries: ${maxEntries}, nestedSize: 4000 }\n`,
      summary: () => nestedSummary(asa.objectGroups(), asa.startupConfig().includes('ThreatSTOP-Block')),
      close: () => asa.close(),
    });
    const rest = await startAsaRestEmulator({ config: readRealConfig('asa', 'asav-9.16-nac-lab'), ...creds });
    devices.push({
      name: 'hq-asa-rest-01',
      what: 'emulated Cisco ASAv 9.16 over its REST API (HTTPS, booted from a real config)',
      host: rest.host,
      port: rest.port,
      trust: { certificate: rest.fingerprint256 },
      // The emulator's certificate is self-signed, as an ASA's own is: its fingerprint is pinned.
      yaml: `platform: asa-rest
objectGroups: { maxEntries: ${maxEntries}, nestedSize: 4000 }
advanced: { certificateFingerprint: "${rest.fingerprint256}" }
`,
      summary: () => nestedSummary(rest.objectGroups(), rest.startupConfig().includes('ThreatSTOP-Block')),
      close: () => rest.close(),
    });
    const fwsm = await startPixEmulator({
      config: readRealConfig('pix', 'fwsm-ceige-3.1'),
      variant: 'fwsm3',
      ...creds,
    });
    devices.push({
      name: 'legacy-fwsm-01',
      what: 'emulated Cisco FWSM 3.1 (booted from a real config; the pix driver)',
      host: fwsm.host,
      port: fwsm.port,
      trust: { hostKey: fwsm.hostKeyFingerprint },
      yaml: `platform: pix\nobjectGroups: { maxEntries: ${maxEntries} }\n`,
      summary: () => {
        const g = fwsm.objectGroups();
        return `threatstop-block: ${g.get('threatstop-block')?.length ?? 0} entries; threatstop-allow: ${g.get('threatstop-allow')?.length ?? 0}; saved: ${fwsm.startupConfig().includes('threatstop-block') ? 'yes' : 'no'}`;
      },
      close: () => fwsm.close(),
    });
    return devices;
  } catch (err) {
    await Promise.all(devices.map((d) => d.close()));
    throw err;
  }
}
