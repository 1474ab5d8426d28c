// Global test setup: starts shared servers the suites need (the policy DNS server is added by test/dns/).
export default async function setup(): Promise<() => Promise<void>> {
  return async () => {};
}
