// Unknown senders: counted per address up to the bound, then together as "other"; warned once per hour each.

import { expect, test } from 'vitest';
import { createUnknownSenders } from './unknown-senders.js';

test('bounded per-address counts, the rest as other; a warning per address per hour', () => {
  const u = createUnknownSenders({ maxAddresses: 2, warnEveryMs: 3_600_000 });
  expect(u.note('192.0.2.1', 0)).toBe(true);
  expect(u.note('192.0.2.1', 1000)).toBe(false);
  expect(u.note('192.0.2.2', 1000)).toBe(true);
  expect(u.note('192.0.2.3', 1000)).toBe(false); // beyond the bound: counted as other, never warned
  expect(u.note('192.0.2.1', 3_600_000)).toBe(true); // an hour after its first warning
  expect(u.counters()).toEqual({
    total: 5,
    other: 1,
    top: [
      { address: '192.0.2.1', messages: 3 },
      { address: '192.0.2.2', messages: 1 },
    ],
  });
  expect(u.counters(1).top).toHaveLength(1);
});
