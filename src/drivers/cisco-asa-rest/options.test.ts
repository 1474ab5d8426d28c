// The platform's settings: defaults as the schema describes them, clear errors naming the field.

import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../errors.js';
import { ASA_REST_DEFAULTS, normaliseFingerprint, readAsaRestOptions } from './options.js';
import { ASA_REST_PLATFORM } from './platform.js';

const schemaOf = (path: string) => ASA_REST_PLATFORM.settings[path]?.schema as Record<string, unknown>;

describe('asa-rest options', () => {
  it('defaults to token auth, verified TLS, no fallback, one request at a time, chunks of 500', () => {
    expect(readAsaRestOptions({})).toEqual({ ...ASA_REST_DEFAULTS });
    expect(ASA_REST_PLATFORM.fallback).toBe('asa');
  });

  it('keeps the schema defaults equal to the ones the driver applies', () => {
    const D = ASA_REST_DEFAULTS;
    expect(schemaOf('advanced.fallback')['default']).toBe(D.fallback);
    expect(schemaOf('advanced.sshPort')['default']).toBe(D.sshPort);
    expect(schemaOf('advanced.concurrency')['default']).toBe(D.concurrency);
    expect(schemaOf('advanced.requestTimeoutMs')['default']).toBe(D.requestTimeoutMs);
    expect(schemaOf('advanced.chunkSize')['default']).toBe(D.chunkSize);
    expect(schemaOf('advanced.retry')['description']).toContain(
      `(default ${D.retry.attempts}) within maxSeconds (default ${D.retry.maxSeconds})`,
    );
    expect(schemaOf('advanced.tokenAuth')['description']).toContain(`(default ${D.tokenAuth})`);
    const fp = 'sha256:' + 'ab'.repeat(32);
    expect(ASA_REST_PLATFORM.settings['advanced.certificateFingerprint']?.normalise?.(fp)).toBe(
      normaliseFingerprint(fp),
    );
  });

  it('reads every setting, normalising the fingerprint and the URL', () => {
    const o = readAsaRestOptions({
      'objectGroups.nestedSize': 100,
      'advanced.tokenAuth': false,
      'advanced.certificateFingerprint': 'ab'.repeat(32),
      'advanced.apiUrl': 'https://192.0.2.30:8443/api/',
      'advanced.fallback': 'ssh',
      'advanced.sshPort': 2222,
      'advanced.requestsPerSecond': 4,
      'advanced.concurrency': 2,
      'advanced.requestTimeoutMs': 5000,
      'advanced.retry': { attempts: 2, firstDelayMs: 20 },
      'advanced.chunkSize': 50,
    });
    expect(o).toMatchObject({
      nestedSize: 100,
      tokenAuth: false,
      certificateFingerprint: Array(32).fill('AB').join(':'),
      apiUrl: 'https://192.0.2.30:8443/api',
      fallback: 'ssh',
      sshPort: 2222,
      requestsPerSecond: 4,
      concurrency: 2,
      requestTimeoutMs: 5000,
      retry: { attempts: 2, maxSeconds: 120, firstDelayMs: 20 },
      chunkSize: 50,
    });
  });

  it('names the field and the fix of a bad value', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ 'advanced.concurrency': 9 }, /advanced\.concurrency must be an integer from 1 to 8/],
      [{ 'advanced.fallback': 'telnet' }, /advanced\.fallback must be "none" or "ssh"/],
      [{ 'advanced.retry': { attempts: -1 } }, /advanced\.retry\.attempts/],
      [{ 'advanced.retry': 3 }, /advanced\.retry must be a mapping/],
      [{ 'advanced.retry': { firstDelayMs: 0 } }, /advanced\.retry\.firstDelayMs/],
      [{ 'advanced.chunkSize': 0 }, /advanced\.chunkSize/],
      [{ 'advanced.certificateFingerprint': 'abc' }, /advanced\.certificateFingerprint/],
      [{ 'advanced.apiUrl': 'http://x/api' }, /advanced\.apiUrl must be an https:\/\/ URL/],
      [{ 'objectGroups.shimAddress': '2001:db8::1' }, /objectGroups\.shimAddress must be an IPv4 address/],
      [{ 'advanced.requestsPerSecond': 0 }, /advanced\.requestsPerSecond/],
    ];
    for (const [o, re] of cases) {
      expect(() => readAsaRestOptions(o), re.source).toThrow(ConfigError);
      expect(() => readAsaRestOptions(o), re.source).toThrow(re);
    }
  });
});
