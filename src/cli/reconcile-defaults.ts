// `tscm reconcile`'s defaults as commander hands them over (strings, as typed). A module of its own, with no
// imports, so that main.ts can name them without loading the loop for every command.

export const RECONCILE_DEFAULTS = {
  branch: 'main',
  path: '.',
  watchDebounce: '1s',
  interval: '1h',
  driftInterval: '6h',
  concurrency: '8',
  listen: '127.0.0.1:9469',
  stopTimeout: '25s',
} as const;
