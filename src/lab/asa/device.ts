// The emulated ASA: the configuration all sessions (and both units of a failover pair) share, the startup
// config, and each unit's own faults, command log and failover role.

import { createHash } from 'node:crypto';
import { AsaConfig } from './config-model.js';
import { DEFAULT_ASA_CONFIG } from './default-config.js';
import type { AsaFaults } from './types.js';

export class AsaDevice {
  readonly config: AsaConfig;
  private startup: string[];
  /** Set once the anonymous-reporting question was answered Y or N (asked again after A). */
  reportingAnswered = false;

  constructor(configText: string | undefined, hostname: string | undefined) {
    this.config = AsaConfig.parse(configText ?? DEFAULT_ASA_CONFIG);
    if (hostname !== undefined) this.config.setHostname(hostname);
    this.startup = this.config.renderLines();
  }

  get hostname(): string {
    return this.config.hostname ?? 'ciscoasa';
  }

  runningConfigText(): string {
    return this.config.renderLines().join('\n') + '\n';
  }

  startupConfigText(): string {
    return this.startup.join('\n') + '\n';
  }

  /** `Cryptochecksum: a b c d ` as `write memory` prints it (trailing space, spec §7). */
  writeMemory(): string[] {
    const body = this.config.renderLines();
    const text = body.join('\n') + '\n';
    const hex = createHash('md5').update(text).digest('hex');
    this.startup = body;
    return [
      'Building configuration...',
      `Cryptochecksum: ${hex.slice(0, 8)} ${hex.slice(8, 16)} ${hex.slice(16, 24)} ${hex.slice(24)} `,
      '',
      `${Buffer.byteLength(text)} bytes copied in 0.240 secs`,
      '[OK]',
    ];
  }
}

export type FailoverRole = { readonly unit: 'primary' | 'secondary'; readonly state: () => 'active' | 'standby' };

/** One endpoint: a standalone ASA, or one unit of a failover pair. */
export class AsaUnit {
  faults: AsaFaults;
  readonly commandLog: string[] = [];

  constructor(
    readonly device: AsaDevice,
    faults: AsaFaults | undefined,
    readonly enablePassword: string | undefined,
    readonly failover: FailoverRole | undefined,
  ) {
    this.faults = { ...faults };
  }

  get standby(): boolean {
    return this.failover?.state() === 'standby';
  }

  /** `HOST/pri/act`, `HOST/sec/stby` in a pair (spec §7), else the hostname. */
  promptName(): string {
    if (!this.failover) return this.device.hostname;
    const unit = this.failover.unit === 'primary' ? 'pri' : 'sec';
    return `${this.device.hostname}/${unit}/${this.failover.state() === 'active' ? 'act' : 'stby'}`;
  }
}
