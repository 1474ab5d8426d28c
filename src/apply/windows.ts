// A plan's changes cut into windows of at most `size` member changes, in plan order: each window is journaled,
// then sent (see state/apply-journal.ts). Within a group all adds come before its removes, as in one piece, so a
// group an ACL uses is never transiently emptied. A group's create goes with its first window; a delete is one
// window on its own (one device line removes the whole group).

import { EMPTY_PREFIXES, prefixCount } from '../cidr/index.js';
import type { PrefixList } from '../cidr/types.js';
import type { GroupChange } from '../plan/model.js';
import { slicePrefixes } from '../plan/prefix-window.js';

export function splitIntoWindows(changes: readonly GroupChange[], size: number): GroupChange[][] {
  const limit = Math.max(1, Math.floor(size));
  const windows: GroupChange[][] = [];
  let current: GroupChange[] = [];
  let room = limit;
  const close = (): void => {
    if (current.length > 0) windows.push(current);
    current = [];
    room = limit;
  };
  for (const c of changes) {
    if (c.action === 'none') continue;
    if (c.action === 'delete') {
      close();
      windows.push([c]);
      continue;
    }
    let first = true;
    const pieces = [
      ...cut(c.add, (p) => ({ add: p, remove: EMPTY_PREFIXES })),
      ...cut(c.remove, (p) => ({ add: EMPTY_PREFIXES, remove: p })),
    ];
    // A create with no members still makes the group.
    if (pieces.length === 0) pieces.push({ add: EMPTY_PREFIXES, remove: EMPTY_PREFIXES, count: 0 });
    for (const piece of pieces) {
      let offset = 0;
      do {
        if (room === 0) close();
        const take = Math.min(room, piece.count - offset);
        const part = {
          add: slicePrefixes(piece.add, offset, offset + take),
          remove: slicePrefixes(piece.remove, offset, offset + take),
        };
        current.push({ ...c, ...part, action: first && c.action === 'create' ? 'create' : 'update' });
        first = false;
        offset += take;
        room -= take;
      } while (offset < piece.count);
    }
  }
  close();
  return windows;
}

interface Piece {
  readonly add: PrefixList;
  readonly remove: PrefixList;
  readonly count: number;
}

function cut(list: PrefixList, as: (p: PrefixList) => { add: PrefixList; remove: PrefixList }): Piece[] {
  const count = prefixCount(list);
  return count === 0 ? [] : [{ ...as(list), count }];
}
