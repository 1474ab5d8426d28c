// One DNS exchange over TCP: connect, send a length-prefixed query, hand each length-prefixed reply message to the
// caller until it says it has the last one. Three timeouts: connect, idle (no bytes for a while) and total.
// Failures become TransientErrors naming what was asked of which server, with the hint an operator needs.
// The socket reads into one reusable buffer (`onread`, no stream chunks): a 1M-record zone is 22-37 MB of replies.
import net from 'node:net';
import type { Endpoint } from '../config/types.js';
import { TransientError } from '../errors.js';
import { MessageFramer } from './message-framer.js';

export interface DnsTimeouts {
  /** TCP connect. Default 5 s. */
  readonly connectTimeoutMs?: number;
  /** Longest silence while waiting for bytes. Default 10 s. */
  readonly idleTimeoutMs?: number;
  /** The whole exchange. Default 5 min (a 1M-record zone takes NSD or Knot ~1.2 s to send). */
  readonly totalTimeoutMs?: number;
}

/** Returns true when `msg` was the last message of the reply. `msg` is only valid during the call (copy to keep). */
export type MessageHandler = (msg: Buffer) => boolean;

export function formatEndpoint(server: Endpoint): string {
  return server.host.includes(':') ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`;
}

const BLOCKED_HINT = (server: Endpoint): string =>
  server.port === 53
    ? 'TCP 53 may be blocked between here and the server: try port 5353'
    : `check that TCP ${server.port} is open between here and the server`;

/** `what` says what was asked, e.g. `AXFR of zone rpz.example`; it starts every error message. */
export function exchangeOverTcp(
  server: Endpoint,
  what: string,
  query: Buffer,
  onMessage: MessageHandler,
  timeouts: DnsTimeouts = {},
): Promise<void> {
  const at = `${what} from ${formatEndpoint(server)}`;
  const connectMs = timeouts.connectTimeoutMs ?? 5_000;
  const idleMs = timeouts.idleTimeoutMs ?? 10_000;
  const totalMs = timeouts.totalTimeoutMs ?? 300_000;

  return new Promise<void>((resolve, reject) => {
    const framer = new MessageFramer();
    let settled = false;
    let connected = false;
    const onRead = (n: number): boolean => {
      if (settled) return false;
      try {
        if (framer.received(n, onMessage)) finish();
      } catch (err) {
        finish(err instanceof Error ? err : new TransientError(`${at}: ${String(err)}`));
      }
      return !settled;
    };
    const socket = net.connect({
      host: server.host,
      port: server.port,
      onread: { buffer: () => framer.readTarget(), callback: onRead },
    });

    const finish = (err?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      clearTimeout(totalTimer);
      socket.destroy();
      if (err) reject(err);
      else resolve();
    };
    const connectTimer = setTimeout(
      () => finish(new TransientError(`${at}: no TCP connection within ${connectMs} ms`, BLOCKED_HINT(server))),
      connectMs,
    );
    const totalTimer = setTimeout(
      () =>
        finish(new TransientError(`${at}: not complete after ${totalMs} ms`, 'the server is slow or the zone huge')),
      totalMs,
    );

    socket.setNoDelay(true);
    socket.on('connect', () => {
      connected = true;
      clearTimeout(connectTimer);
      socket.setTimeout(idleMs);
      socket.write(query);
    });
    socket.on('timeout', () =>
      finish(new TransientError(`${at}: no data for ${idleMs} ms (timed out)`, BLOCKED_HINT(server))),
    );
    socket.on('end', () =>
      finish(
        new TransientError(
          `${at}: the server closed the connection before the reply was complete (truncated; partial data discarded)`,
          'retry; if it persists, check the server logs for the transfer',
        ),
      ),
    );
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') {
        finish(
          new TransientError(
            `${at}: connection refused (nothing listens on TCP ${server.port})`,
            `check the policy server address and port (${formatEndpoint(server)}) in the device definition`,
            { cause: err },
          ),
        );
      } else if (err.code === 'ECONNRESET' && connected) {
        finish(
          new TransientError(
            `${at}: connection reset before the reply was complete (truncated; partial data discarded)`,
            'retry; if it persists, check the server logs for the transfer',
            { cause: err },
          ),
        );
      } else {
        finish(
          new TransientError(`${at}: ${err.code ?? ''} ${err.message}`.trim(), BLOCKED_HINT(server), { cause: err }),
        );
      }
    });
  });
}
