// What the device says, per variant. `[S]` texts are from public transcripts and tools (README.md lists them);
// `[I]` are inferred where no transcript was found.

import type { PixVariant } from './types.js';

/** PIX 6 answers any line it cannot parse with this [S: Net::Appliance::Phrasebook PIX errors, PIX transcripts]. */
export const TYPE_HELP = "Type help or '?' for a list of available commands.";

/** What a line that does not parse gets: PIX 6 the help hint, PIX 7/FWSM the caret and `ERROR: %` [S: FWSM 3.1]. */
export function parseErrorLines(
  variant: PixVariant,
  kind: 'invalid' | 'incomplete' | 'ambiguous',
  caretColumn: number,
  line: string,
): string[] {
  if (variant === 'pix6') return [TYPE_HELP];
  if (kind === 'incomplete') return ['ERROR: % Incomplete command']; // [S: mock, cisco-protocol.md §2]
  if (kind === 'ambiguous') return [`ERROR: % Ambiguous command:  "${line.trim()}"`]; // [I]
  return [`${' '.repeat(caretColumn)}^`, "ERROR: % Invalid input detected at '^' marker."];
}

/** A command with a wrong argument: PIX 6 prints its usage [I: wording], PIX 7/FWSM the caret error. */
export const USAGE_NETWORK_OBJECT = [
  'Usage: [no] network-object host <host_addr> | <host_name>',
  '       [no] network-object <net_addr> <netmask>',
];

export const USAGE_OBJECT_GROUP = [
  'Usage: [no] object-group network|service|protocol|icmp-type <obj_grp_id> [tcp|udp|tcp-udp]',
];

/** [I] the ASA's text for an address with host bits under its mask. */
export const ADDRESS_MASK_PAIR = "ERROR: IP address,mask doesn't pair";

export const duplicateMember = (form: string, group: string): string =>
  `Adding obj (${form}) to grp (${group}) failed; object already exists`; // [S: Netspoc-Approve regex]

export const ABSENT_MEMBER = 'ERROR: obj does not exist in this group'; // [S: Cisco ASA device package, text]

export const groupInUse = (name: string): string => `Removing object-group (${name}) not allowed, it is being used.`; // [S]

/** [I] emptying an in-use group is refused as removing it is (forward referencing off). */
export const lastMemberInUse = (name: string): string =>
  `ERROR: Removing the last object of object-group (${name}) not allowed, it is being used.`;

export const groupAbsent = (name: string): string => `ERROR: object-group (${name}) does not exist`; // [I]

/** [I] creating a network group whose name a group of another kind holds. */
export const groupOtherKind = (name: string, kind: string): string =>
  `ERROR: object-group ${name} already exists as a ${kind} group`;

export const nestedAbsent = (name: string): string => `ERROR: specified object group <${name}> not found`; // [S: cisco.asa#83]

export const ACE_LIMIT = 'ERROR: Unable to add, access-list config limit reached'; // [S: FWSM guide OL-6392-01]

export const STANDBY_WARNING =
  '**** WARNING **** Configuration Replication is NOT performed from Standby unit to Active unit. Configurations are no longer synchronized.'; // [S: ASA guide, failover]

export const INVALID_PASSWORD = 'Invalid password'; // [I]
