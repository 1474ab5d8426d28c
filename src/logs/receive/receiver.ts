// The syslog receiver: UDP and TCP listeners handing each message to a sink, with bounded memory. While the sink is
// busy, UDP datagrams are dropped (counted) and TCP sockets are paused after the chunk in hand (every complete
// message of it is pushed first, so nothing read over TCP is lost); all paused sockets resume on the sink's drain.
// What the receiver holds is then at most one incomplete message per connection (TcpFramer.bufferedBytes).

import dgram from 'node:dgram';
import net from 'node:net';
import { ConfigError } from '../../errors.js';
import type { ListenAddress, Logger, MessageSink } from '../model.js';
import { TcpFramer, datagramMessage } from './framing.js';
import { normaliseAddress } from './source-map.js';

export interface ReceiverOptions {
  readonly udp: readonly ListenAddress[];
  /** Every TCP listener accepts both LF-framed and octet-counted (RFC 6587), per message. */
  readonly tcp: readonly ListenAddress[];
  readonly sink: MessageSink;
  readonly log: Logger;
  /** Default 65536: a longer message is cut there (counted as truncated). */
  readonly maxMessageBytes?: number;
  /** Default 1024 TCP connections at once; beyond: refused, counted. */
  readonly maxConnections?: number;
  /** Default 10 min: an idle TCP sender is closed (not while paused by the receiver). */
  readonly idleTimeoutMs?: number;
}

export interface ReceiverCounters {
  readonly received: { readonly udp: number; readonly tcp: number };
  /** UDP datagrams dropped while the sink was busy. */
  readonly droppedBusy: number;
  readonly truncated: number;
  /** A bad octet count: the connection is closed, counted. */
  readonly malformedFrames: number;
  /** TCP connections open now. */
  readonly connections: number;
  readonly connectionsRefused: number;
  /** TCP connections paused now because the sink is busy, and pauses so far. */
  readonly pausedConnections: number;
  readonly pauses: number;
  /** Bytes held now for incomplete TCP messages, and the most ever held at once. */
  readonly bufferedBytes: number;
  readonly peakBufferedBytes: number;
}

export interface Receiver {
  /** The bound addresses (port 0 resolved), in the order given. */
  readonly udp: readonly ListenAddress[];
  readonly tcp: readonly ListenAddress[];
  counters(): ReceiverCounters;
  /** Stops listening, ends TCP connections after pushing every complete message already read. */
  close(): Promise<void>;
}

interface Connection {
  readonly socket: net.Socket;
  readonly framer: TcpFramer;
  readonly from: string;
  paused: boolean;
}

/** `[::1]:514` / `127.0.0.1:514`, for messages. */
export function formatListenAddress(a: ListenAddress): string {
  return net.isIPv6(a.host) ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}

function bindError(kind: 'UDP' | 'TCP', a: ListenAddress, err: NodeJS.ErrnoException): Error {
  const where = `${kind} ${formatListenAddress(a)}`;
  switch (err.code) {
    case 'EACCES':
      return new ConfigError(
        `cannot listen for syslog on ${where}: permission denied`,
        a.port < 1024
          ? `ports below 1024 need root or the CAP_NET_BIND_SERVICE capability (e.g. setcap cap_net_bind_service=+ep on the node binary, or the container's default capabilities); or choose a port of 1024 or more in tscm.yaml logs.${kind.toLowerCase()} and point the devices at it`
          : 'check that this user may open sockets there',
      );
    case 'EADDRINUSE':
      return new ConfigError(
        `cannot listen for syslog on ${where}: the address is in use`,
        `another program (a syslog daemon such as rsyslog?) listens there: stop it, or change tscm.yaml logs.${kind.toLowerCase()}`,
      );
    case 'EADDRNOTAVAIL':
    case 'EAFNOSUPPORT':
      return new ConfigError(
        `cannot listen for syslog on ${where}: not an address of this host`,
        `use an address of this host (or 0.0.0.0 / ::) in tscm.yaml logs.${kind.toLowerCase()}`,
      );
    default:
      return new ConfigError(`cannot listen for syslog on ${where}: ${err.code ?? err.message}`);
  }
}

export async function startReceiver(opts: ReceiverOptions): Promise<Receiver> {
  const { sink, log } = opts;
  const maxMessageBytes = opts.maxMessageBytes ?? 65536;
  const maxConnections = opts.maxConnections ?? 1024;
  const idleTimeoutMs = opts.idleTimeoutMs ?? 10 * 60_000;
  const c = {
    udp: 0,
    tcp: 0,
    droppedBusy: 0,
    truncated: 0,
    malformedFrames: 0,
    connectionsRefused: 0,
    pauses: 0,
    peakBufferedBytes: 0,
  };
  const connections = new Set<Connection>();
  // Bytes of incomplete TCP messages held across all connections (kept as a running total: no scan per chunk).
  let heldBytes = 0;
  const udpSockets: dgram.Socket[] = [];
  const servers: net.Server[] = [];
  let closing = false;

  const resumeAll = (): void => {
    for (const conn of connections) {
      if (conn.paused && !sink.busy) {
        conn.paused = false;
        conn.socket.resume();
      }
    }
  };
  sink.onDrain(resumeAll);

  // Senders are few and repeat: normalise each address once (bounded, so spoofed floods cannot grow it).
  const fromCache = new Map<string, string>();
  const normalised = (address: string): string => {
    let out = fromCache.get(address);
    if (out === undefined) {
      if (fromCache.size >= 4096) fromCache.clear();
      out = normaliseAddress(address);
      fromCache.set(address, out);
    }
    return out;
  };

  const onDatagram = (data: Buffer, rinfo: dgram.RemoteInfo): void => {
    if (sink.busy) {
      c.droppedBusy++;
      return;
    }
    const m = datagramMessage(data, maxMessageBytes);
    if (m === null) return;
    if (m.truncated) c.truncated++;
    c.udp++;
    sink.push({ raw: m.raw, from: normalised(rinfo.address), transport: 'udp', receivedAt: Date.now() });
  };

  const onConnection = (socket: net.Socket): void => {
    if (closing || connections.size >= maxConnections) {
      c.connectionsRefused++;
      socket.destroy();
      return;
    }
    const from = normaliseAddress(socket.remoteAddress ?? '');
    let receivedAt = 0;
    const framer = new TcpFramer(maxMessageBytes, (raw, truncated) => {
      if (truncated) c.truncated++;
      c.tcp++;
      sink.push({ raw, from, transport: 'tcp', receivedAt });
    });
    const conn: Connection = { socket, framer, from, paused: false };
    connections.add(conn);
    socket.setTimeout(idleTimeoutMs);
    socket.on('timeout', () => {
      if (conn.paused)
        socket.setTimeout(idleTimeoutMs); // waiting on us is not idleness
      else socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => {
      receivedAt = Date.now();
      const before = framer.bufferedBytes;
      const ok = framer.push(chunk);
      heldBytes += framer.bufferedBytes - before;
      if (heldBytes > c.peakBufferedBytes) c.peakBufferedBytes = heldBytes;
      if (!ok) {
        c.malformedFrames++;
        log.warn('syslog sender closed: bad octet count in its TCP stream', { from });
        socket.destroy();
        return;
      }
      if (sink.busy && !closing && !conn.paused) {
        conn.paused = true;
        c.pauses++;
        socket.pause();
      }
    });
    socket.on('end', () => {
      receivedAt = Date.now();
      const before = framer.bufferedBytes;
      if (!framer.end()) c.malformedFrames++; // an octet-counted frame cut short by the sender
      heldBytes += framer.bufferedBytes - before;
    });
    socket.on('error', () => {
      /* a reset by the sender: the close below tidies up */
    });
    socket.on('close', () => {
      heldBytes -= framer.bufferedBytes;
      framer.discard();
      connections.delete(conn);
    });
  };

  const boundUdp: ListenAddress[] = [];
  const boundTcp: ListenAddress[] = [];
  const closeAll = async (): Promise<void> => {
    await Promise.all([
      ...udpSockets.map(
        (s) =>
          new Promise<void>((resolve) => {
            try {
              s.close(() => resolve());
            } catch {
              resolve(); // never bound
            }
          }),
      ),
      ...servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
    ]);
  };
  try {
    for (const a of opts.udp) {
      const socket = dgram.createSocket({ type: net.isIPv6(a.host) ? 'udp6' : 'udp4', reuseAddr: false });
      udpSockets.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('error', (err) => reject(bindError('UDP', a, err)));
        socket.bind({ address: a.host, port: a.port, exclusive: true }, () => resolve());
      });
      socket.on('error', (err) =>
        log.warn('syslog UDP socket error', { address: formatListenAddress(a), err: String(err) }),
      );
      try {
        socket.setRecvBufferSize(8 * 1024 * 1024); // bursts; the kernel caps it at net.core.rmem_max
      } catch {
        /* a smaller buffer only means earlier kernel drops */
      }
      socket.on('message', onDatagram);
      boundUdp.push({ host: a.host, port: socket.address().port });
    }
    for (const a of opts.tcp) {
      const server = net.createServer(onConnection);
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', (err) => reject(bindError('TCP', a, err)));
        server.listen({ host: a.host, port: a.port, exclusive: true }, () => resolve());
      });
      server.on('error', (err) =>
        log.warn('syslog TCP listener error', { address: formatListenAddress(a), err: String(err) }),
      );
      boundTcp.push({ host: a.host, port: (server.address() as net.AddressInfo).port });
    }
  } catch (err) {
    closing = true;
    await closeAll().catch(() => undefined);
    throw err;
  }

  return {
    udp: boundUdp,
    tcp: boundTcp,
    counters: () => {
      let paused = 0;
      for (const conn of connections) if (conn.paused) paused++;
      return {
        received: { udp: c.udp, tcp: c.tcp },
        droppedBusy: c.droppedBusy,
        truncated: c.truncated,
        malformedFrames: c.malformedFrames,
        connections: connections.size,
        connectionsRefused: c.connectionsRefused,
        pausedConnections: paused,
        pauses: c.pauses,
        bufferedBytes: heldBytes,
        peakBufferedBytes: c.peakBufferedBytes,
      };
    },
    close: async () => {
      if (closing) return;
      closing = true;
      const serversClosed = closeAll();
      for (const conn of connections) {
        // What Node already read from the kernel for a paused socket is pushed too (read() emits 'data').
        while (conn.socket.readableLength > 0 && conn.socket.read() !== null) {
          /* each read() went through the data handler */
        }
        conn.socket.destroy();
      }
      connections.clear();
      await serversClosed;
    },
  };
}
