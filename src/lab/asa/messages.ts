// The ASA's replies to object-group and access-list commands, in one place (spec §2, §6 rows 13-15 and 19, §7).
// [I] marks wording inferred where no transcript was found; the README lists them.

export const STANDBY_WARNING_LINES = [
  '**** WARNING ****',
  '        Configuration Replication is NOT performed from Standby unit to Active unit.',
  '        Configurations are no longer synchronized.',
];

export const messages = {
  duplicate: (member: string, group: string) =>
    `Adding obj (${member} ) to grp (${group}) failed; object already exists`,
  absent: () => 'obj does not exist in this group',
  groupInUse: (group: string) => `Removing object-group (${group}) not allowed, it is being used.`,
  groupAbsent: (group: string) => `Removing object-group (${group}) failed; it does not exist`,
  /** [I] Emptying a group in use (forward referencing off), worded like the in-use removal. */
  lastInUse: (member: string, group: string) =>
    `Removing obj (${member}) from grp (${group}) not allowed, it is being used.`,
  groupNotFound: (group: string) => `ERROR: specified object group <${group}> not found`,
  /** [I] */
  loop: (group: string) => `ERROR: Loop detected: object-group (${group}) cannot contain itself`,
  /** [I] */
  otherType: (group: string) => `ERROR: object-group ${group} exists with a different type`,
  elementLimit: () => 'ERROR: Unable to add, access-list config limit reached',
};
