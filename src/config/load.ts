// loadDefinitions: the one entry point from a definitions tree to typed devices. Reads every YAML file, validates
// every document, and reports every problem at once; a document with errors yields no DeviceSpec, the valid ones
// still load. tscm.yaml at the root holds the repository settings and the defaults for every device.

import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ConfigError, InternalError } from '../errors.js';
import { compareDiagnostics, toPointer } from './diagnostic.js';
import type { Diagnostic } from './diagnostic.js';
import { findDefinitionFiles } from './discover.js';
import { BUILTIN_DEFAULTS } from './defaults.js';
import { FILE_KINDS, readLimitedFile } from './limited-file.js';
import type { FileReadError } from './limited-file.js';
import { absolutePath, absoluteSecretRef, normaliseDevice } from './normalise-device.js';
import { notePendingSettings } from './pending-settings.js';
import { checkPlatformFields } from './platform-rules.js';
import type { RawDefaults, RawDevice, RawProtect, RawSettings } from './raw-types.js';
import { validateDeviceDocument, validateSettingsDocument } from './schema-check.js';
import { checkLogSettings, logServiceSettingsOf, uploadWithoutEndpoint } from './log-settings.js';
import { checkSyncWindows, durationMsOf } from './sync-windows.js';
import { modeOf, protectedPrefixesOf, type RepoProtect } from './policy-feeds.js';
import type { DeviceSpec, Endpoint, RepoSettings, StateBackendSettings, SyncWindow } from './types.js';
import { parseYamlText } from './yaml-document.js';
import type { Position, YamlDocument } from './yaml-document.js';

export interface LoadedSettings extends RepoSettings {
  /** Absolute path of the definitions root. */
  readonly definitionsDir: string;
  /** `tscm.yaml` (or `tscm.yml`) when present, relative to the root. */
  readonly settingsFile?: string;
  /** The default policy server for every device (tscm.yaml policyServer). */
  readonly policyServer?: Endpoint;
  /** tscm.yaml `protect`: prefixes no device's block list may cover, and the default mode. */
  readonly protect?: RepoProtect;
}

export interface Definitions {
  readonly devices: DeviceSpec[];
  readonly settings: LoadedSettings;
  readonly diagnostics: Diagnostic[];
  /** Not problems: settings that are valid but have no effect yet (pending-settings.ts). */
  readonly notes: Diagnostic[];
  /** Every device document's name, valid or not (the loop reports a device whose definition has problems). */
  readonly named: readonly { readonly name: string; readonly file: string }[];
}

const SETTINGS_FILES = ['tscm.yaml', 'tscm.yml'];
const READ_AHEAD = 16;

interface SettingsResult {
  readonly settings: LoadedSettings;
  readonly defaults: RawDefaults;
  readonly ok: boolean;
}

interface NameSighting {
  readonly name: string;
  readonly file: string;
  readonly at: Position;
}

export interface LoadOptions {
  /**
   * The state folder when tscm.yaml names none (default `<definitions>/.tscm`). The CLI passes TSCM_STATE_DIR, and
   * `tscm reconcile --repo` a folder beside its clone: state must not live inside a checkout it resets.
   */
  readonly defaultStateDir?: string;
}

/** TSCM_STATE_DIR: where every command keeps state when tscm.yaml names no folder. */
export function stateDirFromEnv(env: NodeJS.ProcessEnv = process.env): LoadOptions {
  const dir = env.TSCM_STATE_DIR;
  return dir === undefined || dir === '' ? {} : { defaultStateDir: resolve(dir) };
}

export async function loadDefinitions(dir: string, opts: LoadOptions = stateDirFromEnv()): Promise<Definitions> {
  const root = resolve(dir);
  const info = await stat(root).catch(() => undefined);
  if (info?.isDirectory() !== true) {
    throw new ConfigError(
      `definitions folder ${root} does not exist or is not a folder`,
      'pass the folder holding the device YAML',
    );
  }
  const diagnostics: Diagnostic[] = [];
  const notes: Diagnostic[] = [];
  const files = await findDefinitionFiles(root);
  const settingsFiles = files.filter((f) => SETTINGS_FILES.includes(f));
  const { settings, defaults, ok: settingsOk } = await loadSettings(root, settingsFiles, diagnostics, notes, opts);

  const devices: DeviceSpec[] = [];
  const sightings: NameSighting[] = [];
  const deviceFiles = files.filter((f) => !SETTINGS_FILES.includes(f));
  // Files are read a few ahead of the one being validated (a fleet is thousands of small files), in order.
  const reads = readAhead(deviceFiles, READ_AHEAD, (file) => readDefinitionFile(root, file));
  for (const file of deviceFiles) {
    const base = file.slice(file.lastIndexOf('/') + 1);
    if (SETTINGS_FILES.includes(base)) {
      diagnostics.push({
        file,
        line: 1,
        column: 1,
        path: '',
        message: `${base} is only read at the root of the definitions`,
        hint: 'move its settings to the root tscm.yaml, or rename the file if it holds devices',
      });
      continue;
    }
    const before = diagnostics.length;
    const documents = parseDocuments(file, await reads.next(), diagnostics);
    if (documents.length === 0 && diagnostics.length === before) {
      diagnostics.push({
        file,
        line: 1,
        column: 1,
        path: '',
        message: 'no device definition in this file: it is empty or holds only comments',
        hint: 'write a device definition, see examples/devices/, or delete the file',
      });
    }
    for (const doc of documents) {
      const problems = [...validateDeviceDocument(doc, file), ...checkPlatformFields(doc, file)];
      const name = (doc.value as { name?: unknown } | null)?.name;
      if (typeof name === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(name)) {
        sightings.push({ name, file, at: doc.locate(['name']) });
      }
      diagnostics.push(...problems);
      notes.push(...notePendingSettings(doc, file));
      if (problems.length > 0 || !settingsOk) continue;
      const result = normaliseDevice(doc.value as RawDevice, {
        file,
        baseDir: dirname(join(root, file)),
        doc,
        defaults,
        ...(settings.policyServer === undefined ? {} : { policyServer: settings.policyServer }),
        ...(settings.protect === undefined ? {} : { protect: settings.protect }),
      });
      diagnostics.push(...result.diagnostics);
      if (result.spec === undefined) continue;
      // Reported, not fatal: the device's policy still reconciles; only its upload cannot happen.
      diagnostics.push(...uploadWithoutEndpoint(result.spec, settings.logs, doc));
      devices.push(result.spec);
    }
  }

  const duplicates = reportDuplicateNames(sightings, diagnostics);
  return {
    devices: devices.filter((d) => !duplicates.has(d.name.toLowerCase())),
    settings,
    diagnostics: diagnostics.sort(compareDiagnostics),
    notes: notes.sort(compareDiagnostics),
    named: sightings.map(({ name, file }) => ({ name, file })),
  };
}

type FileRead = { readonly text: string } | { readonly problem: Omit<Diagnostic, 'file' | 'line' | 'column' | 'path'> };

async function readDefinitionFile(root: string, file: string): Promise<FileRead> {
  let bytes: Buffer;
  try {
    bytes = await readLimitedFile(join(root, file), FILE_KINDS.definition);
  } catch (err) {
    const { problem, code } = err as FileReadError;
    const hint =
      code === 'too-large'
        ? 'split it into several files'
        : code === 'not-regular'
          ? 'definitions are regular files: remove it or rename it without .yaml'
          : 'check the file and its permissions';
    return { problem: { message: `the file ${problem}`, hint } };
  }
  try {
    return { text: UTF8.decode(bytes) };
  } catch {
    return { problem: { message: 'the file is not UTF-8 text', hint: 'save it as UTF-8' } };
  }
}

function parseDocuments(file: string, read: FileRead, diagnostics: Diagnostic[]): YamlDocument[] {
  if ('problem' in read) {
    diagnostics.push({ file, line: 1, column: 1, path: '', ...read.problem });
    return [];
  }
  const parsed = parseYamlText(read.text, file);
  diagnostics.push(...parsed.diagnostics);
  return parsed.documents;
}

/** `read(item)` for each item in order, with up to `ahead` reads in flight: memory stays `ahead` files. */
function readAhead<T, R>(items: readonly T[], ahead: number, read: (item: T) => Promise<R>): { next(): Promise<R> } {
  const pending: Promise<R>[] = [];
  let started = 0;
  let taken = 0;
  const fill = () => {
    while (started < items.length && started - taken < ahead) pending.push(read(items[started++]!));
  };
  return {
    next() {
      fill();
      const p = pending[taken];
      if (p === undefined) throw new InternalError('readAhead: read past the last item');
      delete pending[taken++];
      return p;
    },
  };
}

/** Strict: a file in another encoding is refused, not read with replacement characters. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

async function loadSettings(
  root: string,
  candidates: string[],
  diagnostics: Diagnostic[],
  notes: Diagnostic[],
  opts: LoadOptions,
): Promise<SettingsResult> {
  const base: LoadedSettings = {
    definitionsDir: root,
    stateDir: opts.defaultStateDir ?? join(root, BUILTIN_DEFAULTS.stateDir),
    state: { backend: 'local' },
    schedule: { windows: [] },
    drift: 'heal',
    logs: logServiceSettingsOf(undefined, root),
  };
  const file = candidates[0];
  if (file === undefined) return { settings: base, defaults: {}, ok: true };
  for (const extra of candidates.slice(1)) {
    diagnostics.push({
      file: extra,
      line: 1,
      column: 1,
      path: '',
      message: `both ${file} and ${extra} exist`,
      hint: 'keep one settings file',
    });
  }
  const before = diagnostics.length;
  const documents = parseDocuments(file, await readDefinitionFile(root, file), diagnostics);
  for (const extra of documents.slice(1)) {
    diagnostics.push({
      file,
      ...extra.start,
      path: '',
      message: 'tscm.yaml holds one document only',
      hint: 'remove the extra ---',
    });
  }
  const doc = documents[0];
  if (doc !== undefined) {
    const problems = validateSettingsDocument(doc, file);
    // Cron expressions and time zones are read once the shape is right.
    diagnostics.push(
      ...problems,
      ...(problems.length === 0
        ? [...checkSyncWindows(doc, file), ...checkLogSettings(doc, file), ...checkRepoProtect(doc, file)]
        : []),
    );
    notes.push(...notePendingSettings(doc, file, ['defaults']));
  }
  if (diagnostics.length > before || candidates.length > 1)
    return { settings: { ...base, settingsFile: file }, defaults: {}, ok: false };

  const raw = (doc?.value ?? {}) as RawSettings;
  const settings: LoadedSettings = {
    ...base,
    settingsFile: file,
    stateDir: stateDirOf(raw, root) ?? base.stateDir,
    state: stateBackendOf(raw.state, root),
    schedule: { windows: (raw.schedule?.windows ?? []).map(syncWindowOf) },
    drift: raw.drift ?? 'heal',
    logs: logServiceSettingsOf(raw.logs, root),
    ...(raw.protect === undefined ? {} : { protect: repoProtectOf(raw.protect) }),
    ...(raw.policyServer === undefined
      ? {}
      : {
          policyServer: {
            host: raw.policyServer.host,
            port: raw.policyServer.port ?? BUILTIN_DEFAULTS.policyServerPort,
          },
        }),
  };
  return { settings, defaults: absoluteDefaults(raw.defaults ?? {}, root), ok: true };
}

/** `state.dir` (local backend) wins over the older `stateDir`; both are relative to the root. */
function stateDirOf(raw: RawSettings, root: string): string | undefined {
  const dir = raw.state?.backend === 'local' ? raw.state.dir : undefined;
  const chosen = dir ?? raw.stateDir;
  return chosen === undefined ? undefined : absolutePath(chosen, root);
}

function stateBackendOf(raw: RawSettings['state'], root: string): StateBackendSettings {
  if (raw === undefined || raw.backend === 'local') return { backend: 'local' };
  return {
    backend: 'git',
    repo: raw.repo,
    branch: raw.branch ?? 'tscm-state',
    lockTtlSeconds: raw.lockTtlSeconds ?? 3600,
    ...(raw.token === undefined ? {} : { token: absoluteSecretRef(raw.token, root) }),
    ...(raw.sshKey === undefined ? {} : { sshKey: absoluteSecretRef(raw.sshKey, root) }),
  };
}

type RawWindow = NonNullable<NonNullable<RawSettings['schedule']>['windows']>[number];

function syncWindowOf(raw: RawWindow): SyncWindow {
  return {
    kind: raw.kind,
    schedule: raw.schedule,
    durationMs: durationMsOf(raw.duration),
    timeZone: raw.timeZone ?? 'UTC',
    devices: raw.devices ?? [],
  };
}

/** Paths in tscm.yaml defaults are relative to the root, where tscm.yaml lives. */
function absoluteDefaults(defaults: RawDefaults, root: string): RawDefaults {
  const out = structuredClone(defaults);
  const creds = out.credentials;
  if (creds !== undefined) {
    for (const field of ['username', 'password', 'enablePassword'] as const) {
      const ref = creds[field];
      if (ref !== undefined) creds[field] = absoluteSecretRef(ref, root);
    }
  }
  const proxy = out.logs?.proxy;
  if (proxy !== undefined) {
    if (proxy.username !== undefined) proxy.username = absoluteSecretRef(proxy.username, root);
    if (proxy.password !== undefined) proxy.password = absoluteSecretRef(proxy.password, root);
  }
  if (out.hostKey?.knownHosts !== undefined) out.hostKey.knownHosts = absolutePath(out.hostKey.knownHosts, root);
  return out;
}

/** Nicknames are unique, case-insensitively (they name state folders, and some file systems fold case). */
function reportDuplicateNames(sightings: NameSighting[], diagnostics: Diagnostic[]): Set<string> {
  const byName = new Map<string, NameSighting[]>();
  for (const s of sightings) {
    const key = s.name.toLowerCase();
    byName.set(key, [...(byName.get(key) ?? []), s]);
  }
  const duplicates = new Set<string>();
  for (const [key, list] of byName) {
    if (list.length < 2) continue;
    duplicates.add(key);
    for (const s of list) {
      const others = list.filter((o) => o !== s).map((o) => `${o.file}:${o.at.line}:${o.at.column}`);
      diagnostics.push({
        file: s.file,
        ...s.at,
        path: '/name',
        message: `duplicate device name "${s.name}", also defined at ${others.join(', ')}`,
        hint: 'device nicknames must be unique across the definitions (ignoring case): rename one',
      });
    }
  }
  return duplicates;
}

function repoProtectOf(raw: RawProtect): RepoProtect {
  const mode = modeOf(raw);
  const prefixes = protectedPrefixesOf(raw, 'tscm.yaml protect', ['protect'], () => undefined);
  return mode === undefined ? { prefixes } : { mode, prefixes };
}

/** tscm.yaml `protect` prefixes that are not addresses, each at its place in tscm.yaml. */
function checkRepoProtect(doc: YamlDocument, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const raw = (doc.value as RawSettings | null)?.protect;
  protectedPrefixesOf(raw, 'tscm.yaml protect', ['protect'], (path, message, hint) => {
    out.push({
      file,
      ...doc.locate(path, 'value'),
      path: toPointer(path),
      message,
      ...(hint === undefined ? {} : { hint }),
    });
  });
  return out;
}
