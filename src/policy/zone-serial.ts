// A zone's current SOA serial, asked over TCP (querySoa: the path a transfer takes, so a blocked port shows here
// already) and checked: the server must be authoritative for exactly the zone. The reconcile loop asks this once
// per zone per pass; a serial equal to the last one seen means nothing moved, and no transfer is needed.
import type { Endpoint } from '../config/types.js';
import { ConfigError, TransientError } from '../errors.js';
import { querySoa, type DnsTimeouts } from './axfr.js';
import { formatEndpoint } from './tcp-exchange.js';

export async function checkZoneSerial(server: Endpoint, zone: string, timeouts: DnsTimeouts = {}): Promise<number> {
  const soa = await querySoa(server, zone, timeouts);
  return requireSoaSerial(server, zone, soa.rcode, soa.serial, soa.authoritative);
}

/** Throws unless the SOA answer shows a server authoritative for the zone; returns the serial. */
function requireSoaSerial(server: Endpoint, zone: string, rcode: string, serial: number | undefined, aa: boolean) {
  const at = `policy server ${formatEndpoint(server)}`;
  if (rcode === 'REFUSED' || rcode === 'NOTAUTH') {
    throw new ConfigError(
      `${at} refused the SOA query for zone ${zone} (${rcode})`,
      'the server does not serve this zone, or does not allow this address yet; new policies take about 15 ' +
        'minutes to appear. Check the zone name in the device definition.',
    );
  }
  if (rcode === 'NXDOMAIN') {
    throw new ConfigError(
      `zone ${zone} does not exist on ${at} (NXDOMAIN)`,
      'check the zone name in the device definition',
    );
  }
  if (rcode !== 'NOERROR') {
    throw new TransientError(`${at} answered the SOA query for zone ${zone} with ${rcode}`, 'retry later');
  }
  if (!aa || serial === undefined) {
    throw new ConfigError(
      `${at} is not authoritative for zone ${zone} (no SOA of the zone in an authoritative answer)`,
      'check the zone name and that the server is the primary of this zone',
    );
  }
  return serial;
}
