// Edit distance and the "did you mean" choice.

import fc from 'fast-check';
import { expect, test } from 'vitest';
import { editDistance, findClosestName } from './closest-name.js';

test('edit distance: known values', () => {
  expect(editDistance('kitten', 'sitting')).toBe(3);
  expect(editDistance('', 'abc')).toBe(3);
  expect(editDistance('ObjectGroups', 'objectgroups')).toBe(0);
});

test('edit distance is a metric', () => {
  fc.assert(
    fc.property(fc.string(), fc.string(), fc.string(), (a, b, c) => {
      expect(editDistance(a, b)).toBe(editDistance(b, a));
      expect(editDistance(a, c)).toBeLessThanOrEqual(editDistance(a, b) + editDistance(b, c));
      expect(editDistance(a, a)).toBe(0);
    }),
  );
});

test('closest name only when it is a plausible typo', () => {
  const known = ['blockList', 'allowList', 'server'];
  expect(findClosestName('blocklist', known)).toBe('blockList');
  expect(findClosestName('alowList', known)).toBe('allowList');
  expect(findClosestName('sever', known)).toBe('server');
  expect(findClosestName('zzzzzz', known)).toBeUndefined();
  expect(findClosestName('x', [])).toBeUndefined();
});
