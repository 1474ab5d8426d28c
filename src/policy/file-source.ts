// A zone source that is a local CIDR list file (one entry per line, comments, ranges: see cidr/parse-text.ts).
// Every bad line is reported with file:line, not only the first; an empty file is refused like an empty zone.
// A line is quoted only when it looks like an address: a secret file or /proc/self/environ given as a list by
// mistake must not end up in a CI log.
import { CidrTextParser, hashPrefixes, parseCidrText, prefixCount, type CidrParseResult } from '../cidr/index.js';
import type { PrefixList } from '../cidr/types.js';
import { FILE_KINDS, FileReadError, readLimitedFile, readLimitedFileInto } from '../config/limited-file.js';
import { ConfigError } from '../errors.js';
import { EmptyFeedError } from './empty-feed.js';

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

/** readCidrFile without the hash (`tscm policy --cidrs` prints the set and pins nothing). */
export type DecodedFileList = Omit<DecodedFile, 'sha256'>;

export async function readCidrFile(file: string): Promise<DecodedFile> {
  const f = await decodeCidrFile(file);
  return { ...f, sha256: hashPrefixes(f.list) };
}

export interface DecodeOptions {
  /**
   * Return the list aggregated (then `records` and `decoded` count the aggregated entries): for a caller that
   * aggregates anyway and reports no counts.
   */
  readonly aggregate?: boolean;
  /**
   * Read with blocking calls: for a one-shot command with nothing else to do meanwhile (`tscm policy --cidrs`),
   * this saves the open/stat/read/close hops through the thread pool. Never in the long-running loop.
   */
  readonly blocking?: boolean;
}

/** The file's list, every bad line reported with file:line. */
export async function decodeCidrFile(file: string, opts: DecodeOptions = {}): Promise<DecodedFileList> {
  const parseOpts = { aggregate: opts.aggregate === true };
  let parsed: CidrParseResult;
  try {
    if (opts.blocking) {
      // Parsed as it is read, a chunk at a time: no buffer of the whole file (~15 MB at 1M lines) to touch.
      let parser: CidrTextParser | undefined;
      readLimitedFileInto(file, FILE_KINDS.cidrList, {
        start: (size) => (parser = new CidrTextParser(file, size, parseOpts)),
        space: () => parser!.space(),
        took: (bytes) => parser!.took(bytes),
      });
      parsed = parser!.finish();
    } else parsed = parseCidrText(await readLimitedFile(file, FILE_KINDS.cidrList), file, parseOpts);
  } catch (err) {
    if (!(err instanceof FileReadError)) throw err;
    throw new ConfigError(
      `the CIDR list file ${file} ${err.problem}`,
      'check the path of the policy file in the device definition (relative paths start at its YAML file)',
    );
  }
  const { list, errors, hostBitsCount } = parsed;
  if (errors.length > 0) {
    const lines = errors
      .slice(0, MAX_LISTED_ERRORS)
      .map((e) => `  ${e.source}:${e.line}: ${e.reason}${e.token === undefined ? '' : ` (${e.token})`}`);
    if (errors.length > MAX_LISTED_ERRORS) lines.push(`  ... and ${errors.length - MAX_LISTED_ERRORS} more`);
    throw new ConfigError(
      `${errors.length} invalid ${errors.length === 1 ? 'entry' : 'entries'} in the CIDR list file ${file}:\n${lines.join('\n')}`,
      'fix or remove these lines: one address or prefix (or a-b range) per line, `#` starts a comment',
    );
  }
  const decoded = prefixCount(list);
  if (decoded === 0) {
    throw new EmptyFeedError(
      `the CIDR list file ${file} has no entries; an empty policy is refused rather than emptying the device's group`,
      'add entries, or remove this list from the device definition',
    );
  }
  return { list, records: decoded, decoded, skipped: {}, hostBits: hostBitsCount };
}
