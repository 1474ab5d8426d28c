// What the ASA over SSH and the ASA REST API share as platforms: the nested layout's size setting and the names
// of the children under a master group (NAME-1, NAME-2, ...). Pure data, read by the platform modules.

import type { PlatformModule, PlatformSetting } from '../platform.js';

export const NESTED_SIZE_SETTING: PlatformSetting = {
  schema: {
    description: 'members per nested child group under the master group (default 10000)',
    type: 'integer',
    minimum: 1,
    maximum: 100000,
    default: 10000,
  },
};

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export const NESTED_CHILD_NAMES: PlatformModule['groupNames'] = {
  longestSuffix: '-9999',
  derived: (name, other) => new RegExp(`^${escapeRegex(name)}-\\d+$`, 'i').test(other),
  pattern: 'NAME-<n> (its nested children)',
};
