// The one emulated firewall all sessions share: its config, the saved config, faults, the command log, and
// `write memory` with its outputs per variant (cisco-protocol.md §2 "write memory", §7 PIX/FWSM).

import { createHash } from 'node:crypto';
import { parsePixConfig } from './config-model.js';
import type { PixConfig } from './config-model.js';
import type { PixFaults, PixVariant } from './types.js';

/** `CLS ACL Rule MAX` of the real FWSM quoted in src/drivers/cisco-pix/testdata/real-cisco-community-fwsm-np-acl-count. */
export const FWSM_ACL_RULE_MAX = 56_627;

/** When no config is given: the shape of a real PIX 7.2 factory config, cut down [I]. */
const SKELETON = [
  ': Saved',
  ':',
  'PIX Version 7.2(1)',
  '!',
  'hostname pixfirewall',
  'names',
  '!',
  'pager lines 24',
  'Cryptochecksum:00000000000000000000000000000000',
  ': end',
];

export class PixDevice {
  readonly config: PixConfig;
  faults: PixFaults;
  readonly commandLog: string[] = [];
  private startup: string;

  constructor(
    readonly variant: PixVariant,
    text: string | undefined,
    hostname: string | undefined,
    faults: PixFaults | undefined,
    readonly enablePassword: string,
    readonly context: string | undefined,
    private readonly bootAclRuleMax?: number,
  ) {
    this.config = parsePixConfig(text ?? SKELETON.join('\n') + '\n', variant === 'pix6' ? '  ' : ' ');
    if (hostname !== undefined) this.config.setHostname(hostname);
    this.faults = { ...faults };
    this.startup = this.runningConfigText();
  }

  get hostname(): string {
    return this.config.hostname ?? (this.variant === 'fwsm3' ? 'FWSM' : 'pixfirewall');
  }

  /**
   * The access-list element limit the device enforces and (FWSM) states: the `aceLimit` fault, else the boot
   * option, else an FWSM's default; undefined: none (a PIX).
   */
  aclRuleMax(): number | undefined {
    const fwsm = this.variant === 'fwsm3' ? FWSM_ACL_RULE_MAX : undefined;
    return this.faults.aceLimit ?? this.bootAclRuleMax ?? fwsm;
  }

  runningConfigText(): string {
    return this.config.renderLines().join('\n') + '\n';
  }

  startupConfigText(): string {
    return this.startup;
  }

  /** `write memory`: the lines printed, and the config saved unless the write-failure fault is on. */
  writeMemory(): string[] {
    const text = this.runningConfigText();
    const sum = createHash('md5').update(text).digest('hex');
    const checksum = `Cryptochecksum: ${sum.slice(0, 8)} ${sum.slice(8, 16)} ${sum.slice(16, 24)} ${sum.slice(24)}`;
    const failing = this.faults.writeFailTimes ?? 0;
    if (failing > 0) {
      this.faults.writeFailTimes = failing - 1;
      // [mock, cisco-protocol.md §2] a flash write that fails ends without [OK].
      return [
        'Building configuration...',
        '%Error copying system:/running-config (No Device)',
        'Error executing command',
        '[FAILED]',
      ];
    }
    this.startup = text;
    // PIX 6: the checksum then [OK] [S: a PIX transcript]; PIX 7/FWSM add the byte count (ASA-like) [I for FWSM].
    if (this.variant === 'pix6') return ['Building configuration...', checksum, '[OK]'];
    return [
      'Building configuration...',
      `${checksum} `,
      '',
      `${Buffer.byteLength(text)} bytes copied in 0.240 secs`,
      '[OK]',
    ];
  }
}
