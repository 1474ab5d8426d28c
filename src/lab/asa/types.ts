// Public types of the ASA emulator (the API other helpers code against; see README.md).

import type { Algorithms } from 'ssh2';

export interface AsaFaults {
  /** Close the connection after N commands have been received in this session (the Nth runs, its reply is lost). */
  dropAfterCommands?: number;
  /** Delay every reply (output + prompt) by this many milliseconds. */
  replyDelayMs?: number;
  /** The enable password is never accepted (`Invalid password` x3, then `Access denied.`). */
  rejectEnable?: boolean;
  /** `write memory` fails this many times (`%Error copying system:/running-config ...`, `[FAILED]`). */
  writeFailTimes?: number;
  /** `write memory` asks `Overwrite the previous NVRAM configuration?[confirm]` first. */
  writeConfirm?: boolean;
  /** Every `configure terminal` asks the anonymous-reporting NOTICE question (else only until answered Y or N). */
  askReporting?: boolean;
  /** `configure terminal` asks `Do you want to kill that session and continue`; `yes` kills it (clears this). */
  configSessionHeld?: boolean;
  /** After N commands in a session, every further command answers `Command authorization failed`. */
  commandAuthorizationFailAfter?: number;
  /** Adding a network-object while the device holds N of them fails with `ERROR: Unable to add, ...`. */
  elementLimit?: number;
  /** After each configuration command, a console syslog line `%ASA-5-111008: User 'u' executed the 'x' command.` */
  asyncLines?: boolean;
}

export interface AsaEmulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (random). */
  port?: number;
  /** Configuration text to boot from (`show running-config` prints it back). */
  config?: string;
  /** Overrides the config's hostname; default from the config or `ciscoasa`. */
  hostname?: string;
  username: string;
  password: string;
  /** Without it, `enable` answers `Invalid password` to everything but an empty line [I]. */
  enablePassword?: string;
  authMethods?: ('password' | 'keyboard-interactive')[];
  algorithms?: Algorithms;
  hostKey?: string | Buffer;
  faults?: AsaFaults;
}

export interface RunningAsaEmulator {
  host: string;
  port: number;
  /** `SHA256:<base64 no padding>` as OpenSSH prints it. */
  hostKeyFingerprint: string;
  runningConfig(): string;
  startupConfig(): string;
  /** Network object-group name -> member lines as the running config prints them (without the indent). */
  objectGroups(): Map<string, string[]>;
  /** Every command line received by this unit, all sessions, in order. */
  commandLog(): string[];
  setFaults(f: AsaFaults): void;
  close(): Promise<void>;
}

export interface AsaPairOptions extends Omit<AsaEmulatorOptions, 'port' | 'faults'> {
  /** Ports of the primary and the secondary unit; default 0 (random) each. */
  ports?: { primary?: number; secondary?: number };
  /** Where the secondary unit listens; default `host`. */
  secondaryHost?: string;
}

/** A failover pair: two endpoints sharing one configuration; the active one takes config, the standby follows. */
export interface RunningAsaPair {
  primary: RunningAsaEmulator;
  secondary: RunningAsaEmulator;
  /** Which unit is active (the primary at start). */
  active(): 'primary' | 'secondary';
  /** Swaps the roles, as `failover active` on the standby does. */
  failover(): void;
  close(): Promise<void>;
}
