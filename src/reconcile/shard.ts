// `--shard I/N`: N replicas split the fleet by a stable hash of the device name, so a device always belongs to the
// same replica whatever the others do, and a name never moves when another device is added or removed.

/** FNV-1a, 32 bits, over the UTF-8 bytes of `text`. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The shard (0..count-1) a device belongs to. */
export function shardOf(name: string, count: number): number {
  return fnv1a32(name) % count;
}
