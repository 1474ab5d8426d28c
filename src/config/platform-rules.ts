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

/**
 * How a platform names the object-groups of one logical group. IOS keeps IPv6 members in a `v6-network` twin
 * named NAME-v6 (src/drivers/cisco-ios/README.md); ASA and PIX groups mix both families. Every device name must fit
 * the platform's limit (64 on IOS, the longest accepted in practice; 64 on ASA and PIX, ASA command reference).
 * This table moves into each driver module (its traits: maxNameLength, twins) in issue 8; until then the IOS
 * driver's v6TwinName must agree with it.
 */
export const GROUP_NAMING: Readonly<Record<Platform, { readonly maxLength: number; readonly twinSuffix?: string }>> = {
  ios: { maxLength: 64, twinSuffix: '-v6' },
  asa: { maxLength: 64 },
  'asa-rest': { maxLength: 64 },
  pix: { maxLength: 64 },
};

/** The names a logical group takes on the device: itself, and its IPv6 twin where the platform has one. */
export function deviceGroupNames(platform: Platform, name: string): string[] {
  const suffix = GROUP_NAMING[platform].twinSuffix;
  return suffix === undefined ? [name] : [name, name + suffix];
}

export interface GroupNameProblem {
  readonly role: 'block' | 'allow';
  readonly message: string;
  readonly hint: string;
}

/**
 * Problems of a device's two group names on its platform: equal names, a name equal to the other group's twin
 * (`block: tsb, allow: tsb-v6` on IOS: the device refuses `object-group network tsb-v6`, and the member lines after
 * it ran in global config mode), and names too long once suffixed. Names compare ignoring case, as the safe side.
 */
export function checkGroupNames(platform: Platform, block: string, allow: string): GroupNameProblem[] {
  const problems: GroupNameProblem[] = [];
  const naming = GROUP_NAMING[platform];
  if (block.toLowerCase() === allow.toLowerCase()) {
    problems.push({
      role: 'allow',
      message: 'the block and allow object-groups must have different names',
      hint: 'give objectGroups.block and objectGroups.allow distinct names',
    });
  } else {
    const names = { block: deviceGroupNames(platform, block), allow: deviceGroupNames(platform, allow) };
    const clash = names.block.find((b) => names.allow.some((a) => a.toLowerCase() === b.toLowerCase()));
    if (clash !== undefined) {
      problems.push({
        role: 'allow',
        message: `the name ${clash} would belong to both groups: on ${platform} a group NAME keeps its IPv6 members in NAME${naming.twinSuffix ?? ''}`,
        hint: `rename one group: neither name may be the other followed by ${naming.twinSuffix ?? ''}`,
      });
    }
  }
  for (const role of ['block', 'allow'] as const) {
    const name = role === 'block' ? block : allow;
    const longest = deviceGroupNames(platform, name).reduce((a, b) => (b.length > a.length ? b : a));
    if (longest.length > naming.maxLength) {
      const room = naming.maxLength - (longest.length - name.length);
      problems.push({
        role,
        message:
          longest === name
            ? `the object-group name is ${name.length} characters; ${platform} allows ${naming.maxLength}`
            : `the object-group name is too long for ${platform}: its IPv6 twin ${longest} has ${longest.length} characters, ${naming.maxLength} allowed`,
        hint: `shorten it to ${room} characters or fewer`,
      });
    }
  }
  return problems;
}
