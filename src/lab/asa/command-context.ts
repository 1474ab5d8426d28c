// What an ASA command handler sees: the unit and its shared device, the parsed words, and a narrow view of its
// session. Kept apart from shell.ts so handlers and the shell do not import each other.

import type { Pipe } from '../vty/grammar.js';
import type { VtyQuestion } from '../vty/session.js';
import type { AsaDevice, AsaUnit } from './device.js';

export type AsaMode =
  | { readonly kind: 'user' }
  | { readonly kind: 'priv' }
  | { readonly kind: 'config' }
  | { readonly kind: 'group'; readonly name: string };

export interface AsaContext {
  readonly unit: AsaUnit;
  readonly device: AsaDevice;
  readonly args: Readonly<Record<string, string>>;
  /** The full keywords matched, in order (abbreviations expanded). */
  readonly words: readonly string[];
  readonly line: string;
  readonly pipe: Pipe | undefined;
  readonly username: string;
  readonly terminal: { length: number; width: number };
  /** `terminal pager` lines (0: no pager). */
  pagerLines: number;
  mode: AsaMode;
  print(...lines: string[]): void;
  /** Show output: filtered by the `|` modifier, paged with `<--- More --->` unless the pager is off. */
  printPaged(lines: readonly string[]): void;
  /** `ERROR: % Invalid input` with the caret under the given token of the line. */
  invalidAtToken(index: number): void;
  ask(question: VtyQuestion): void;
  closeSession(): void;
}

export type AsaHandler = (ctx: AsaContext) => void;

export const isNo = (ctx: AsaContext): boolean => ctx.words[0] === 'no';
