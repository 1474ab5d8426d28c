// What a PIX command handler sees: the device, the session's console and mode, and the parsed line. Kept apart from
// personality.ts so the command tables and the mode machine do not import each other.

import type { Pipe } from '../vty/grammar.js';
import type { VtyConsole } from '../vty/session.js';
import type { PixDevice } from './device.js';
import type { NetworkGroup } from './object-group.js';

/** A member change made in the group sub-mode, undone when the FWSM removes the batch (ACE limit). */
export interface JournalEntry {
  readonly op: 'add' | 'remove';
  readonly key: string;
  readonly line: string | null;
}

export type PixMode =
  | { readonly kind: 'user' }
  | { readonly kind: 'priv' }
  | { readonly kind: 'config' }
  | { readonly kind: 'group'; readonly group: NetworkGroup; readonly journal: JournalEntry[] };

export interface PixCall {
  readonly device: PixDevice;
  readonly console: VtyConsole;
  readonly args: Readonly<Record<string, string>>;
  readonly words: readonly string[];
  readonly line: string;
  readonly pipe: Pipe | undefined;
  mode: PixMode;
  /** The caret error under the given token of the line (PIX 6: its help hint). */
  invalidAtToken(index: number): void;
  /** Shows output, filtered by the `|` modifier and paged. */
  printPaged(lines: readonly string[]): void;
}

export type PixHandler = (call: PixCall) => void;
