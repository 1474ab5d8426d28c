// Which settings belong to which platform, from the platforms themselves (src/drivers/registry.ts: each platform.ts
// lists its settings). One table drives both the check of a device's own fields (a setting on the wrong platform is
// an error with a hint) and the filtering of tscm.yaml defaults (a default applies only to the platforms that have
// the setting); the schema's per-platform if/then is composed from the same data (device-schema.ts).

import { getPlatform, PLATFORMS } from '../drivers/registry.js';
import type { Diagnostic } from './diagnostic.js';
import { toPointer } from './diagnostic.js';
import { settingPaths } from './device-schema.js';
import type { Platform } from './types.js';
import type { YamlDocument } from './yaml-document.js';

interface PlatformRule {
  readonly path: readonly [string, string] | readonly [string];
  readonly platforms: readonly Platform[];
  /** What to do instead, on the platforms without the setting. */
  readonly instead?: string;
}

export const PLATFORM_RULES: readonly PlatformRule[] = settingPaths(PLATFORMS).map((path) => {
  const having = PLATFORMS.filter((p) => path in p.settings);
  const instead = having.map((p) => p.settings[path]?.elsewhere).find((e) => e !== undefined);
  return {
    path: path.split('.') as [string, string] | [string],
    platforms: having.map((p) => p.platform),
    ...(instead === undefined ? {} : { instead }),
  };
});

const PLATFORM_IDS: readonly string[] = PLATFORMS.map((p) => p.platform);

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
  if (typeof platform !== 'string' || !PLATFORM_IDS.includes(platform)) return [];
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

export interface GroupNameProblem {
  readonly role: 'block' | 'allow';
  readonly message: string;
  readonly hint: string;
}

/**
 * Problems of a device's two group names on its platform: equal names, a name the platform derives from the other
 * (`block: tsb, allow: tsb-v6` on IOS, whose IPv6 twin of tsb is tsb-v6: the device refuses `object-group network
 * tsb-v6`, and the member lines after it ran in global config mode; `tsb-2` on the ASA, a child of tsb), and names
 * too long once suffixed. Names compare ignoring case, as the safe side.
 */
export function checkGroupNames(platform: Platform, block: string, allow: string): GroupNameProblem[] {
  const problems: GroupNameProblem[] = [];
  const { traits, groupNames } = getPlatform(platform);
  if (block.toLowerCase() === allow.toLowerCase()) {
    problems.push({
      role: 'allow',
      message: 'the block and allow object-groups must have different names',
      hint: 'give objectGroups.block and objectGroups.allow distinct names',
    });
  } else {
    const clash = groupNames.derived(block, allow) ? allow : groupNames.derived(allow, block) ? block : undefined;
    if (clash !== undefined) {
      problems.push({
        role: 'allow',
        message: `the name ${clash} would belong to both groups: on ${platform} a group NAME also takes the name ${groupNames.pattern}`,
        hint: `rename one group: neither may be named as the other's ${groupNames.pattern}`,
      });
    }
  }
  const suffix = groupNames.longestSuffix;
  for (const role of ['block', 'allow'] as const) {
    const name = role === 'block' ? block : allow;
    const longest = name + suffix;
    if (longest.length > traits.maxNameLength) {
      const room = traits.maxNameLength - suffix.length;
      problems.push({
        role,
        message:
          suffix === ''
            ? `the object-group name is ${name.length} characters; ${platform} allows ${traits.maxNameLength}`
            : `the object-group name is too long for ${platform}: as ${groupNames.pattern} (${longest}) it has ${longest.length} characters, ${traits.maxNameLength} allowed`,
        hint: `shorten it to ${room} characters or fewer`,
      });
    }
  }
  return problems;
}
