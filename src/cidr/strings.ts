// Conversions between PrefixLists and string arrays, for JSON files (plans, state).
import { ConfigError } from '../errors.js';
import { PrefixListBuilder } from './builder.js';
import { describePrefixError, parsePrefix } from './parse-prefix.js';
import { isAddressShaped } from './parse-text.js';
import type { PrefixList } from './types.js';

/** Parses prefix strings into a normalised list; throws ConfigError naming the first invalid entry. */
export function prefixesFromStrings(strings: readonly string[]): PrefixList {
  const builder = new PrefixListBuilder();
  for (let i = 0; i < strings.length; i++) {
    const text = strings[i]!;
    const p = parsePrefix(text);
    if (p === null) {
      throw new ConfigError(
        // Only an address-shaped entry is quoted: the file holding the list may hold anything.
        `invalid prefix at index ${i}${isAddressShaped(text) ? `: ${JSON.stringify(text)}` : ''} (${describePrefixError(text)})`,
        'entries must be IPv4 or IPv6 prefixes such as 192.0.2.0/24 or 2001:db8::/32',
      );
    }
    if (p.family === 'ipv4') builder.addV4(p.addr, p.len);
    else builder.addV6(p.words[0], p.words[1], p.words[2], p.words[3], p.len);
  }
  return builder.build();
}
