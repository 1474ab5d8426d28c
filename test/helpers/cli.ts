// Runs the built tscm CLI as a child process, exactly as a user or CI would (the suite builds dist/ first).

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/cli/main.js');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunningTscm {
  readonly child: ChildProcess;
  /** Output so far. */
  stderr(): string;
  readonly done: Promise<CliResult & { readonly signal: NodeJS.Signals | null }>;
}

/** Starts the CLI and returns at once: a test can signal the process while it works. */
export function startTscm(args: string[], opts: { env?: Record<string, string>; input?: string } = {}): RunningTscm {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<CliResult & { signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? -1, signal, stdout, stderr }));
  });
  child.stdin!.end(opts.input ?? '');
  return { child, stderr: () => stderr, done };
}

export async function runTscm(
  args: string[],
  opts: { env?: Record<string, string>; input?: string } = {},
): Promise<CliResult> {
  const { code, stdout, stderr } = await startTscm(args, opts).done;
  return { code, stdout, stderr };
}
