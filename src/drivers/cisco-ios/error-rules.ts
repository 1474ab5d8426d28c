// How IOS words a refusal (spec §1 "Errors", §6 rows 3, 4, 13, 18; Ansible cisco.ios terminal_stderr_re). The
// matching itself is shared (drivers/shared/cli-text.ts findDeviceError); the words are this platform's.

import type { DeviceErrorRule } from '../shared/cli-text.js';

export const IOS_ERROR_RULES: readonly DeviceErrorRule[] = [
  { re: /% ?Invalid input detected/i, kind: 'fatal' },
  { re: /% ?Incomplete command/i, kind: 'fatal' },
  { re: /% ?Ambiguous command/i, kind: 'fatal' },
  { re: /% ?Unknown command/i, kind: 'fatal' },
  { re: /Command authorization failed/i, kind: 'fatal' },
  { re: /% ?Bad mask/i, kind: 'fatal' },
  { re: /% ?Bad secrets?/i, kind: 'fatal' },
  { re: /% ?Configuration buffer full/i, kind: 'fatal' },
  { re: /% ?(?:Error|Failed)\b/i, kind: 'fatal' },
  { re: /% ?Not all config may be removed/i, kind: 'fatal' },
  { re: /Configuration mode (?:is )?locked/i, kind: 'lock' },
  { re: /locked exclusively/i, kind: 'lock' },
  // Catch-all (spec §6 row 13, errors not caught): configuration commands print nothing on success, so any other
  // `%` message at the start of a line (`% Object group X is in use ...`) stops the apply. Log lines are already
  // dropped by the splitter.
  { re: /^%/, kind: 'fatal' },
];
