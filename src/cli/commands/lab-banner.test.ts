// The banner's definitions must load as they are printed (also with IPv6 listen addresses), and its shell
// exports must survive any password.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDefinitions } from '../../config/index.js';
import {
  LAB_DEVICE_NAME,
  renderDeviceYaml,
  renderEnvLines,
  renderLabBanner,
  renderTscmYaml,
  type LabBanner,
} from './lab-banner.js';

const banner = (host: string): LabBanner => ({
  router: { host, port: 2222, fingerprint: 'SHA256:' + 'A'.repeat(43), bootedFrom: 'x.txt' },
  dns: { host, port: 5353 },
  policy: { block: ['192.0.2.0/24'], blockFrom: 'f' },
  credentials: { username: 'u', password: `it's "$HOME"`, enablePassword: 'e' },
  dir: 'lab-defs',
});

describe('lab banner', () => {
  it.each(['127.0.0.1', '::1', '0.0.0.0'])('prints definitions that load (listening on %s)', async (host) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tscm-lab-banner-'));
    try {
      await mkdir(path.join(dir, 'devices'));
      await writeFile(path.join(dir, 'tscm.yaml'), renderTscmYaml(banner(host).dns));
      await writeFile(path.join(dir, 'devices', 'lab.yaml'), renderDeviceYaml(banner(host)));
      const { devices, diagnostics } = await loadDefinitions(dir);
      expect(diagnostics).toEqual([]);
      expect(devices.map((d) => d.name)).toEqual([LAB_DEVICE_NAME]);
      const want = host === '0.0.0.0' ? '127.0.0.1' : host;
      expect(devices[0]!.management).toMatchObject({ host: want, port: 2222 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('prints ASA definitions that load, with the ASA group names', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tscm-lab-banner-'));
    try {
      const asa = banner('127.0.0.1');
      const b: LabBanner = {
        ...asa,
        router: { ...asa.router, platform: 'asa', standby: { host: '127.0.0.2', port: 2223 } },
      };
      await mkdir(path.join(dir, 'devices'));
      await writeFile(path.join(dir, 'tscm.yaml'), renderTscmYaml(b.dns));
      await writeFile(path.join(dir, 'devices', 'lab.yaml'), renderDeviceYaml(b));
      const { devices, diagnostics } = await loadDefinitions(dir);
      expect(diagnostics).toEqual([]);
      expect(devices[0]).toMatchObject({ platform: 'asa', peers: [{ host: '127.0.0.2', port: 2223 }] });
      expect(renderLabBanner(b)).toContain('emulated Cisco ASA firewall on 127.0.0.1:2222');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('quotes the exports for a POSIX shell', () => {
    const script = [...renderEnvLines(banner('::1').credentials), 'printf %s "$TSCM_LAB_PASSWORD"'].join('\n');
    expect(execFileSync('sh', ['-c', script], { encoding: 'utf8' })).toBe(`it's "$HOME"`);
  });

  it('shows IPv6 addresses in brackets and ends with the ready line', () => {
    const text = renderLabBanner(banner('::1'));
    expect(text).toContain('[::1]:2222');
    expect(text).toContain('[::1]:5353');
    expect(text).toContain('(no allow list)');
    expect(text.endsWith('Ready. Press Ctrl-C to stop.\n')).toBe(true);
  });
});
