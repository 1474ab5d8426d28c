import type { Driver, DriverContext } from '../driver.js';
export async function createAsaRestDriver(ctx: DriverContext): Promise<Driver> {
  throw new Error(`device ${ctx.spec.name}: not yet`);
}
