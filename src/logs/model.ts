// The log pipeline's shared vocabulary: what the receiver hands on (a message from an address), what the store
// rotates (a numbered, compressed file), what the uploader sends it to, and what a deny line says. Each part of
// src/logs/ (receive/, store/, upload/, forward/, hits/) implements one side of these; service.ts wires them.

export type { Logger } from '../drivers/driver.js';

/** A listen address of the receiver (`host` '0.0.0.0', '::', '127.0.0.1', ...; port 0: any free port). */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/** One syslog message as it arrived, framing removed (no octet count, no trailing LF), bytes unchanged. */
export interface SyslogMessage {
  readonly raw: Buffer;
  /** The sender's address, normalised: an IPv4-mapped IPv6 address (::ffff:a.b.c.d) is given as a.b.c.d. */
  readonly from: string;
  readonly transport: 'udp' | 'tcp';
  /** Local receive time, ms since the epoch. */
  readonly receivedAt: number;
}

/**
 * Where the receiver puts messages. `busy` is true while the sink holds more than its high-water mark: the
 * receiver then drops UDP datagrams (counted) and pauses TCP sockets until `onDrain` fires (a message already read
 * from a socket is always pushed, so nothing read over TCP is lost).
 */
export interface MessageSink {
  readonly busy: boolean;
  push(message: SyslogMessage): void;
  /** Registers the callback fired each time `busy` turns false. */
  onDrain(callback: () => void): void;
}

/** A rotated log file of a device: `<logDir>/<device>/syslog.<seq as 6+ digits>.gz`, compressed and fsync'd. */
export interface RotatedFile {
  readonly device: string;
  /** The rotation number, per device, growing by one. */
  readonly seq: number;
  /** Absolute path of the .gz file. */
  readonly path: string;
  /** Size of the .gz file. */
  readonly bytes: number;
}

/** Where a device's rotated files go (resolved: secrets read). null from `targetFor`: keep files, never send. */
export interface UploadTarget {
  /** https:// URL (the endpoint of tscm.yaml logs.uploadUrl). */
  readonly url: string;
  readonly deviceId: string;
  /** An http:// CONNECT proxy, with Basic credentials when both are set. */
  readonly proxy?: { readonly url: string; readonly username?: string; readonly password?: string };
  /** Extra CA certificates (PEM) trusted for the endpoint, besides the system's (tscm.yaml logs.uploadCa). */
  readonly ca?: string;
  /** Sent as `Authorization: Bearer <token>` (tscm.yaml logs.uploadToken). */
  readonly token?: string;
}

/** What one upload attempt of one file came to (`tscm logs` prints these). */
export interface UploadOutcome {
  readonly device: string;
  readonly file: string;
  readonly bytes: number;
  /** uploaded: a 2xx, file deleted; kept: logs.upload false; failed: kept for a retry. */
  readonly result: 'uploaded' | 'kept' | 'failed';
  readonly httpStatus?: number;
  /** Why it failed (never a secret, never the body). */
  readonly reason?: string;
}

/** A deny (or permit) line of an ACL, as IOS and ASA log it. */
export interface AclLogLine {
  /** The message id: 'SEC-6-IPACCESSLOGP', 'ASA-4-106023', ... */
  readonly id: string;
  readonly action: 'denied' | 'permitted';
  /** 'tcp', 'udp', 'icmp', 'ip', a protocol number, ... (lower case) */
  readonly protocol: string;
  readonly src: string;
  readonly srcPort?: number;
  readonly dst: string;
  readonly dstPort?: number;
  /** The ACL (or access-group) named in the line, when it names one. */
  readonly acl?: string;
  /** Packets the line stands for (IOS "N packets", ASA hit-cnt); 1 when it does not say. */
  readonly count: number;
}
