// Public types of the PIX/FWSM emulator (the API other helpers code against; see README.md).

import type { Algorithms } from 'ssh2';

/** PIX 6.x (telnet; SSH 1 only on the real device), PIX 7.x, FWSM 3.x. */
export type PixVariant = 'pix6' | 'pix7' | 'fwsm3';

export interface PixFaults {
  /** Close the connection after N command lines in a session (the Nth runs, its reply is lost). */
  dropAfterCommands?: number;
  /** Delay every reply (output + prompt) by this many milliseconds. */
  replyDelayMs?: number;
  /** `write memory` fails (`[FAILED]`) this many times (device-wide counter). */
  writeFailTimes?: number;
  /**
   * Above this many access-list elements (expanded ACEs) an add to a group in use is refused with
   * `ERROR: Unable to add, access-list config limit reached`, and every change made in the group since it was
   * entered is removed (FWSM: the whole batch goes).
   */
  aceLimit?: number;
  /** A standby failover unit: every configuration command prints the replication warning (and still applies). */
  standby?: boolean;
  /** The next N member adds answer `... failed; object already exists` although the member was not there. */
  objectExistsTimes?: number;
}

export interface PixEmulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** SSH port (pix7, fwsm3); default 0 (random). pix6 serves no SSH: the real one speaks SSH 1 only. */
  port?: number;
  /** Telnet port (pix6 default 0: random; other variants: no telnet unless given). */
  telnetPort?: number;
  /** Configuration text to boot from (default: a small skeleton). */
  config?: string;
  /** Overrides the config's hostname. */
  hostname?: string;
  username: string;
  password: string;
  enablePassword: string;
  faults?: PixFaults;
  variant: PixVariant;
  /** SSH algorithms offered (legacy-only to emulate old devices). */
  algorithms?: Algorithms;
  /** PEM/OpenSSH private key for SSH; default: the toolkit's generated key. */
  hostKey?: string | Buffer;
  /** FWSM multi-context: prompts read `H/CONTEXT#`. */
  context?: string;
  /**
   * FWSM: the module's ACL rule maximum, stated by `show np 3 acl count` (`CLS ACL Rule MAX`) and enforced as the
   * `aceLimit` fault is (which, when set, wins). Default on fwsm3: 56,627, the figure of the real module in
   * testdata (README.md); PIX 6/7 state none and enforce only `aceLimit`.
   */
  aclRuleMax?: number;
}

export interface RunningPixEmulator {
  readonly host: string;
  /** SSH port, or 0 when SSH is not served. */
  readonly port: number;
  /** Telnet port, or 0 when telnet is not served. */
  readonly telnetPort: number;
  /** `SHA256:...` as OpenSSH prints it ('' when SSH is not served). */
  readonly hostKeyFingerprint: string;
  /** Group name -> member forms (`host A`, `A MASK`), in config order. */
  objectGroups(): Map<string, string[]>;
  runningConfig(): string;
  startupConfig(): string;
  /** Every command line received, all sessions, in order. */
  commandLog(): string[];
  setFaults(faults: PixFaults): void;
  close(): Promise<void>;
}
