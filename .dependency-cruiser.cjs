// Import rules (DESIGN.md): no cycles, and one-way layers:
//   cli -> daemon -> reconcile/apply -> plan/state/policy/config -> cidr   (src/errors.ts is importable from anywhere)
//   cli -> daemon -> logs -> config/state/cidr   (the device log service)
// Only drivers/registry.ts imports the driver folders; the core never imports a driver or the lab.
const CORE = '^src/(cidr|config|policy|plan|state|apply|reconcile)/';

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'cidr-is-the-bottom',
      comment: 'cidr/ depends on nothing of ours but errors.ts',
      severity: 'error',
      from: { path: '^src/cidr/' },
      to: { path: '^src/', pathNot: ['^src/cidr/', '^src/errors\\.ts$'] },
    },
    {
      name: 'middle-layer-stays-below-apply',
      comment:
        'config, policy, plan and state never reach up to apply, reconcile, cli or the drivers; config reads the platform data (settings, defaults, traits) through drivers/registry.ts',
      severity: 'error',
      from: { path: '^src/(config|policy|plan|state)/' },
      to: { path: '^src/(apply|reconcile|cli|drivers|lab)/', pathNot: '^src/drivers/(registry|platform)\\.ts$' },
    },
    {
      name: 'only-config-reads-the-platform-list',
      comment: 'policy, plan and state know nothing of platforms',
      severity: 'error',
      from: { path: '^src/(policy|plan|state)/' },
      to: { path: '^src/drivers/' },
    },
    {
      name: 'platform-data-is-pure',
      comment:
        "a platform.ts is data plus a lazy loader: it imports only the contract, shared settings and errors, so reading a device definition never loads a driver's session code",
      severity: 'error',
      from: { path: '^src/drivers/[^/]+/platform\\.ts$' },
      to: {
        path: '^src/',
        pathNot: [
          '^src/drivers/(platform|driver)\\.ts$',
          '^src/drivers/shared/(cli-settings|nested-settings|shim-setting|asa-capacity)\\.ts$',
          '^src/errors\\.ts$',
        ],
        dependencyTypesNot: ['dynamic-import'],
      },
    },
    {
      name: 'apply-below-reconcile',
      severity: 'error',
      from: { path: '^src/apply/' },
      to: { path: '^src/(reconcile|cli|lab)/' },
    },
    {
      name: 'reconcile-below-cli',
      severity: 'error',
      from: { path: '^src/reconcile/' },
      to: { path: '^src/(cli|lab)/' },
    },
    {
      name: 'daemon-below-cli',
      comment: 'daemon/ is the loop shell beside cli/: it calls reconcile/, the CLI calls it, never the reverse',
      severity: 'error',
      from: { path: '^src/daemon/' },
      to: { path: '^src/(cli|lab)/' },
    },
    {
      name: 'logs-stays-below-the-daemon',
      comment:
        'logs/ (receiver, store, upload, forward, hits, the service wiring them) sits under daemon/ and cli/: it reads config/, state/ and cidr/, and knows drivers only by the Logger type of drivers/driver.ts',
      severity: 'error',
      from: { path: '^src/logs/' },
      to: { path: '^src/(cli|daemon|reconcile|apply|lab|drivers/(?!driver\\.ts$))' },
    },
    {
      name: 'core-does-not-import-the-logs',
      severity: 'error',
      from: { path: CORE },
      to: { path: '^src/logs/' },
    },
    {
      name: 'core-does-not-import-the-daemon',
      severity: 'error',
      from: { path: CORE },
      to: { path: '^src/daemon/' },
    },
    {
      name: 'only-the-registry-imports-drivers',
      comment: 'the core sees drivers only through drivers/driver.ts and drivers/registry.ts',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/drivers/', '^src/lab/'] },
      to: { path: '^src/drivers/(cisco-|shared/)' },
    },
    {
      name: 'drivers-stay-apart',
      comment: 'an IOS fix must not break another platform: platforms share code only through drivers/shared',
      severity: 'error',
      from: { path: '^src/drivers/(cisco-[^/]+)/' },
      to: { path: '^src/drivers/cisco-', pathNot: '^src/drivers/$1/' },
    },
    {
      name: 'drivers-do-not-reach-up',
      severity: 'error',
      from: { path: '^src/drivers/' },
      to: { path: '^src/(apply|reconcile|cli|lab|state|policy)/' },
    },
    {
      name: 'nothing-in-the-core-imports-the-lab',
      severity: 'error',
      from: { path: CORE },
      to: { path: '^src/lab/' },
    },
    {
      name: 'lab-is-independent-of-the-drivers',
      comment: 'the emulators are written from the protocol notes, never from the code they test',
      severity: 'error',
      from: { path: '^src/lab/' },
      to: { path: '^src/drivers/' },
    },
    { name: 'src-never-imports-tests', severity: 'error', from: { path: '^src/' }, to: { path: '^(test|bench)/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
