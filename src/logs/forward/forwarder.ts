// Forwards each message unchanged to another collector (a device's logs.forward), over UDP or TCP. The receive
// path only queues: send() never blocks or throws. Each target has its own queue, bounded in bytes (the oldest are
// dropped, counted, when a target is slow or away), and its own socket; TCP reconnects with doubling back-off.
// Best effort by nature: what was written into a TCP socket that then breaks is not sent again (the local log file
// is the record; forwarding is a copy).

import dgram from 'node:dgram';
import dns from 'node:dns';
import net from 'node:net';
import type { Logger } from '../model.js';

export interface ForwardTarget {
  readonly host: string;
  readonly port: number;
  readonly protocol: 'udp' | 'tcp';
}

export interface ForwarderOptions {
  readonly log: Logger;
  /** Default 8 MiB per target: beyond, the oldest queued are dropped, counted. */
  readonly maxQueueBytes?: number;
  /** Default 500 ms .. 30 s. */
  readonly reconnect?: { readonly firstDelayMs: number; readonly maxDelayMs: number };
}

export interface TargetCounters {
  readonly forwarded: number;
  readonly dropped: number;
  readonly reconnects: number;
  readonly queuedBytes: number;
  readonly connected: boolean;
}

export interface ForwarderCounters {
  readonly forwarded: number;
  readonly dropped: number;
  readonly reconnects: number;
  /** By `protocol://host:port`. */
  readonly targets: Readonly<Record<string, TargetCounters>>;
}

export interface Forwarder {
  /** Never blocks, never throws: queues and returns. The bytes go out unchanged (UDP: one datagram; TCP: LF-framed,
   *  or octet-counted when the message holds an LF). */
  send(target: ForwardTarget, raw: Buffer): void;
  /** Totals, and per target. */
  counters(): ForwarderCounters;
  /** Flushes what it can within timeoutMs, then closes. */
  close(timeoutMs?: number): Promise<void>;
}

const LF = 0x0a;
const BATCH_BYTES = 64 * 1024;

interface Target {
  readonly key: string;
  readonly spec: ForwardTarget;
  queue: Buffer[];
  head: number;
  queuedBytes: number;
  forwarded: number;
  dropped: number;
  reconnects: number;
  delayMs: number;
  /** Open and writable (UDP: connected datagram socket; TCP: connected and not waiting for 'drain'). */
  ready: boolean;
  tcp?: net.Socket;
  udp?: dgram.Socket;
  udpInFlight: number;
  opening: boolean;
  retry?: NodeJS.Timeout;
  flushQueued: boolean;
  warned: boolean;
  /** Called once when an open attempt ends (opened or failed). */
  settled: (() => void)[];
}

const keyOf = (t: ForwardTarget) => `${t.protocol}://${net.isIPv6(t.host) ? `[${t.host}]` : t.host}:${t.port}`;

export function createForwarder(opts: ForwarderOptions): Forwarder {
  const { log } = opts;
  const maxQueueBytes = opts.maxQueueBytes ?? 8 * 1024 * 1024;
  const firstDelayMs = opts.reconnect?.firstDelayMs ?? 500;
  const maxDelayMs = opts.reconnect?.maxDelayMs ?? 30_000;
  const targets = new Map<string, Target>();
  let closed = false;

  const dequeue = (t: Target): Buffer | undefined => {
    if (t.head >= t.queue.length) return undefined;
    const raw = t.queue[t.head]!;
    t.queue[t.head++] = EMPTY;
    t.queuedBytes -= raw.length;
    if (t.head > 1024 && t.head * 2 > t.queue.length) {
      t.queue = t.queue.slice(t.head);
      t.head = 0;
    }
    return raw;
  };

  const scheduleFlush = (t: Target): void => {
    if (t.flushQueued) return;
    t.flushQueued = true;
    setImmediate(() => {
      t.flushQueued = false;
      flush(t);
    });
  };

  const settle = (t: Target): void => {
    for (const s of t.settled.splice(0)) s();
  };

  const failed = (t: Target, why: string): void => {
    t.ready = false;
    t.opening = false;
    settle(t);
    if (!t.warned) {
      t.warned = true;
      log.warn('syslog forward target unreachable: queuing (bounded), retrying', { target: t.key, reason: why });
    }
    if (closed || t.retry !== undefined) return;
    t.retry = setTimeout(() => {
      t.retry = undefined;
      t.reconnects++;
      open(t);
    }, t.delayMs);
    t.retry.unref();
    t.delayMs = Math.min(t.delayMs * 2, maxDelayMs);
  };

  const opened = (t: Target): void => {
    t.opening = false;
    t.ready = true;
    t.delayMs = firstDelayMs;
    if (t.warned) log.info('syslog forward target reachable again', { target: t.key });
    t.warned = false;
    settle(t);
    scheduleFlush(t);
  };

  const open = (t: Target): void => {
    if (closed || t.opening) return;
    t.opening = true;
    const { host, port } = t.spec;
    if (t.spec.protocol === 'tcp') {
      const socket = net.connect({ host, port });
      t.tcp = socket;
      socket.setNoDelay(false);
      socket.once('connect', () => opened(t));
      socket.on('drain', () => {
        t.ready = true;
        scheduleFlush(t);
      });
      socket.on('data', () => undefined); // a collector has nothing to say; reading lets us see it close
      let reason = 'connection closed';
      socket.on('error', (err: NodeJS.ErrnoException) => {
        reason = err.code ?? err.message; // 'close' follows
      });
      socket.on('close', () => {
        if (t.tcp === socket) t.tcp = undefined;
        failed(t, reason);
      });
      return;
    }
    const family = net.isIP(host);
    const start = (type: 'udp4' | 'udp6', address: string): void => {
      const socket = dgram.createSocket(type);
      t.udp = socket;
      socket.on('error', (err: NodeJS.ErrnoException) => failed(t, err.code ?? err.message));
      socket.connect(port, address, () => opened(t));
    };
    if (family !== 0) start(family === 6 ? 'udp6' : 'udp4', host);
    else
      dns.lookup(host, (err, address, fam) =>
        err ? failed(t, err.code ?? err.message) : start(fam === 6 ? 'udp6' : 'udp4', address),
      );
  };

  const flush = (t: Target): void => {
    if (!t.ready) return;
    if (t.udp !== undefined) {
      const socket = t.udp;
      for (let raw = dequeue(t); raw !== undefined; raw = dequeue(t)) {
        t.udpInFlight++;
        socket.send(raw, (err) => {
          t.udpInFlight--;
          if (err) t.dropped++;
          else t.forwarded++;
        });
      }
      return;
    }
    const socket = t.tcp;
    if (socket === undefined) return;
    while (t.head < t.queue.length) {
      const parts: Buffer[] = [];
      let bytes = 0;
      let count = 0;
      while (bytes < BATCH_BYTES) {
        const raw = dequeue(t);
        if (raw === undefined) break;
        if (raw.includes(LF)) {
          const prefix = Buffer.from(`${raw.length} `);
          parts.push(prefix, raw);
          bytes += prefix.length + raw.length;
        } else {
          parts.push(raw, LF_BUFFER);
          bytes += raw.length + 1;
        }
        count++;
      }
      t.forwarded += count;
      if (!socket.write(Buffer.concat(parts, bytes))) {
        t.ready = false; // resumes on 'drain'
        return;
      }
    }
  };

  return {
    send(spec, raw) {
      if (closed) return;
      const key = keyOf(spec);
      let t = targets.get(key);
      if (t === undefined) {
        t = {
          key,
          spec: { host: spec.host, port: spec.port, protocol: spec.protocol },
          queue: [],
          head: 0,
          queuedBytes: 0,
          forwarded: 0,
          dropped: 0,
          reconnects: 0,
          delayMs: firstDelayMs,
          ready: false,
          udpInFlight: 0,
          opening: false,
          flushQueued: false,
          warned: false,
          settled: [],
        };
        targets.set(key, t);
        open(t);
      }
      t.queue.push(raw);
      t.queuedBytes += raw.length;
      while (t.queuedBytes > maxQueueBytes) {
        dequeue(t);
        t.dropped++;
      }
      if (t.ready) scheduleFlush(t);
    },
    counters() {
      const per: Record<string, TargetCounters> = {};
      let forwarded = 0;
      let dropped = 0;
      let reconnects = 0;
      for (const t of targets.values()) {
        per[t.key] = {
          forwarded: t.forwarded,
          dropped: t.dropped,
          reconnects: t.reconnects,
          queuedBytes: t.queuedBytes,
          connected: t.tcp !== undefined ? !t.tcp.connecting && !t.tcp.destroyed : t.udp !== undefined && t.ready,
        };
        forwarded += t.forwarded;
        dropped += t.dropped;
        reconnects += t.reconnects;
      }
      return { forwarded, dropped, reconnects, targets: per };
    },
    async close(timeoutMs = 2000) {
      if (closed) return;
      closed = true;
      let expired = false;
      const deadline = new Promise<void>((resolve) =>
        setTimeout(() => {
          expired = true;
          resolve();
        }, timeoutMs).unref(),
      );
      await Promise.all(
        [...targets.values()].map(async (t) => {
          clearTimeout(t.retry);
          if (t.opening) await Promise.race([new Promise<void>((resolve) => t.settled.push(resolve)), deadline]);
          flush(t);
          // A big queue takes several writes: wait for each 'drain' while there is time.
          while (t.tcp !== undefined && t.ready === false && t.head < t.queue.length && !expired) {
            const socket = t.tcp;
            await Promise.race([
              new Promise((resolve) => socket.once('drain', resolve).once('close', resolve)),
              deadline,
            ]);
            flush(t);
          }
          const done = t.tcp !== undefined ? endTcp(t.tcp) : udpSettled(t);
          await Promise.race([done, deadline]);
          t.tcp?.destroy();
          try {
            t.udp?.close();
          } catch {
            /* already closed */
          }
          t.dropped += t.queue.length - t.head; // never sent
          t.queue = [];
          t.head = 0;
          t.queuedBytes = 0;
        }),
      );
    },
  };
}

const EMPTY = Buffer.alloc(0);
const LF_BUFFER = Buffer.from('\n');

function endTcp(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve();
    socket.once('close', () => resolve());
    socket.end();
  });
}

async function udpSettled(t: Target): Promise<void> {
  while (t.udpInFlight > 0) await new Promise((resolve) => setImmediate(resolve));
}
