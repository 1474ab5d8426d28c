// What the fast-path tests (cli-startup-validate, -policy, -plan) compare between a command line main.ts answers
// without commander and the same command through commander: a run's visible result, and a device definition.

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import { prefixesFromStrings } from '../../src/cidr/index.js';
import { StateStore } from '../../src/state/index.js';
import { runTscm, type CliResult } from './cli.js';

/** A run's exit code and output, with the log lines' timestamps and a plan's creation time taken out. */
export async function visibleResult(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const r = await runTscm(args, { env });
  const out = (s: string) =>
    s.replace(/"time":"[^"]*"/g, '"time":"T"').replace(/"createdAt": "[^"]*"/g, '"createdAt": "T"');
  return { code: r.code, stdout: out(r.stdout), stderr: out(r.stderr) };
}

/** An IOS device whose block list is the list file `list` (in the definitions folder), with its own credentials. */
export const listDeviceYaml = (name: string, list: string): string =>
  `name: ${name}\nplatform: ios\ndeviceId: tdid_${name.replace(/-/g, '')}\nmanagement: { host: 192.0.2.10 }\n` +
  `credentials: { username: { env: U }, password: { env: P } }\n` +
  `hostKey: { fingerprint: "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8" }\n` +
  `policy: { blockList: { file: ${list} } }\n`;

/**
 * Makes `defs` (when missing) with device edge-01, whose list.txt holds 198.51.100.0/24 and 203.0.113.7, and its
 * state: the /24 applied, so a plan has one member to add.
 */
export async function listDeviceWithState(defs: string): Promise<void> {
  await mkdir(defs, { recursive: true });
  await writeFile(path.join(defs, 'list.txt'), '198.51.100.0/24\n203.0.113.7\n');
  await writeFile(path.join(defs, 'edge.yaml'), listDeviceYaml('edge-01', 'list.txt'));
  await new StateStore(path.join(defs, '.tscm')).write('edge-01', {
    inventory: {
      groups: [
        { name: 'threatstop-block', role: 'block', created: true, members: prefixesFromStrings(['198.51.100.0/24']) },
      ],
    },
    zones: [],
    lastApply: null,
  });
}

/** A case: its name, its command line (made when the test runs) and its environment. */
export type FastPathCase = readonly [string, () => string[], Record<string, string>?];

/**
 * One test per case: the command line answers as commander does, which is reached with a repeated `--no-color`
 * (commander takes it as one; the fast paths leave a repeat to it). `written`, when given, reads what the run left
 * behind (a file it wrote), compared the same way.
 */
export function answersAsCommander(
  cases: readonly FastPathCase[],
  written?: (args: string[]) => Promise<string | undefined>,
): void {
  for (const [name, args, env] of cases) {
    it(`${name}: as commander answers it`, async () => {
      const fast = await visibleResult(args(), env);
      const fastWritten = await written?.(args());
      const commander = await visibleResult([...args(), '--no-color', '--no-color'], env);
      expect(fast).toEqual(commander);
      expect(fast.stdout + fast.stderr).not.toBe('');
      expect(fastWritten).toBe(await written?.(args()));
    });
  }
}
