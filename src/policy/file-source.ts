// A zone source that is a local CIDR list file (one entry per line, comments, ranges: see cidr/parse-text.ts).
// Every bad line is reported with file:line, not only the first; an empty file is refused like an empty zone.
import { readFile } from 'node:fs/promises';
import { hashPrefixes, parseCidrText, prefixCount } from '../cidr/index.js';
import type { PrefixList } from '../cidr/types.js';
import { ConfigError } from '../errors.js';

const MAX_LISTED_ERRORS = 20;

export interface DecodedFile {
  readonly list: PrefixList;
  readonly records: number;
  readonly decoded: number;
  readonly skipped: Record<string, number>;
  readonly sha256: string;
  /** Entries written with host bits set (`10.0.0.1/8`), normalised to their network. */
  readonly hostBits: number;
}

export async function readCidrFile(file: string): Promise<DecodedFile> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(
      `cannot read the CIDR list file ${file}: ${code ?? (err as Error).message}`,
      'check the path of the policy file in the device definition (it is resolved from the definitions folder)',
    );
  }
  const { list, errors, hostBitsCount } = parseCidrText(bytes, file);
  if (errors.length > 0) {
    const lines = errors
      .slice(0, MAX_LISTED_ERRORS)
      .map((e) => `  ${e.source}:${e.line}: ${e.reason}: ${JSON.stringify(e.text)}`);
    if (errors.length > MAX_LISTED_ERRORS) lines.push(`  ... and ${errors.length - MAX_LISTED_ERRORS} more`);
    throw new ConfigError(
      `${errors.length} invalid ${errors.length === 1 ? 'entry' : 'entries'} in the CIDR list file ${file}:\n${lines.join('\n')}`,
      'fix or remove these lines: one address or prefix (or a-b range) per line, `#` starts a comment',
    );
  }
  const decoded = prefixCount(list);
  if (decoded === 0) {
    throw new ConfigError(
      `the CIDR list file ${file} has no entries; an empty policy is refused rather than emptying the device's group`,
      'add entries, or remove this list from the device definition',
    );
  }
  return { list, records: decoded, decoded, skipped: {}, sha256: hashPrefixes(list), hostBits: hostBitsCount };
}
