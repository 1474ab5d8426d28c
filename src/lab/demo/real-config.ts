// Real device configurations for the demo's emulators, read from the lab's testdata (each folder's SOURCE.md says
// where the text comes from). They live in the source tree, beside the tests that print them back unchanged; the
// demo runs from a checkout (`npm run demo`), and an install without src/ boots the emulator's default instead.

import { readFileSync } from 'node:fs';

/** `src/lab/<platform>/testdata/real/<name>/running-config.txt`, from src/, dist/ or the bundled dist/cli/ of a checkout. */
export function readRealConfig(platform: 'asa' | 'pix', name: string): string | undefined {
  const rel = `lab/${platform}/testdata/real/${name}/running-config.txt`;
  for (const base of ['../../', '../../../src/', '../../src/']) {
    try {
      return readFileSync(new URL(base + rel, import.meta.url), 'utf8');
    } catch {
      // not at this place: try the next
    }
  }
  return undefined;
}
