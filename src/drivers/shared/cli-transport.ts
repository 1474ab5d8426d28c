// The byte stream a CLI session runs over: an SSH PTY shell (ssh-connect.ts) or, for devices that speak only SSH 1
// (PIX 6.x), telnet. CliSession sees only this, so every transport gets the same prompts, pager and batching.

export interface CliTransport {
  write(text: string): void;
  onData(listener: (chunk: Buffer) => void): void;
  /** Called once when the stream or the connection under it closes, with the reason in words. */
  onClose(listener: (why: string) => void): void;
  /** Sends `text` (the goodbye, `exit\n`) and closes gracefully. */
  end(text: string): void;
  /** Closes at once. */
  destroy(): void;
}
