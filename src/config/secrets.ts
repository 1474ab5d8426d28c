// Secret references are resolved only when a driver connects, and every resolved value is registered so that
// redactSecrets() can scrub it from logs and error output. Messages name the reference, never the value.

import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { FILE_KINDS, readLimitedFile } from './limited-file.js';
import type { FileReadError } from './limited-file.js';
import type { SecretRef } from './types.js';

/** How a reference is named in messages: `env:NAME` or `file:/path`. */
export function describeSecretRef(ref: SecretRef): string {
  return 'env' in ref ? `env:${ref.env}` : `file:${ref.file}`;
}

/**
 * The value of a secret reference: an environment variable, or a file's contents without one trailing newline.
 * Relative file paths are resolved against ctx.baseDir (config/ already makes YAML paths absolute).
 * The value is registered for redaction before it is returned.
 */
export async function resolveSecret(ref: SecretRef, ctx: { readonly baseDir: string }): Promise<string> {
  const name = describeSecretRef(ref);
  let value: string;
  if ('env' in ref) {
    const v = process.env[ref.env];
    if (v === undefined) {
      throw new ConfigError(`secret ${name} is not set`, `export ${ref.env} in tscm's environment`);
    }
    value = v;
  } else {
    const path = isAbsolute(ref.file) ? ref.file : resolve(ctx.baseDir, ref.file);
    let buf: Buffer;
    try {
      buf = await readLimitedFile(path, FILE_KINDS.secret);
    } catch (err) {
      const { problem, code } = err as FileReadError;
      const hint =
        code === 'not-regular' || code === 'too-large'
          ? 'point it at a file holding only the secret value'
          : 'create the file, or fix the path or its permissions';
      throw new ConfigError(`secret ${name} ${problem}`, hint);
    }
    value = buf.toString('utf8').replace(/\r?\n$/, '');
  }
  if (value === '') {
    throw new ConfigError(`secret ${name} is empty`, 'put the secret value there');
  }
  registerSecret(value);
  // A newline in a password sent to a device CLI would end the line and run the rest as a command.
  if (hasControlCharacter(value)) {
    throw new ConfigError(
      `secret ${name} contains a newline or control character`,
      'store the value alone on one line (one trailing newline is allowed)',
    );
  }
  return value;
}

function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

const registered = new Set<string>();
let pattern: RegExp | undefined;

/** Remember a secret value so redactSecrets() scrubs it. resolveSecret() calls this for every value. */
export function registerSecret(value: string): void {
  if (value === '' || registered.has(value)) return;
  registered.add(value);
  pattern = undefined;
}

/** Replace every registered secret value in `text` with `***` (longest first, so no fragment survives). */
export function redactSecrets(text: string): string {
  if (registered.size === 0) return text;
  if (pattern === undefined) {
    const alternatives = [...registered]
      .sort((a, b) => b.length - a.length)
      .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    pattern = new RegExp(alternatives.join('|'), 'g');
  }
  return text.replace(pattern, '***');
}

/** Forget every registered value (tests, or a long-running process re-reading rotated credentials). */
export function clearSecrets(): void {
  registered.clear();
  pattern = undefined;
}
