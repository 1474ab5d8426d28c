// A deterministic threat feed for the lab: a block list of mostly hosts with some networks, an allow list that
// overlaps it a little, and an "hourly update" that drops and adds a small share, as real feeds do.

export interface LabFeed {
  readonly block: string[];
  readonly allow: string[];
}

/** mulberry32: a small seeded PRNG, so the lab shows the same numbers on every machine. */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ipv4 = (n: number) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

/** A public-looking unicast address (1.0.0.0 - 223.255.255.255, not 10/8, 127/8, 172.16/12, 192.168/16). */
function randomAddress(rand: () => number): number {
  for (;;) {
    const n = Math.floor(rand() * 0xdfffffff) + 0x01000000;
    const a = n >>> 24;
    if (a === 10 || a === 127 || (a === 172 && ((n >>> 16) & 0xf0) === 16) || (a === 192 && ((n >>> 16) & 255) === 168))
      continue;
    return n >>> 0;
  }
}

function randomEntry(rand: () => number): string {
  const addr = randomAddress(rand);
  if (rand() < 0.9) return `${ipv4(addr)}/32`;
  const len = 20 + Math.floor(rand() * 10); // /20 - /29 networks
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  return `${ipv4((addr & mask) >>> 0)}/${len}`;
}

export function generateFeed(count: number, seed = 1): LabFeed {
  const rand = createRandom(seed);
  const block = new Set<string>();
  while (block.size < count) block.add(randomEntry(rand));
  const list = [...block];
  // The allow list: a handful of blocked hosts a customer wants reachable anyway (the allow list wins).
  const allow = list.filter((e) => e.endsWith('/32')).slice(0, 5);
  return { block: list, allow };
}

/** The next hour's feed: `share` of the entries removed and as many new ones added. */
export function rollFeed(feed: LabFeed, share: number, seed: number): LabFeed {
  const rand = createRandom(seed);
  const kept = feed.block.filter(() => rand() >= share);
  const next = new Set(kept);
  const target = feed.block.length;
  while (next.size < target) next.add(randomEntry(rand));
  return { block: [...next], allow: feed.allow };
}
