// The emulator's generated host key. ssh2's ed25519 generation yields a key ssh2 itself cannot parse about twice in
// a thousand (mscdex/ssh2 #1390), which fails a server at start; generate again until ssh2 parses it.

import ssh2 from 'ssh2';

const { utils } = ssh2;
const ATTEMPTS = 20;

const generateEd25519 = (): string => utils.generateKeyPairSync('ed25519').private;

/** A private key ssh2 can parse, from `generate` (bounded attempts: a generator that never works is reported). */
export function usableHostKey(generate: () => string = generateEd25519): string {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const key = generate();
    if (!(utils.parseKey(key) instanceof Error)) return key;
  }
  throw new Error(`no usable SSH host key after ${ATTEMPTS} attempts: ssh2 could not parse any generated key`);
}
