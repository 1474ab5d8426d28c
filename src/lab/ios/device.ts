// The one emulated router that all SSH sessions share: running and startup config, faults, the command log,
// and the NVRAM write with its failure modes (spec §1 "write memory" and §6 row 18).

import { deflateSync } from 'node:zlib';
import type { IosConfig } from './config-model.js';
import { parseRunningConfig } from './config-parse.js';
import { DEFAULT_RUNNING_CONFIG } from './default-config.js';
import type { IosFaults } from './types.js';

const NVRAM_BYTES = 262136;

export class IosDevice {
  readonly config: IosConfig;
  private currentFaults: IosFaults = {};
  /** The command log's length when the faults were set: authorizationFailAfter counts from there. */
  private faultsSetAt = 0;
  readonly commandLog: string[] = [];
  private startup: string[];
  private startupCompressed: boolean;

  get faults(): IosFaults {
    return this.currentFaults;
  }

  set faults(f: IosFaults) {
    this.currentFaults = f;
    this.faultsSetAt = this.commandLog.length;
  }

  /** authorizationFailAfter: N commands (of any session) ran since the faults were set; the next are refused. */
  refusesAuthorization(): boolean {
    const limit = this.currentFaults.authorizationFailAfter;
    return limit !== undefined && this.commandLog.length - this.faultsSetAt > limit;
  }

  constructor(
    configText: string | undefined,
    hostname: string | undefined,
    faults: IosFaults | undefined,
    readonly enablePassword: string | undefined,
  ) {
    this.config = parseRunningConfig(configText ?? DEFAULT_RUNNING_CONFIG);
    if (hostname !== undefined) this.config.setHostname(hostname);
    else if (this.config.hostname === undefined) this.config.setHostname('Router');
    this.faults = { ...faults };
    this.faultsSetAt = 0;
    this.startup = this.config.renderLines();
    this.startupCompressed = this.config.compressConfig;
  }

  get hostname(): string {
    return this.config.hostname ?? 'Router';
  }

  /** The MOTD and exec banners of the config, shown before the first prompt (spec §6 row 10). */
  loginBanner(): string[] {
    const out: string[] = [];
    for (const block of this.config.blocks) {
      if (block.kind !== 'text') continue;
      const match = /^banner (motd|exec) (\^C|\S)/.exec(block.lines[0] ?? '');
      if (!match) continue;
      const delimiter = match[2] as string;
      const text = [block.lines[0]?.slice(match[0].length) ?? '', ...block.lines.slice(1)].join('\n');
      const end = text.indexOf(delimiter);
      out.push(...(end >= 0 ? text.slice(0, end) : text).split('\n'));
    }
    return out;
  }

  runningConfigText(): string {
    return this.config.renderLines().join('\n') + '\n';
  }

  startupConfigText(): string {
    return this.startup.join('\n') + '\n';
  }

  /** `show running-config` as IOS prints it: a build line, the byte count, then the config ending in `end`. */
  showRunningLines(): string[] {
    const body = this.config.renderLines();
    return ['Building configuration...', '', `Current configuration : ${byteLength(body)} bytes`, ...body];
  }

  showStartupLines(): string[] {
    const size = byteLength(this.startup);
    const header = this.startupCompressed
      ? `Using ${compressedLength(this.startup)} out of ${NVRAM_BYTES} bytes, uncompressed size = ${size} bytes`
      : `Using ${size} out of ${NVRAM_BYTES} bytes`;
    return [header, ...this.startup];
  }

  /** Copies running to startup (or fails as a busy NVRAM does); returns the lines IOS prints. */
  writeMemory(): string[] {
    const busy = this.faults.nvramBusyTimes ?? 0;
    if (busy > 0) {
      this.faults.nvramBusyTimes = busy - 1;
      return ['Building configuration...', 'startup-config file open failed (Device or resource busy)'];
    }
    const body = this.config.renderLines();
    this.startup = body;
    this.startupCompressed = this.config.compressConfig;
    if (!this.startupCompressed) return ['Building configuration...', '[OK]'];
    return [
      'Building configuration...',
      '',
      `  Compressed configuration from ${byteLength(body)} bytes to ${compressedLength(body)} bytes[OK]`,
    ];
  }
}

function byteLength(lines: readonly string[]): number {
  let total = 0;
  for (const line of lines) total += Buffer.byteLength(line) + 1;
  return total;
}

function compressedLength(lines: readonly string[]): number {
  return deflateSync(lines.join('\n') + '\n').length;
}
