// Test-only helper: runs the real OpenSSH client (`ssh -tt`, password through SSH_ASKPASS) against an emulator on
// loopback with `input` typed ahead on stdin all at once, and returns everything it printed.

import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export async function runOpenSshScript(
  target: { host: string; port: number },
  login: { username: string; password: string },
  input: string,
  /** More `-o` options (`KexAlgorithms=+diffie-hellman-group1-sha1`); they win over the defaults (OpenSSH keeps the first). */
  sshOptions: readonly string[] = [],
): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tscm-askpass-'));
  try {
    const askpass = path.join(dir, 'askpass.sh');
    await writeFile(askpass, `#!/bin/sh\nprintf '%s\\n' '${login.password}'\n`);
    await chmod(askpass, 0o700);
    const options = [
      ...sshOptions,
      'StrictHostKeyChecking=no',
      'UserKnownHostsFile=/dev/null',
      'PubkeyAuthentication=no',
      'PreferredAuthentications=password',
      'NumberOfPasswordPrompts=1',
      'LogLevel=ERROR',
    ];
    const child = spawn(
      'ssh',
      [
        '-tt',
        '-p',
        String(target.port),
        ...options.flatMap((o) => ['-o', o]),
        '-F',
        '/dev/null',
        `${login.username}@${target.host}`,
      ],
      { env: { ...process.env, SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' }, stdio: 'pipe' },
    );
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.end(input);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const out = Buffer.concat(chunks).toString('utf8');
    if (!out.includes('#')) throw new Error(`ssh exited ${code}: ${stderr}`);
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
