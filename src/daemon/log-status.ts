// The `logs` section of /status (tscm reconcile --syslog, tscm syslog --listen): the receiver's counts, the unknown
// senders' top list, and per device what was filed, rotated, dropped and hit. Counts since the process started.

import type { LogServiceCounters } from '../logs/service.js';

export interface LogsDeviceStatus {
  readonly device: string;
  readonly messages: number;
  readonly bytes: number;
  readonly rotations: number;
  readonly droppedSpoolFull: number;
  readonly aclLines: number;
  readonly denied: number;
  readonly blockHits: number;
  readonly allowHits: number;
}

export interface LogsStatus {
  readonly received: { readonly udp: number; readonly tcp: number };
  readonly dropped: { readonly busy: number; readonly unknownSender: number; readonly spoolFull: number };
  readonly truncated: number;
  readonly malformedFrames: number;
  readonly connections: number;
  readonly connectionsRefused: number;
  readonly unknownSenders: LogServiceCounters['unknownSenders'];
  readonly spoolBytes: number;
  readonly uploads: LogServiceCounters['upload'];
  readonly forward: LogServiceCounters['forward'];
  readonly devices: readonly LogsDeviceStatus[];
}

export function logsStatusOf(c: LogServiceCounters): LogsStatus {
  const names = new Set([...Object.keys(c.store.perDevice), ...Object.keys(c.hits.perDevice)]);
  const devices = [...names].sort().map((device): LogsDeviceStatus => {
    const s = c.store.perDevice[device];
    const h = c.hits.perDevice[device];
    return {
      device,
      messages: s?.messages ?? 0,
      bytes: s?.bytes ?? 0,
      rotations: s?.rotations ?? 0,
      droppedSpoolFull: s?.droppedSpoolFull ?? 0,
      aclLines: h?.aclLines ?? 0,
      denied: h?.denied ?? 0,
      blockHits: h?.blockHits ?? 0,
      allowHits: h?.allowHits ?? 0,
    };
  });
  return {
    received: { udp: c.receiver.received.udp, tcp: c.receiver.received.tcp },
    dropped: {
      busy: c.receiver.droppedBusy,
      unknownSender: c.unknownSenders.total,
      spoolFull: devices.reduce((n, d) => n + d.droppedSpoolFull, 0),
    },
    truncated: c.receiver.truncated,
    malformedFrames: c.receiver.malformedFrames,
    connections: c.receiver.connections,
    connectionsRefused: c.receiver.connectionsRefused,
    unknownSenders: c.unknownSenders,
    spoolBytes: c.store.spoolBytes,
    uploads: c.upload,
    forward: c.forward,
    devices,
  };
}
