// Public types of the ASA REST emulator (contract 1 of issue 9; see README.md).

import type { Algorithms } from 'ssh2';
import type { RunningAsaEmulator } from '../asa/index.js';
import type { LabCertificate } from '../tls-cert.js';

export interface AsaRestFaults {
  /** After N more requests, answer 500 to the next `count` requests (default: every one until cleared). */
  serverErrors?: { afterRequests: number; count?: number; body?: 'json' | 'html'; applyWrites?: boolean };
  /** While the running config is larger than N bytes, writes (POST/PATCH/PUT/DELETE, writemem) answer 500. */
  oomAboveConfigBytes?: number;
  /** After N more requests the agent restarts: the port refuses connections for `downMs`, then serves again. */
  agentRestart?: { afterRequests: number; downMs: number };
  /** Token sessions allowed at once (default 25): POST /api/tokenservices beyond it answers 503. */
  maxSessions?: number;
  /** Delay every reply by N ms. */
  replyDelayMs?: number;
  /** Every token expires after N requests made with it: 401, a new token works. */
  tokenExpiresAfterRequests?: number;
  /** Request bodies above N bytes answer 413 (default 1 MiB [I]). */
  maxBodyBytes?: number;
  /** POST /api/commands/writemem fails N times. */
  writememFailTimes?: number;
  /** No REST agent (Firepower hardware, or `no rest-api agent`): every /api path answers 404. */
  absent?: boolean;
}

export interface AsaRestEmulatorOptions {
  /** HTTPS listener; default 127.0.0.1:0. */
  host?: string;
  port?: number;
  /** Boot config text (default the SSH emulator's default ASA config) and a hostname over it. */
  config?: string;
  hostname?: string;
  /** Privilege-15 user for Basic and tokenservices (and the SSH login). */
  username: string;
  password: string;
  /** For the SSH front end. */
  enablePassword?: string;
  /** Default: generateLabCertificate({ hosts: [host] }), self-signed. */
  certificate?: LabCertificate;
  /** Serve the SSH CLI too, on the same device. */
  ssh?: { host?: string; port?: number; hostKey?: string | Buffer; algorithms?: Algorithms };
  faults?: AsaRestFaults;
}

export interface RequestCounts {
  total: number;
  byRoute: Record<string, number>;
}

export interface RunningAsaRestEmulator {
  host: string;
  port: number;
  /** `https://HOST:PORT/api`. */
  url: string;
  /** Of the served certificate, AA:BB:.. upper case. */
  fingerprint256: string;
  certificate: LabCertificate;
  /** The SSH front end on the same model, when `ssh` was given. */
  ssh: RunningAsaEmulator | undefined;
  runningConfig(): string;
  startupConfig(): string;
  /** As RunningAsaEmulator.objectGroups. */
  objectGroups(): Map<string, string[]>;
  /** The same JSON as GET /lab/requests. */
  requests(): RequestCounts;
  resetRequests(): void;
  activeTokens(): number;
  /** Replaces the REST faults (counters restart from now). */
  setFaults(f: AsaRestFaults): void;
  close(): Promise<void>;
}
