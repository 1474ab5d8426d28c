// How the REST client trusts the device's certificate. One undici connector for the three modes: the TLS
// handshake runs with rejectUnauthorized false and the connector decides on the finished socket, before undici
// writes a byte of the request, so that a refusal can name the certificate's fingerprint (Node's own rejection
// does not) and a pinned certificate needs neither a chain nor a matching name.

import type { TLSSocket } from 'node:tls';
import { buildConnector } from 'undici';

export type TlsTrust =
  | { readonly mode: 'verify' } // system CAs (+ NODE_EXTRA_CA_CERTS)
  | { readonly mode: 'pin'; readonly fingerprint256: string } // AA:BB:.. upper; hostname not checked, chain not needed
  | { readonly mode: 'self-signed' }; // anything (the caller warns on every run)

/** A certificate refused by the trust mode: permanent, the operator has to act. */
export class TlsTrustError extends Error {
  override readonly name = 'TlsTrustError';
}

/** `AA:BB:..` upper case, whatever separators and case the operator typed. */
export function normalizeFingerprint(fp: string): string {
  const hex = fp.replace(/[^0-9a-fA-F]/g, '').toUpperCase();
  return (hex.match(/../g) ?? []).join(':');
}

export interface TrustConnectorOptions {
  readonly label: string;
  readonly trust: TlsTrust;
  readonly connectTimeoutMs: number;
  /** Tests only: the CA bundle that replaces the system CAs in verify mode. */
  readonly ca?: string;
}

export function trustConnector(o: TrustConnectorOptions): buildConnector.connector {
  const base = buildConnector({
    rejectUnauthorized: false,
    // A resumed session skips the checks below on some paths: every connection shows its certificate.
    maxCachedSessions: 0,
    timeout: o.connectTimeoutMs,
    ...(o.ca !== undefined && o.trust.mode === 'verify' ? { ca: o.ca } : {}),
  });
  return (opts, cb) => {
    base(opts, (err, socket) => {
      if (err !== null) return cb(err, null);
      const refusal = refuse(o, socket as TLSSocket, `${opts.hostname}:${opts.port}`);
      if (refusal === undefined) return cb(null, socket);
      socket.destroy();
      cb(refusal, null);
    });
  };
}

function refuse(o: TrustConnectorOptions, socket: TLSSocket, where: string): TlsTrustError | undefined {
  if (o.trust.mode === 'self-signed') return undefined;
  const cert = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : undefined;
  const seen = cert?.fingerprint256 ? normalizeFingerprint(cert.fingerprint256) : undefined;
  if (o.trust.mode === 'pin') {
    const pinned = normalizeFingerprint(o.trust.fingerprint256);
    if (seen !== undefined && seen === pinned) return undefined;
    return new TlsTrustError(
      `device ${o.label}: the certificate of ${where} does not match advanced.certificateFingerprint: ` +
        `pinned ${pinned}, presented ${seen ?? 'no certificate'}; if the device's certificate was replaced ` +
        '(compare with `show crypto ca certificates` on the ASA), pin the new fingerprint',
    );
  }
  if (socket.authorized) return undefined;
  const reason = String(socket.authorizationError ?? 'unknown reason');
  return new TlsTrustError(
    `device ${o.label}: the TLS certificate of ${where} is not trusted (${reason}); its SHA-256 fingerprint is ` +
      `${seen ?? 'unknown'}. If that is the device's certificate, pin it with advanced.certificateFingerprint, ` +
      'or install the CA that signed it (system store or NODE_EXTRA_CA_CERTS); advanced.allowSelfSigned: true ' +
      'only as a last resort',
  );
}
