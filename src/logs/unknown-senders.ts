// Messages from addresses no device claims are counted and dropped, never filed. The count is per address in a
// bounded map (a spoofed-source flood cannot grow it: past the bound, addresses are counted together as "other"),
// and each address is warned about at most once per hour.

export interface UnknownSenderCounters {
  readonly total: number;
  /** Messages from addresses beyond the map's bound. */
  readonly other: number;
  /** The busiest addresses, most messages first. */
  readonly top: readonly { readonly address: string; readonly messages: number }[];
}

export interface UnknownSenders {
  /** Counts one message; true when this address should be warned about now. */
  note(address: string, now: number): boolean;
  counters(top?: number): UnknownSenderCounters;
}

export function createUnknownSenders(opts: { maxAddresses?: number; warnEveryMs?: number } = {}): UnknownSenders {
  const maxAddresses = opts.maxAddresses ?? 1000;
  const warnEveryMs = opts.warnEveryMs ?? 3_600_000;
  const seen = new Map<string, { messages: number; warnedAt: number }>();
  let total = 0;
  let other = 0;
  return {
    note(address, now) {
      total++;
      let entry = seen.get(address);
      if (entry === undefined) {
        if (seen.size >= maxAddresses) {
          other++;
          return false;
        }
        entry = { messages: 0, warnedAt: -Infinity };
        seen.set(address, entry);
      }
      entry.messages++;
      if (now - entry.warnedAt < warnEveryMs) return false;
      entry.warnedAt = now;
      return true;
    },
    counters(top = 10) {
      const list = [...seen]
        .map(([address, e]) => ({ address, messages: e.messages }))
        .sort((a, b) => b.messages - a.messages || (a.address < b.address ? -1 : 1))
        .slice(0, top);
      return { total, other, top: list };
    },
  };
}
