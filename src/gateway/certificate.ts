// TLS to a device: which certificates the gateway accepts, and the SHA-256 fingerprint a user
// checks before accepting a self-signed one. Devices ship self-signed certificates; the gateway
// verifies them against `ca` when given, else proceeds only when told to (insecure, or a pinned
// fingerprint: the user's explicit accept, as ssh's known_hosts).
import type { TLSSocket, PeerCertificate } from 'node:tls';
import { Fe80Error, quote } from '../errors.js';
import { Fe80HttpsAgent, type Fe80HttpsAgentOptions } from '../http/index.js';
import type { Duplex } from 'node:stream';
import type { ClientRequestArgs } from 'node:http';

/** How the gateway checks a device's certificate. */
export interface DeviceTlsOptions {
  /** CA certificate(s) (PEM) the device's certificate must chain to, identity checked (curl --cacert) */
  ca?: string | Buffer | readonly (string | Buffer)[] | undefined;
  /** accept any certificate (curl -k); its fingerprint is still shown */
  insecure?: boolean | undefined;
  /** accept exactly the certificate with this SHA-256 fingerprint (`AB:CD:...`, hex, or `sha256:...`) */
  fingerprint?: string | undefined;
}

/** A device certificate as the landing page and the CLI show it. */
export interface CertificateInfo {
  /** SHA-256 of the DER certificate, `AB:CD:...` (as `openssl x509 -fingerprint -sha256`) */
  fingerprint256: string;
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  /** the certificate passed verification against the CAs (given, else the system's) and the identity check */
  verified: boolean;
  /** why verification failed (e.g. DEPTH_ZERO_SELF_SIGNED_CERT) */
  error: string | undefined;
}

/** How a device's certificate is trusted now: requests are forwarded only when not 'untrusted'. */
export type Trust = 'verified' | 'insecure' | 'pinned' | 'untrusted';

/** `sha256:abcd...`, `ab:cd:...`, `ABCD...` -> `AB:CD:...`; ERR_INVALID_ARGUMENT for anything else. */
export function normalizeFingerprint(text: string): string {
  const hex = String(text).trim().replace(/^sha-?256[:=]/i, '').replace(/[:\s]/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) {
    throw new Fe80Error('ERR_INVALID_ARGUMENT', `fingerprint must be a SHA-256 fingerprint (64 hex digits, colons allowed), got ${quote(String(text))}`, {
      input: String(text),
    });
  }
  return hex.match(/../g)!.join(':');
}

function name(part: PeerCertificate['subject'] | undefined): string {
  if (part === undefined || part === null) return '';
  return Object.entries(part)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`)
    .join(', ');
}

/** What a TLS socket's peer certificate says, and whether the handshake verified it. */
export function certificateOf(socket: TLSSocket): CertificateInfo | undefined {
  const cert = socket.getPeerCertificate();
  if (cert === null || cert === undefined || typeof cert.fingerprint256 !== 'string' || cert.fingerprint256 === '') return undefined;
  const error = socket.authorizationError;
  return {
    fingerprint256: cert.fingerprint256.toUpperCase(),
    subject: name(cert.subject),
    issuer: name(cert.issuer),
    validFrom: cert.valid_from,
    validTo: cert.valid_to,
    verified: socket.authorized,
    error: error === undefined || error === null ? undefined : typeof error === 'string' ? error : (error as Error).message,
  };
}

/** The trust for a certificate under `tls`. */
export function trustOf(cert: CertificateInfo | undefined, tls: DeviceTlsOptions): Trust {
  if (tls.insecure === true) return 'insecure';
  if (cert === undefined) return 'untrusted';
  if (tls.fingerprint !== undefined) return normalizeFingerprint(tls.fingerprint) === cert.fingerprint256 ? 'pinned' : 'untrusted';
  return cert.verified ? 'verified' : 'untrusted';
}

/** TLS options for connections to the device: verify unless insecure or pinned (checked after the handshake). */
export function tlsConnectOptions(tls: DeviceTlsOptions): { ca?: string | Buffer | (string | Buffer)[]; rejectUnauthorized: boolean } {
  const out: { ca?: string | Buffer | (string | Buffer)[]; rejectUnauthorized: boolean } = {
    rejectUnauthorized: tls.insecure !== true && tls.fingerprint === undefined,
  };
  if (tls.ca !== undefined) out.ca = Array.isArray(tls.ca) ? [...(tls.ca as (string | Buffer)[])] : (tls.ca as string | Buffer);
  return out;
}

/** A pinned certificate that is not the one presented: the connection is refused. */
export function pinMismatch(device: string, want: string, got: string | undefined): Fe80Error {
  return new Fe80Error(
    'ERR_CONNECT',
    `${device} presented a certificate with SHA-256 fingerprint ${got ?? '(none)'}, not the accepted ${want}: refusing it (a different device, or its certificate changed)`,
  );
}

/**
 * Checks a connected TLS socket against a pinned fingerprint; destroys it and throws on a mismatch.
 * Without a pin it does nothing (Node already verified or, with insecure, accepted).
 */
export function checkPin(socket: TLSSocket, device: string, tls: DeviceTlsOptions): void {
  if (tls.fingerprint === undefined || tls.insecure === true) return;
  const want = normalizeFingerprint(tls.fingerprint);
  const got = certificateOf(socket)?.fingerprint256;
  if (got === want) return;
  socket.destroy();
  throw pinMismatch(device, want, got);
}

type Callback = (error: Error | null, stream: Duplex) => void;

/** fe80's https.Agent plus the pinned-fingerprint check on every new connection. */
export class DeviceHttpsAgent extends Fe80HttpsAgent {
  readonly #device: string;
  readonly #tls: DeviceTlsOptions;
  constructor(options: Fe80HttpsAgentOptions, device: string, tls: DeviceTlsOptions) {
    super(options);
    this.#device = device;
    this.#tls = tls;
  }
  override createConnection(options: ClientRequestArgs, callback?: Callback): undefined {
    return super.createConnection(options, (error, socket) => {
      if (error !== null) return callback?.(error, socket);
      try {
        checkPin(socket as TLSSocket, this.#device, this.#tls);
      } catch (pinError) {
        return callback?.(pinError as Error, socket);
      }
      callback?.(null, socket);
    });
  }
}
