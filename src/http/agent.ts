// http.Agent / https.Agent for code built on http.request (axios, ws, got, ...). `createConnection`
// dials through fe80 (zoned literal in `host`, the agent's zone policy for a zone-free one, fe80's
// lookup for names). Node writes the zone into Host (`[fe80::1%eth0]:80`); `addRequest` rewrites
// it to `[fe80::1]:80` before anything is sent. Node's agent pools by host (zone included) and
// port, so two zones never share a socket.
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import type { ConnectionOptions } from 'node:tls';
import { createDialer, type Dialer } from './dial.js';
import type { HttpDialOptions, HttpZoneOptions } from './options.js';
import { invalid, unbracket } from '../validate.js';

export interface Fe80AgentOptions extends HttpZoneOptions {
  /** ms for a whole connect, racing included (default: none) */
  connectTimeout?: number;
  /** ms between racing attempts for `zone: 'auto'` or a list (default 250) */
  attemptDelay?: number;
}
export interface Fe80HttpAgentOptions extends http.AgentOptions, Fe80AgentOptions {}
export interface Fe80HttpsAgentOptions extends https.AgentOptions, Fe80AgentOptions {}

type Callback = (error: Error | null, stream: Duplex) => void;
type AddRequest = (this: http.Agent, req: http.ClientRequest, options: http.RequestOptions) => void;

// TLS options Node hands createConnection (agent options merged with the request's).
const TLS_KEYS = [
  'ca', 'cert', 'key', 'pfx', 'passphrase', 'crl', 'ciphers', 'ecdhCurve', 'sigalgs', 'minVersion', 'maxVersion',
  'secureOptions', 'secureProtocol', 'secureContext', 'rejectUnauthorized', 'checkServerIdentity', 'ALPNProtocols', 'session',
] as const;

function dialOptions(options: Fe80AgentOptions): HttpDialOptions {
  const out: HttpDialOptions = {};
  if (options.zone !== undefined) out.zone = options.zone;
  if (options.allowedInterfaces !== undefined) out.allowedInterfaces = options.allowedInterfaces;
  if (options.registry !== undefined) out.registry = options.registry;
  if (options.connectTimeout !== undefined) out.connectTimeout = options.connectTimeout;
  if (options.attemptDelay !== undefined) out.attemptDelay = options.attemptDelay;
  return out;
}

/** `Host: [fe80::1%eth0]:8080` -> `[fe80::1]:8080` (RFC 9110 §7.2 has no zone; nginx answers 400). */
export function zoneFreeHost(host: string): string {
  const pct = host.indexOf('%');
  if (pct < 0) return host;
  const close = host.indexOf(']', pct);
  return close < 0 ? host.slice(0, pct) : host.slice(0, pct) + host.slice(close);
}

function fixHost(req: http.ClientRequest): void {
  const host = req.getHeader('host');
  if (typeof host === 'string' && host.includes('%') && !req.headersSent) req.setHeader('host', zoneFreeHost(host));
}

function connectWith(dial: Dialer, secure: boolean, args: http.ClientRequestArgs, callback: Callback | undefined): undefined {
  const options = args as http.ClientRequestArgs & Omit<ConnectionOptions, 'host'>;
  const host = unbracket(options.host ?? options.hostname ?? 'localhost');
  const port = Number(options.port) || (secure ? 443 : 80);
  const tls: Record<string, unknown> = {};
  if (secure) for (const key of TLS_KEYS) if (options[key] !== undefined) tls[key] = options[key];
  const servername = typeof options.servername === 'string' && options.servername !== '' ? options.servername : undefined;
  dial({ host, port, secure, servername, tls: tls as HttpDialOptions['tls'] }).then(
    (socket) => callback?.(null, socket),
    (error: Error) => callback?.(error, undefined as unknown as Duplex),
  );
  return undefined;
}

const httpAddRequest = (http.Agent.prototype as unknown as { addRequest: AddRequest }).addRequest;
const httpsAddRequest = (https.Agent.prototype as unknown as { addRequest: AddRequest }).addRequest;

/** An http.Agent that dials scoped addresses (`http.request({ host: 'fe80::1%eth0', agent })`). */
export class Fe80HttpAgent extends http.Agent {
  readonly #dial: Dialer;
  constructor(options: Fe80HttpAgentOptions = {}) {
    super(options);
    this.#dial = createDialer(dialOptions(options));
  }
  override createConnection(options: http.ClientRequestArgs, callback?: Callback): undefined {
    return connectWith(this.#dial, false, options, callback);
  }
  addRequest(req: http.ClientRequest, options: http.RequestOptions): void {
    fixHost(req);
    httpAddRequest.call(this, req, options);
  }
}

/** An https.Agent that dials scoped addresses; no SNI for IP literals, IP SAN checked without zone. */
export class Fe80HttpsAgent extends https.Agent {
  readonly #dial: Dialer;
  constructor(options: Fe80HttpsAgentOptions = {}) {
    super(options);
    this.#dial = createDialer(dialOptions(options));
  }
  override createConnection(options: https.RequestOptions, callback?: Callback): undefined {
    return connectWith(this.#dial, true, options, callback);
  }
  addRequest(req: http.ClientRequest, options: http.RequestOptions): void {
    fixHost(req);
    httpsAddRequest.call(this, req, options);
  }
}

/** `createAgent()` for http, `createAgent({ protocol: 'https:' , ca })` for https. */
export function createAgent(options?: Fe80HttpAgentOptions & { protocol?: 'http:' }): Fe80HttpAgent;
export function createAgent(options: Fe80HttpsAgentOptions & { protocol: 'https:' }): Fe80HttpsAgent;
export function createAgent(options: (Fe80HttpAgentOptions | Fe80HttpsAgentOptions) & { protocol?: 'http:' | 'https:' } = {}): Fe80HttpAgent | Fe80HttpsAgent {
  if (typeof options !== 'object' || options === null) throw invalid('options', 'an object', options);
  const { protocol, ...rest } = options;
  if (protocol !== undefined && protocol !== 'http:' && protocol !== 'https:') throw invalid('protocol', "'http:' or 'https:'", protocol);
  return protocol === 'https:' ? new Fe80HttpsAgent(rest) : new Fe80HttpAgent(rest);
}
