// The log service: receiver -> source lookup -> per-device file (+ forward, + hit count), with the uploader kicked by
// each rotation and, when asked, the control socket `tscm logs` talks to. `tscm syslog` and `tscm reconcile
// --syslog` run exactly this. The caller holds the log folder's claim (store/dir-claim.ts): one writer per folder.
//
// Back-pressure is the store's: busy while it holds more than its high-water mark, so the receiver drops UDP
// (counted) and pauses TCP; the forwarder and the hit counter never slow the path (they queue or count and return).

import type { DeviceSpec, LogServiceSettings } from '../config/types.js';
import { ConfigError } from '../errors.js';
import { serveControl, type ControlServer } from './control-socket.js';
import { createForwarder, type ForwarderCounters, type ForwardTarget } from './forward/forwarder.js';
import type { HitEntries } from './hit-entries.js';
import { openHitRecorder, type HitCounters } from './hits/hit-recorder.js';
import type { ListenAddress, Logger, MessageSink, RotatedFile, SyslogMessage, UploadOutcome } from './model.js';
import { startReceiver, type Receiver, type ReceiverCounters } from './receive/receiver.js';
import { buildSourceMap, deviceSyslogAddresses, type SourceMap } from './receive/source-map.js';
import { openLogStore, type LogStoreCounters, type LogStoreOptions } from './store/log-store.js';
import { createUnknownSenders, type UnknownSenderCounters } from './unknown-senders.js';
import { createUploader, type Uploader, type UploaderCounters } from './upload/uploader.js';
import { resolveUploadTargets } from './upload-targets.js';

export interface LogServiceOptions {
  /** The log folder (claimed by the caller). */
  readonly dir: string;
  readonly settings: LogServiceSettings;
  /** Listen addresses instead of tscm.yaml's (`tscm syslog --udp/--tcp`). */
  readonly udp?: readonly ListenAddress[];
  readonly tcp?: readonly ListenAddress[];
  readonly devices: readonly DeviceSpec[];
  /** Each device's applied block and allow members, for hit attribution. */
  readonly entries?: ReadonlyMap<string, HitEntries>;
  /** Serve `tscm logs` here (the claim's control socket). */
  readonly controlSocket?: string;
  readonly log: Logger;
  /** How often the hit counts are written to disk (default 1 min: a crash loses at most that much of them). */
  readonly hitsFlushIntervalMs?: number;
  /** Tests: the store's timers and high-water mark. */
  readonly storeTuning?: Pick<LogStoreOptions, 'flushIntervalMs' | 'fsyncIntervalMs' | 'highWaterBytes'>;
}

export interface LogServiceCounters {
  readonly receiver: ReceiverCounters;
  readonly unknownSenders: UnknownSenderCounters;
  readonly store: LogStoreCounters;
  readonly forward: ForwarderCounters;
  readonly upload: UploaderCounters;
  readonly hits: HitCounters;
  /** Devices with a known source address. */
  readonly devices: number;
}

export interface RotateUploadResult {
  readonly rotated: readonly RotatedFile[];
  readonly uploads: readonly UploadOutcome[];
}

export interface LogService {
  readonly receiver: Receiver;
  /** Re-reads the devices (source map, rotate sizes, forward targets, upload targets) and the hit entries. */
  reload(devices: readonly DeviceSpec[], entries?: ReadonlyMap<string, HitEntries>): Promise<void>;
  rotateAndUpload(device?: string): Promise<RotateUploadResult>;
  counters(): LogServiceCounters;
  /** Stops receiving, flushes and fsyncs, closes (no rotation: the active files carry on at the next start). */
  close(): Promise<void>;
}

interface DeviceRouting {
  readonly rotateBytes: number;
  readonly forward?: ForwardTarget;
}

export async function startLogService(opts: LogServiceOptions): Promise<LogService> {
  const { log, settings } = opts;
  let sources: SourceMap = buildSourceMap([]);
  let routing = new Map<string, DeviceRouting>();
  let targets = await resolveUploadTargets(settings, [], log);
  const unknown = createUnknownSenders();

  // Rotations kick the uploader; the uploader tells the store what it sent (the spool bound counts only what waits).
  // Files a previous run left are found by the uploader's own first pass, so the store may open first.
  const uploads: { uploader?: Uploader } = {};
  const store = await openLogStore({
    dir: opts.dir,
    rotateBytesFor: (device) => routing.get(device)?.rotateBytes ?? DEFAULT_ROTATE_BYTES,
    rotateIntervalMs: settings.rotateIntervalMs,
    spoolMaxBytes: settings.spoolMaxBytes,
    log,
    onRotated: () => uploads.uploader?.kick(),
    ...opts.storeTuning,
  });
  const uploader = createUploader({
    dir: opts.dir,
    targetFor: (device) => targets.get(device) ?? null,
    retry: settings.retry,
    onRemoved: (file) => store.noteRemoved(file),
    log,
  });
  uploads.uploader = uploader;
  const forwarder = createForwarder({ log });
  const hits = await openHitRecorder({ dir: opts.dir, log });

  const reload = async (devices: readonly DeviceSpec[], entries?: ReadonlyMap<string, HitEntries>) => {
    const withAddresses = [];
    for (const d of devices) {
      // A host name that does not resolve leaves the device its other addresses (warned), not the receiver down.
      const addresses = await deviceSyslogAddresses(d, {
        onUnresolved: (host, reason) =>
          log.warn("a device's syslog address does not resolve; its messages from there are dropped", {
            device: d.name,
            host,
            reason,
          }),
      });
      withAddresses.push({ name: d.name, addresses });
    }
    const nextSources = buildSourceMap(withAddresses); // two devices claiming an address: ConfigError, nothing changes
    const nextTargets = await resolveUploadTargets(settings, devices, log);
    sources = nextSources;
    targets = nextTargets;
    routing = new Map(devices.map((d) => [d.name, routingOf(d)]));
    for (const [device, e] of entries ?? []) hits.setEntries(device, e);
    uploader.kick(); // files kept while a device had no target may go now
  };

  const sink: MessageSink = {
    get busy() {
      return store.busy;
    },
    onDrain: (callback) => store.onDrain(callback),
    push(message: SyslogMessage) {
      const device = sources.lookup(message.from);
      if (device === undefined) {
        if (unknown.note(message.from, message.receivedAt)) {
          log.warn('syslog from an address no device claims: dropped (warned once an hour per address)', {
            from: message.from,
            transport: message.transport,
            fix: "add it to the device's logs.sources, or stop the sender",
          });
        }
        return;
      }
      store.append(device, message.raw);
      const forward = routing.get(device)?.forward;
      if (forward !== undefined) forwarder.send(forward, message.raw);
      hits.observe(device, message.raw, message.receivedAt);
    },
  };

  const hitsTimer = setInterval(() => {
    hits.flush().catch((err: unknown) => log.warn('the hit counts could not be written', { error: String(err) }));
  }, opts.hitsFlushIntervalMs ?? 60_000);
  hitsTimer.unref();

  const closeParts = async () => {
    clearInterval(hitsTimer);
    await forwarder.close(2000);
    await store.close();
    await hits.close();
    await uploader.close();
  };
  let receiver: Receiver;
  let control: ControlServer | undefined;
  try {
    await reload(opts.devices, opts.entries);
    receiver = await startReceiver({ udp: opts.udp ?? settings.udp, tcp: opts.tcp ?? settings.tcp, sink, log });
  } catch (err) {
    await closeParts();
    throw err;
  }

  const rotateAndUpload = async (device?: string): Promise<RotateUploadResult> => {
    if (device !== undefined && !routing.has(device)) {
      throw new ConfigError(`no device named ${device} in the definitions`, 'tscm list shows the devices');
    }
    const rotated = await store.rotate(device);
    const uploads = await uploader.uploadNow(device);
    return { rotated, uploads };
  };

  try {
    if (opts.controlSocket !== undefined) {
      control = await serveControl(opts.controlSocket, async (req) => ({ ...(await rotateAndUpload(req.device)) }));
    }
  } catch (err) {
    await receiver.close();
    await closeParts();
    throw err;
  }

  return {
    receiver,
    reload,
    rotateAndUpload,
    counters: () => ({
      receiver: receiver.counters(),
      unknownSenders: unknown.counters(),
      store: store.counters(),
      forward: forwarder.counters(),
      upload: uploader.counters(),
      hits: hits.counters(),
      devices: routing.size,
    }),
    async close() {
      await control?.close();
      await receiver.close();
      await closeParts();
    },
  };
}

const DEFAULT_ROTATE_BYTES = 100 * 1024;

function routingOf(d: DeviceSpec): DeviceRouting {
  return {
    rotateBytes: d.logs.rotateKb * 1024,
    ...(d.logs.forward === undefined ? {} : { forward: d.logs.forward }),
  };
}
