// Which settings belong to which platform. One table drives both the check of a device's own fields (a setting on
// the wrong platform is an error with a hint) and the filtering of tscm.yaml defaults (a default applies only to
// the platforms that have the setting).

import type { Diagnostic } from './diagnostic.js';
import { toPointer } from './diagnostic.js';
import type { Platform } from './types.js';
import type { YamlDocument } from './yaml-document.js';

const SSH_PLATFORMS: readonly Platform[] = ['ios', 'asa', 'pix'];

interface PlatformRule {
  readonly path: readonly [string, string] | readonly [string];
  readonly platforms: readonly Platform[];
  /** What to do instead, on the platforms without the setting. */
  readonly instead?: string;
}

export const PLATFORM_RULES: readonly PlatformRule[] = [
  { path: ['credentials', 'enablePassword'], platforms: SSH_PLATFORMS, instead: 'the REST API has no enable mode' },
  { path: ['hostKey'], platforms: SSH_PLATFORMS, instead: 'asa-rest uses HTTPS: pin advanced.certificateFingerprint' },
  { path: ['objectGroups', 'nestedSize'], platforms: ['asa', 'asa-rest'] },
  { path: ['advanced', 'passwordPrompt'], platforms: SSH_PLATFORMS },
  { path: ['advanced', 'ciphers'], platforms: SSH_PLATFORMS },
  { path: ['advanced', 'kex'], platforms: SSH_PLATFORMS },
  { path: ['advanced', 'hostKeyAlgorithms'], platforms: SSH_PLATFORMS },
  { path: ['advanced', 'compressConfig'], platforms: ['ios'] },
  { path: ['advanced', 'saveRetries'], platforms: SSH_PLATFORMS },
  { path: ['advanced', 'saveRetryDelayMs'], platforms: SSH_PLATFORMS },
  { path: ['advanced', 'configLockRetries'], platforms: SSH_PLATFORMS },
  { path: ['advanced', 'configLockRetryDelayMs'], platforms: SSH_PLATFORMS },
  { path: ['advanced', 'tokenAuth'], platforms: ['asa-rest'] },
  { path: ['advanced', 'allowSelfSigned'], platforms: ['asa-rest'] },
  { path: ['advanced', 'certificateFingerprint'], platforms: ['asa-rest'] },
  { path: ['advanced', 'apiUrl'], platforms: ['asa-rest'] },
];

const PLATFORMS: readonly string[] = ['ios', 'asa', 'asa-rest', 'pix'];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function getField(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const seg of path) {
    if (!isRecord(node)) return undefined;
    node = node[seg];
  }
  return node;
}

/** Settings of a device document that its platform does not have. Runs on unvalidated data (reports alongside). */
export function checkPlatformFields(doc: YamlDocument, file: string): Diagnostic[] {
  const platform = getField(doc.value, ['platform']);
  if (typeof platform !== 'string' || !PLATFORMS.includes(platform)) return [];
  const out: Diagnostic[] = [];
  for (const rule of PLATFORM_RULES) {
    if (rule.platforms.includes(platform as Platform)) continue;
    if (getField(doc.value, rule.path) === undefined) continue;
    const field = rule.path.join('.');
    const instead = rule.instead === undefined ? '' : `; ${rule.instead}`;
    out.push({
      file,
      ...doc.locate(rule.path, 'key'),
      path: toPointer(rule.path),
      message: `${field} does not apply to platform ${platform}`,
      hint: `${field} is for ${rule.platforms.join(', ')} only: remove it from this device${instead}`,
    });
  }
  return out;
}

/** A deep copy of tscm.yaml defaults without the settings `platform` does not have. */
export function selectDefaultsFor<T extends object>(defaults: T, platform: Platform): T {
  const copy = structuredClone(defaults) as Record<string, unknown>;
  for (const rule of PLATFORM_RULES) {
    if (rule.platforms.includes(platform)) continue;
    const [first, second] = rule.path;
    if (second === undefined) {
      delete copy[first];
    } else {
      const section = copy[first];
      if (isRecord(section)) delete section[second];
    }
  }
  return copy as T;
}
