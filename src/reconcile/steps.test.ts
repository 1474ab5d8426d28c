import { expect, it } from 'vitest';
import { ApplyFailedError } from '../apply/apply-device.js';
import { ConfigError, InternalError, TransientError } from '../errors.js';
import { DeviceSteps, errorKindOf } from './steps.js';

it('errorKindOf: what happens next for each error', () => {
  expect(errorKindOf(new ConfigError('bad zone'))).toBe('config');
  expect(errorKindOf(new TransientError('timed out'))).toBe('transient');
  expect(errorKindOf(new ApplyFailedError('stopped', null, 3, true, false))).toBe('transient');
  expect(errorKindOf(new ApplyFailedError('interrupted', null, 3, false, true))).toBe('transient');
  expect(errorKindOf(new ApplyFailedError('device refused', null, 3, false, false))).toBe('config');
  expect(errorKindOf(new Error('bug'))).toBe('internal');
  expect(errorKindOf('thrown text')).toBe('internal');
});

it('steps go forward; observe..save repeat for each HA peer; the first stop is kept', () => {
  const steps = new DeviceSteps('edge-01');
  expect(steps.step).toBe('load');
  for (const s of ['lock', 'resolve', 'observe', 'plan', 'guard', 'apply', 'verify', 'save', 'observe'] as const) {
    steps.enter(s);
  }
  expect(steps.step).toBe('observe');
  expect(() => steps.enter('lock')).toThrow(InternalError);
  steps.enter('plan');
  const error = new TransientError('peer down');
  expect(steps.stop(error)).toEqual({ device: 'edge-01', step: 'plan', kind: 'transient', error });
  // Recording the truth after the failure moves on, but the failure keeps its step.
  steps.enter('record');
  expect(steps.failure(error).step).toBe('plan');
  expect(steps.failure(new ConfigError('other')).step).toBe('plan');
});
