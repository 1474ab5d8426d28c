// Public types of the IOS emulator (the API other helpers code against; see README.md).

import type { Algorithms } from 'ssh2';

export interface IosFaults {
  /** Close the connection after N commands have been received in this session (the Nth runs, its reply is lost). */
  dropAfterCommands?: number;
  /** Delay every reply (output + prompt) by this many milliseconds. */
  replyDelayMs?: number;
  /** `write memory` fails with `startup-config file open failed (Device or resource busy)` this many times. */
  nvramBusyTimes?: number;
  /** The enable password is never accepted (`% Bad secrets` after 3 tries). */
  rejectEnable?: boolean;
  /** `configure terminal` answers the "Configuration mode is locked by process ..." text N times. */
  configLockedTimes?: number;
  /** `write memory` asks `Overwrite the previous NVRAM configuration?[confirm]` (every time while set). */
  writeConfirm?: boolean;
  /**
   * After N more commands (of any session, counted from when the faults are set), every command answers `Command
   * authorization failed.` and does not run, as per-command TACACS+ authorization that starts refusing (§6 row 3).
   */
  authorizationFailAfter?: number;
}

export interface IosEmulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (random). */
  port?: number;
  /** Running-config text to boot from. */
  config?: string;
  /** Overrides the config's hostname; default from the config or `Router`. */
  hostname?: string;
  username: string;
  password: string;
  /** Without it, `enable` answers `% No password set` and the session stays in user exec. */
  enablePassword?: string;
  /** Default both. */
  authMethods?: ('password' | 'keyboard-interactive')[];
  /** e.g. legacy-only kex/ciphers to test old devices. */
  algorithms?: Algorithms;
  /** PEM/OpenSSH private key; default: an ed25519 key generated once per process. */
  hostKey?: string | Buffer;
  faults?: IosFaults;
  /** Emit `%SYS-5-CONFIG_I: Configured from console by USER on vty0 (IP)` shortly after leaving config mode. */
  logConfigEvents?: boolean;
}

export interface RunningIosEmulator {
  host: string;
  port: number;
  /** `SHA256:<base64 no padding>` as OpenSSH prints it. */
  hostKeyFingerprint: string;
  runningConfig(): string;
  startupConfig(): string;
  /** Group name -> member lines in config form (test convenience, reflects the running config). */
  objectGroups(): Map<string, string[]>;
  /** Every command line received, all sessions, in order. */
  commandLog(): string[];
  setFaults(f: IosFaults): void;
  close(): Promise<void>;
}
