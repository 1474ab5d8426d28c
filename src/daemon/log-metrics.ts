// The log service's Prometheus metrics (tscm_syslog_*), read from its counters at each scrape: the service counts,
// this only shows. Counters are set from the service's totals (reset, then the total), so they never go back while
// the process lives. Labels: transport, reason, device, list, result; never an address or a message.

import { Counter, Gauge, Registry } from 'prom-client';
import type { LogServiceCounters } from '../logs/service.js';

export function createLogMetrics(
  /** null: no service yet (reconcile --syslog before its first pass): no series. */
  counters: () => LogServiceCounters | null,
  registry: Registry = new Registry(),
): { readonly registry: Registry } {
  const registers = [registry];
  // One read per scrape, shared by every metric's collect.
  let cached: { at: number; value: LogServiceCounters | null } | undefined;
  const read = (): LogServiceCounters | null => {
    const now = Date.now();
    if (cached === undefined || now - cached.at > 100) cached = { at: now, value: counters() };
    return cached.value;
  };
  const counter = (
    name: string,
    help: string,
    labelNames: string[],
    fill: (c: LogServiceCounters, set: (labels: Record<string, string>, v: number) => void) => void,
  ) =>
    new Counter({
      name,
      help,
      labelNames,
      registers,
      collect() {
        this.reset();
        const c = read();
        if (c !== null) fill(c, (labels, v) => this.inc(labels, v));
      },
    });
  const gauge = (name: string, help: string, value: (c: LogServiceCounters) => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        const c = read();
        if (c === null) this.reset();
        else this.set(value(c));
      },
    });
  const perDevice =
    <K extends 'messages' | 'bytes' | 'rotations'>(key: K) =>
    (c: LogServiceCounters, set: (l: Record<string, string>, v: number) => void) => {
      for (const [device, s] of Object.entries(c.store.perDevice)) set({ device }, s[key]);
    };

  counter(
    'tscm_syslog_received_total',
    'Syslog messages received, by transport (udp, tcp)',
    ['transport'],
    (c, set) => {
      set({ transport: 'udp' }, c.receiver.received.udp);
      set({ transport: 'tcp' }, c.receiver.received.tcp);
    },
  );
  counter(
    'tscm_syslog_dropped_total',
    'Syslog messages not filed, by reason (busy: UDP while the files were behind; unknown_sender; spool_full)',
    ['reason'],
    (c, set) => {
      set({ reason: 'busy' }, c.receiver.droppedBusy);
      set({ reason: 'unknown_sender' }, c.unknownSenders.total);
      set(
        { reason: 'spool_full' },
        Object.values(c.store.perDevice).reduce((n, d) => n + d.droppedSpoolFull, 0),
      );
    },
  );
  counter('tscm_syslog_truncated_total', 'Syslog messages cut at the maximum message size', [], (c, set) =>
    set({}, c.receiver.truncated),
  );
  counter('tscm_syslog_malformed_frames_total', 'TCP connections closed for a bad octet count', [], (c, set) =>
    set({}, c.receiver.malformedFrames),
  );
  counter('tscm_syslog_connections_refused_total', 'TCP connections refused over the limit', [], (c, set) =>
    set({}, c.receiver.connectionsRefused),
  );
  gauge('tscm_syslog_connections', 'TCP syslog connections open', (c) => c.receiver.connections);
  gauge(
    'tscm_syslog_unknown_sender_addresses',
    'Addresses no device claims that sent syslog (bounded)',
    (c) => c.unknownSenders.top.length,
  );
  counter('tscm_syslog_filed_messages_total', 'Syslog messages filed per device', ['device'], perDevice('messages'));
  counter('tscm_syslog_filed_bytes_total', 'Bytes filed per device', ['device'], perDevice('bytes'));
  counter('tscm_syslog_rotations_total', 'Log file rotations per device', ['device'], perDevice('rotations'));
  gauge('tscm_syslog_spool_bytes', 'Bytes of rotated files waiting in the log folder', (c) => c.store.spoolBytes);
  counter('tscm_syslog_uploads_total', 'Rotated file uploads, by result (uploaded, failed)', ['result'], (c, set) => {
    set({ result: 'uploaded' }, c.upload.uploaded);
    set({ result: 'failed' }, c.upload.failures);
  });
  counter('tscm_syslog_uploaded_bytes_total', 'Bytes of rotated files uploaded', [], (c, set) =>
    set({}, c.upload.uploadedBytes),
  );
  gauge('tscm_syslog_uploads_pending', 'Rotated files waiting for upload', (c) => c.upload.pending);
  counter('tscm_syslog_forwarded_total', 'Messages forwarded to another collector', [], (c, set) =>
    set({}, c.forward.forwarded),
  );
  counter('tscm_syslog_forward_dropped_total', 'Messages not forwarded (queue full)', [], (c, set) =>
    set({}, c.forward.dropped),
  );
  counter('tscm_syslog_acl_lines_total', 'ACL log lines seen per device', ['device'], (c, set) => {
    for (const [device, h] of Object.entries(c.hits.perDevice)) set({ device }, h.aclLines);
  });
  counter(
    'tscm_syslog_acl_hits_total',
    'ACL log lines matching a managed entry, per device and list (block; allow: a likely false positive)',
    ['device', 'list'],
    (c, set) => {
      for (const [device, h] of Object.entries(c.hits.perDevice)) {
        set({ device, list: 'block' }, h.blockHits);
        set({ device, list: 'allow' }, h.allowHits);
      }
    },
  );
  return { registry };
}
