// Hostile JSON values for the fuzz tests: strings that forge lines or break terminals, numbers at the edges of
// what JSON and JavaScript hold, and values of the wrong shape (arrays for objects, deep nesting).

import type { Rng } from './rng.js';

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const STRINGS: readonly string[] = [
  '',
  ' ',
  'threatstop-block\nhostname pwned',
  'lab-rtr\r\nError: forged line',
  'x\u0000y',
  '\u001b[31mred\u001b[0m',
  '\u202eevil',
  'threatstöp-block',
  '\u{1F600}',
  '\ud800',
  '__proto__',
  '0.0.0.0/0',
  '::/0',
  '{"formatVersion":3}',
  '\\n',
  '\n',
  'state:',
  'end\nwrite memory',
];

export function hostileString(rng: Rng): string {
  if (rng.chance(0.15)) return rng.pick(['a', 'A', '9', '\n', '\u00e9']).repeat(rng.int(60, 20_000));
  return rng.pick(STRINGS);
}

export function numberVariant(rng: Rng, n = 0): unknown {
  return rng.pick<unknown>([
    -1,
    0,
    1,
    n + 1,
    n - 1,
    n * 1000,
    1.5,
    -0.5,
    2 ** 31,
    2 ** 32,
    2 ** 53,
    2 ** 53 + 2,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER,
    String(n),
    null,
    true,
  ]);
}

/** A value `depth` arrays (or objects) deep (JSON.stringify overflows at a few thousand: deeper ones are bytes). */
export function nested(depth: number, asArray: boolean): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = asArray ? [v] : { a: v };
  return v;
}

export function randomValue(rng: Rng, depth = 0): unknown {
  switch (rng.int(0, 8)) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return numberVariant(rng, rng.int(0, 500));
    case 3:
    case 4:
      return hostileString(rng);
    case 5:
      return depth > 2 ? [] : Array.from({ length: rng.int(0, 3) }, () => randomValue(rng, depth + 1));
    case 6:
      return depth > 2 ? {} : { [hostileString(rng)]: randomValue(rng, depth + 1) };
    case 7:
      return nested(rng.int(1, 600), rng.chance(0.5));
    default:
      return rng.pick<unknown>([[], {}, [1, 2], { add: '' }]);
  }
}

/** Every (container, key) in a document, for a mutation at a random place. */
export function slotsOf(doc: unknown): { parent: Obj | unknown[]; key: string | number }[] {
  const out: { parent: Obj | unknown[]; key: string | number }[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (depth > 12) return;
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        out.push({ parent: v, key: i });
        walk(item, depth + 1);
      });
    } else if (isObj(v)) {
      for (const k of Object.keys(v)) {
        out.push({ parent: v, key: k });
        walk(v[k], depth + 1);
      }
    }
  };
  walk(doc, 0);
  return out;
}
