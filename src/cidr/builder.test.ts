import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EMPTY_PREFIXES, PrefixListBuilder, isEmptyList, makePrefixList, prefixCount } from './builder.js';
import { formatPrefixes } from './format.js';
import type { PrefixList } from './types.js';
import { validatePrefixList } from './validate.js';

function expectValidList(list: PrefixList): void {
  expect(validatePrefixList(list)).toBeNull();
}

describe('PrefixListBuilder', () => {
  it('zeroes host bits, sorts by address then length, removes duplicates', () => {
    const b = new PrefixListBuilder();
    b.addV4(0x0a000001, 8); // 10.0.0.1/8 -> 10.0.0.0/8
    b.addV4(0x0a000000, 8);
    b.addV4(0xc0000201, 32);
    b.addV4(0x0a000000, 16);
    b.addV4(0xffffffff, 32);
    b.addV4(0xffffffff, 0); // -> 0.0.0.0/0
    b.addV6(0x20010db8, 0, 0, 1, 32);
    b.addV6(0, 0, 0, 1, 128);
    b.addV6(0x20010db8, 0, 0, 0, 32);
    const list = b.build();
    expectValidList(list);
    expect(formatPrefixes(list)).toEqual([
      '0.0.0.0/0',
      '10.0.0.0/8',
      '10.0.0.0/16',
      '192.0.2.1/32',
      '255.255.255.255/32',
      '::1/128',
      '2001:db8::/32',
    ]);
    expect(prefixCount(list)).toBe(7);
  });

  it('is reusable after build and grows past its initial capacity', () => {
    const b = new PrefixListBuilder();
    for (let i = 0; i < 1000; i++) b.addV4((1000 - i) * 256, 24);
    for (let i = 0; i < 200; i++) b.addV6(0x20010db8, i, 0, 0, 64);
    const first = b.build();
    expect(prefixCount(first)).toBe(1200);
    expectValidList(first);
    expect(b.size).toBe(0);
    b.addV4(1, 32);
    expect(formatPrefixes(b.build())).toEqual(['0.0.0.1/32']);
    expect(isEmptyList(b.build())).toBe(true);
  });

  it('addList adds every entry of an existing list', () => {
    const b = new PrefixListBuilder();
    b.addV4(0x0a000000, 8);
    b.addV6(0, 0, 0, 1, 128);
    const first = b.build();
    b.addList(first);
    b.addV4(0x0b000000, 8);
    expect(formatPrefixes(b.build())).toEqual(['10.0.0.0/8', '11.0.0.0/8', '::1/128']);
  });

  it('rejects impossible prefix lengths (a bug in the caller)', () => {
    const b = new PrefixListBuilder();
    expect(() => b.addV4(0, 33)).toThrow(/length/);
    expect(() => b.addV4(0, -1)).toThrow(/length/);
    expect(() => b.addV4(0, 1.5)).toThrow(/length/);
    expect(() => b.addV6(0, 0, 0, 0, 129)).toThrow(/length/);
  });

  it('EMPTY_PREFIXES is empty and frozen', () => {
    expect(isEmptyList(EMPTY_PREFIXES)).toBe(true);
    expect(prefixCount(EMPTY_PREFIXES)).toBe(0);
    expect(Object.isFrozen(EMPTY_PREFIXES)).toBe(true);
  });

  it('sorts like a comparison sort on random input (radix sort check)', () => {
    const entry = fc.tuple(
      fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0x0a000000, max: 0x0a0000ff })),
      fc.integer({ min: 0, max: 32 }),
    );
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 300 }), (entries) => {
        const b = new PrefixListBuilder();
        for (const [a, l] of entries) b.addV4(a, l);
        const list = b.build();
        expectValidList(list);
        const mask = (a: number, l: number): number => a - (a % 2 ** (32 - l));
        const expected = [...new Set(entries.map(([a, l]) => `${mask(a, l)}/${l}`))]
          .map((s) => s.split('/').map(Number) as [number, number])
          .sort((x, y) => x[0] - y[0] || x[1] - y[1]);
        expect(Array.from(list.v4.addr)).toEqual(expected.map((e) => e[0]));
        expect(Array.from(list.v4.len)).toEqual(expected.map((e) => e[1]));
      }),
    );
  });

  it('validatePrefixList finds each kind of violation', () => {
    const v4 = (a: number[], l: number[]): PrefixList =>
      makePrefixList(Uint32Array.from(a), Uint8Array.from(l), new Uint32Array(0), new Uint8Array(0));
    const v6 = (w: number[], l: number[]): PrefixList =>
      makePrefixList(new Uint32Array(0), new Uint8Array(0), Uint32Array.from(w), Uint8Array.from(l));
    expect(validatePrefixList(v4([0, 0], [0, 8]))).toBeNull();
    expect(validatePrefixList(v4([1], [31]))).toMatch(/host bits/);
    expect(validatePrefixList(v4([0], [33]))).toMatch(/> 32/);
    expect(validatePrefixList(v4([256, 0], [32, 32]))).toMatch(/order/);
    expect(validatePrefixList(v4([0, 0], [8, 8]))).toMatch(/duplicate/);
    expect(validatePrefixList(v4([0, 0], [8]))).toMatch(/differ/);
    expect(validatePrefixList(v6([0, 0, 0, 1], [128]))).toBeNull();
    expect(validatePrefixList(v6([0, 0, 1, 0], [64]))).toMatch(/host bits/);
    expect(validatePrefixList(v6([0x20010db8, 0, 0, 0], [16]))).toMatch(/host bits/);
    expect(validatePrefixList(v6([0, 0, 0, 1, 0, 0, 0, 0], [128, 0]))).toMatch(/order/);
    expect(validatePrefixList(v6([0, 0, 0, 0], [129]))).toMatch(/> 128/);
  });
});
