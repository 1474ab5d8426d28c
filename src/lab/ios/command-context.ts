// What a command handler sees: the shared device, the parsed words, and a narrow view of its CLI session.
// Kept apart from shell.ts so handlers and the shell do not import each other.

import type { Pipe } from '../vty/grammar.js';
import type { VtyQuestion } from '../vty/session.js';
import type { IosDevice } from './device.js';

export type Mode =
  | { readonly kind: 'user' }
  | { readonly kind: 'priv' }
  | { readonly kind: 'config' }
  | { readonly kind: 'group'; readonly name: string; readonly v6: boolean }
  | { readonly kind: 'acl'; readonly name: string; readonly standard: boolean };

export interface CommandContext {
  readonly device: IosDevice;
  readonly args: Readonly<Record<string, string>>;
  /** The full keywords matched, in order (abbreviations expanded). */
  readonly words: readonly string[];
  readonly line: string;
  readonly pipe: Pipe | undefined;
  readonly username: string;
  readonly remoteIp: string;
  readonly terminal: { length: number; width: number };
  mode: Mode;
  /** Output lines (without line endings). */
  print(...lines: string[]): void;
  /** Show output: filtered by the `|` modifier, paged with --More-- unless `terminal length 0`. */
  printPaged(lines: readonly string[]): void;
  /** Reports `% Invalid input` with the caret under the given token of the line. */
  invalidAtToken(index: number): void;
  ask(question: VtyQuestion): void;
  /** Leaves configuration mode for privileged exec (end, exit from config, Ctrl-Z). */
  leaveConfig(): void;
  closeSession(): void;
  /** Runs a privileged exec command line (for `do`). */
  runExec(line: string, offset: number): void;
}

export type Handler = (ctx: CommandContext) => void;
