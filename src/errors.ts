// The three error kinds of DESIGN.md convention 10: each says what happens next.
// Messages must never contain secret values: callers pass names of references, never their contents.

/** Bad input (YAML, zone data, flags, a device refusing a command): stop, do not retry, tell the user the fix. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** A failure that may pass (timeout, refused connection, busy NVRAM): back off and retry. */
export class TransientError extends Error {
  override readonly name = 'TransientError';
  constructor(
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A bug in tscm. */
export class InternalError extends Error {
  override readonly name = 'InternalError';
}
