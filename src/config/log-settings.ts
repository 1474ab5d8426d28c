// tscm.yaml `logs`: the device log service's settings (log folder, upload endpoint, listen addresses, rotation
// interval, spool bound, upload back-off). The schema checks the shapes; here the values a pattern cannot check
// (an address's octets, a port's range, durations against each other) become diagnostics, and defaults are applied.

import { isIP } from 'node:net';
import { join } from 'node:path';
import type { Diagnostic } from './diagnostic.js';
import { toPointer } from './diagnostic.js';
import { absolutePath, absoluteSecretRef } from './normalise-device.js';
import type { RawSettings } from './raw-types.js';
import { durationMsOf } from './sync-windows.js';
import type { DeviceSpec, Endpoint, LogServiceSettings } from './types.js';
import type { YamlDocument } from './yaml-document.js';

type RawLogService = NonNullable<RawSettings['logs']>;

export const LOG_DEFAULTS = {
  dir: '.tscm-logs',
  udp: ['0.0.0.0:514'],
  tcp: ['0.0.0.0:514', '0.0.0.0:1470'],
  rotateInterval: '15m',
  spoolMb: 1024,
  firstDelay: '5s',
  maxDelay: '10m',
} as const;

/** "0.0.0.0:514" -> {host, port}; "[::]:514" -> {host: '::', port}; null when not an address and port. */
export function parseListenAddress(text: string): Endpoint | null {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  if (m === null) return null;
  const host = m[1] ?? m[2] ?? '';
  const port = Number(m[3]);
  const family = isIP(host);
  if (port > 65535 || family === 0 || (m[1] !== undefined) !== (family === 6)) return null;
  return { host, port };
}

/** The problems of a schema-valid tscm.yaml `logs` a pattern cannot see. */
export function checkLogSettings(doc: YamlDocument, file: string): Diagnostic[] {
  const raw = (doc.value as RawSettings | null)?.logs;
  if (raw === undefined) return [];
  const out: Diagnostic[] = [];
  const at = (...path: string[]): Pick<Diagnostic, 'file' | 'line' | 'column' | 'path'> => ({
    file,
    ...doc.locate(['logs', ...path]),
    path: toPointer(['logs', ...path]),
  });
  for (const transport of ['udp', 'tcp'] as const) {
    (raw[transport] ?? []).forEach((text, i) => {
      if (parseListenAddress(text) !== null) return;
      out.push({
        ...at(transport, String(i)),
        message: `"${text}" is not a listen address: an IPv4 or [IPv6] address and a port from 0 to 65535`,
        hint: 'e.g. "0.0.0.0:514", "127.0.0.1:5514" or "[::]:514"',
      });
    });
  }
  if (raw.rotateInterval !== undefined && durationMsOf(raw.rotateInterval) < 1000) {
    out.push({
      ...at('rotateInterval'),
      message: 'the rotation interval must be at least 1s',
      hint: 'e.g. 15m (the default), 1h or 30s',
    });
  }
  const first = durationMsOf(raw.retry?.firstDelay ?? LOG_DEFAULTS.firstDelay);
  const max = durationMsOf(raw.retry?.maxDelay ?? LOG_DEFAULTS.maxDelay);
  if (raw.retry?.firstDelay !== undefined && first === 0) {
    out.push({ ...at('retry', 'firstDelay'), message: 'the first retry delay must be some time', hint: 'e.g. 5s' });
  } else if (first > max) {
    out.push({
      ...at('retry', raw.retry?.maxDelay === undefined ? 'firstDelay' : 'maxDelay'),
      message: `the first retry delay (${raw.retry?.firstDelay ?? LOG_DEFAULTS.firstDelay}) is longer than the longest (${raw.retry?.maxDelay ?? LOG_DEFAULTS.maxDelay})`,
      hint: 'make maxDelay at least firstDelay',
    });
  }
  return out;
}

/** The settings with defaults applied; paths relative to the root made absolute. Call only on checked settings. */
export function logServiceSettingsOf(raw: RawLogService | undefined, root: string): LogServiceSettings {
  const r = raw ?? {};
  const listen = (list: readonly string[]) => list.map((t) => parseListenAddress(t)).filter((e) => e !== null);
  return {
    ...(r.dir === undefined ? {} : { dir: absolutePath(r.dir, root) }),
    ...(r.uploadUrl === undefined ? {} : { uploadUrl: r.uploadUrl }),
    ...(r.uploadCa === undefined ? {} : { uploadCa: absolutePath(r.uploadCa, root) }),
    ...(r.uploadToken === undefined ? {} : { uploadToken: absoluteSecretRef(r.uploadToken, root) }),
    udp: listen(r.udp ?? LOG_DEFAULTS.udp),
    tcp: listen(r.tcp ?? LOG_DEFAULTS.tcp),
    rotateIntervalMs: durationMsOf(r.rotateInterval ?? LOG_DEFAULTS.rotateInterval),
    spoolMaxBytes: (r.spoolMb ?? LOG_DEFAULTS.spoolMb) * 1024 * 1024,
    retry: {
      firstDelayMs: durationMsOf(r.retry?.firstDelay ?? LOG_DEFAULTS.firstDelay),
      maxDelayMs: durationMsOf(r.retry?.maxDelay ?? LOG_DEFAULTS.maxDelay),
    },
  };
}

/** A device asking to upload its logs when tscm.yaml names no endpoint: the upload could never happen. */
export function uploadWithoutEndpoint(spec: DeviceSpec, settings: LogServiceSettings, doc: YamlDocument): Diagnostic[] {
  if (!spec.logs.upload || settings.uploadUrl !== undefined) return [];
  const own = (doc.value as { logs?: { upload?: unknown } } | null)?.logs?.upload !== undefined;
  return [
    {
      file: spec.source.file,
      ...(own ? doc.locate(['logs', 'upload']) : doc.locate(['name'])),
      path: own ? '/logs/upload' : '/name',
      message: `logs.upload is true${own ? '' : ' (from tscm.yaml defaults)'} but tscm.yaml names no logs.uploadUrl`,
      hint: 'set logs.uploadUrl in tscm.yaml (an https:// endpoint), or logs.upload: false to keep the files',
    },
  ];
}

/**
 * The log folder: TSCM_LOG_DIR, else tscm.yaml logs.dir, else `<workDir>.logs` beside a clone tscm resets
 * (`tscm reconcile --repo`: never inside the checkout), else `<definitions>/.tscm-logs`.
 */
export function logDirOf(
  settings: { readonly definitionsDir: string; readonly logs: LogServiceSettings },
  opts: { readonly env?: NodeJS.ProcessEnv; readonly cloneWorkDir?: string } = {},
): string {
  const fromEnv = (opts.env ?? process.env).TSCM_LOG_DIR;
  if (fromEnv !== undefined && fromEnv !== '') return absolutePath(fromEnv, process.cwd());
  if (settings.logs.dir !== undefined) return settings.logs.dir;
  if (opts.cloneWorkDir !== undefined) return `${opts.cloneWorkDir}.logs`;
  return join(settings.definitionsDir, LOG_DEFAULTS.dir);
}
