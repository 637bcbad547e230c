// createGateway(): a reverse proxy on loopback that gives each link-local device its own origin,
// `http://LABEL.localhost:PORT` (RFC 6761 §6.3: browsers resolve every `*.localhost` name to
// loopback themselves and treat it as a secure context), so cookies, storage and service workers
// of two devices never mix. It answers only its own names (DNS rebinding) and forwards only to
// devices in its table, never to an address named in a request. The gateway never resolves a
// `*.localhost` name: it only compares Host headers with its own.
import http from 'node:http';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { Fe80Error, quote } from '../errors.js';
import { connect, connectTLS, resolveZones } from '../net/index.js';
import { resolveMdns } from '../dns/index.js';
import { createAgent } from '../http/index.js';
import { registry as defaultRegistry, type InterfaceEvent, type InterfaceWatcher } from '../iface/index.js';
import { checkBoolean, checkMs, checkObject, checkOneOf, checkPort, invalid } from '../validate.js';
import { Rewriter } from './rewrite.js';
import type { HeaderRoute } from './headers.js';
import { certificateOf, checkPin, DeviceHttpsAgent, normalizeFingerprint, tlsConnectOptions, trustOf, type CertificateInfo, type DeviceTlsOptions, type Trust } from './certificate.js';
import { deviceHost, deviceHostForms, deviceLabel, deviceOrigin, deviceUrl, parseDeviceTarget, type DeviceTarget } from './target.js';
import { isLoopbackName, labelOf, parseOrigin, parseRequestHost } from './host.js';
import { forward, sendPage } from './proxy.js';
import { upgrade, refuseUpgrade } from './upgrade.js';
import { serveLanding } from './landing-routes.js';
import type { DeviceEvent, DeviceSource, GatewayDevice, GatewayDeviceSpec, GatewayOptions } from './types.js';
import { randomBytes } from 'node:crypto';

/** One device in the gateway's table (internal). */
export interface DeviceEntry {
  id: string;
  label: string;
  name: string | undefined;
  source: string;
  target: DeviceTarget;
  tls: DeviceTlsOptions;
  certificate: CertificateInfo | undefined;
  trust: Trust | undefined;
  agent: http.Agent;
  /** host for http.request: `fe80::2%eth0` or `printer.local` */
  dialHost: string;
  /** routes by local authority (`fe80-2-eth0.localhost:8080`, `localhost:40001`) */
  routes: Map<string, HeaderRoute>;
  listener: Listener | undefined;
  removed: boolean;
}

/** One loopback port the gateway listens on: the main one (landing page + named devices) or a device's own. */
export interface Listener {
  port: number;
  servers: http.Server[];
  /** set for a device's own port */
  device: DeviceEntry | undefined;
}

/** What a request's Host named. */
export type Destination = { kind: 'landing' } | { kind: 'device'; entry: DeviceEntry; authority: string };

const DEFAULT_CONNECT_TIMEOUT = 10_000;

/** The gateway: `url` is the landing page; `devices` the table; `add`, `remove`, `trust`, `close`. */
export class Gateway extends EventEmitter {
  readonly #options: GatewayOptions;
  readonly #host: 'localhost' | '127.0.0.1' | '::1';
  readonly #byLabel = new Map<string, DeviceEntry>();
  readonly #byId = new Map<string, DeviceEntry>();
  readonly #sockets = new Set<Socket>();
  readonly #sources = new Set<AsyncIterator<DeviceEvent> | Iterator<DeviceEvent>>();
  #main: Listener | undefined;
  #links: InterfaceWatcher | undefined;
  #closed = false;
  #discovering = 0;
  /** the token the landing page's accept form carries (with an Origin check: no cross-site accept) */
  readonly token = randomBytes(16).toString('hex');

  /** @internal use createGateway() */
  constructor(options: GatewayOptions) {
    super();
    this.#options = options;
    this.#host = options.host ?? 'localhost';
  }

  /** The landing page: `http://localhost:PORT/`. */
  get url(): string {
    return `http://localhost:${this.port}/`;
  }

  get port(): number {
    if (this.#main === undefined) throw new Fe80Error('ERR_INVALID_ARGUMENT', 'the gateway is not listening');
    return this.#main.port;
  }

  /** Loopback addresses the gateway listens on, as `[::1]:8080` / `127.0.0.1:8080`. */
  get addresses(): string[] {
    const out: string[] = [];
    for (const l of this.#listeners()) for (const s of l.servers) {
      const a = s.address();
      if (a !== null && typeof a === 'object') out.push(a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`);
    }
    return out;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Snapshots of every device, in the order they were added. */
  get devices(): GatewayDevice[] {
    return [...this.#byId.values()].map((e) => this.#info(e));
  }

  /** Is a discovery source still running? */
  get discovering(): boolean {
    return this.#discovering > 0;
  }

  device(idOrLabel: string): GatewayDevice | undefined {
    const e = this.#byId.get(idOrLabel) ?? this.#byLabel.get(idOrLabel);
    return e === undefined ? undefined : this.#info(e);
  }

  #info(e: DeviceEntry): GatewayDevice {
    const localOrigin = `http://${e.label}.localhost:${this.port}`;
    return {
      id: e.id,
      label: e.label,
      name: e.name,
      url: deviceUrl(e.target),
      localOrigin,
      localUrl: `${localOrigin}${e.target.path}`,
      portOrigin: e.listener === undefined ? undefined : `http://localhost:${e.listener.port}`,
      host: deviceHost(e.target),
      interface: e.target.interface,
      secure: e.target.secure,
      source: e.source,
      certificate: e.certificate,
      trust: e.target.secure ? e.trust : undefined,
    };
  }

  *#listeners(): Iterable<Listener> {
    if (this.#main !== undefined) yield this.#main;
    for (const e of this.#byId.values()) if (e.listener !== undefined) yield e.listener;
  }

  /** @internal */
  async listen(): Promise<void> {
    this.#main = await this.#open(this.#options.port ?? 0, undefined);
    this.#watchLinks();
  }

  /**
   * The interface watcher keeps the registry current while the gateway runs (no stale zone, no
   * re-read per request) and tells it when a device's link goes: the connections kept alive to
   * devices on a removed interface are closed (their socket's scope names an ifindex that no
   * longer exists, and a re-created link gets a new one), idle ones also on a rename or down, so
   * the next request dials afresh instead of failing on a dead connection.
   */
  #watchLinks(): void {
    try {
      this.#links = (this.#options.registry ?? defaultRegistry).watch({ persistent: false });
    } catch (error) {
      this.emit('warning', error); // without a watcher, lookups still recheck the table
      return;
    }
    this.#links.on('error', (error) => this.emit('warning', error));
    this.#links.on('event', (event) => this.#onLink(event));
  }

  #onLink(event: InterfaceEvent): void {
    const gone = event.type === 'removed';
    if (!gone && event.type !== 'renamed' && event.type !== 'down') return;
    const name = event.type === 'renamed' ? event.previous.name : event.interface.name;
    for (const e of this.#byId.values()) {
      if (e.target.interface !== name) continue;
      if (gone) e.agent.destroy();
      else for (const list of Object.values(e.agent.freeSockets)) for (const socket of list ?? []) socket.destroy();
    }
  }

  async #open(port: number, device: DeviceEntry | undefined): Promise<Listener> {
    const listener: Listener = { port, servers: [], device };
    const hosts = this.#host === 'localhost' ? ['::1', '127.0.0.1'] : [this.#host];
    // the same port on both loopback addresses: browsers try ::1 and 127.0.0.1 for `*.localhost`
    for (let attempt = 0; ; attempt++) {
      try {
        for (const host of hosts) {
          const server = this.#server(listener);
          await listenOn(server, host, listener.port);
          listener.servers.push(server);
          listener.port = (server.address() as { port: number }).port;
        }
        return listener;
      } catch (error) {
        await Promise.all(listener.servers.map((s) => closeServer(s)));
        listener.servers = [];
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EADDRNOTAVAIL' && hosts.length === 2 && hosts[0] === '::1') {
          hosts.shift(); // no IPv6 loopback on this machine: 127.0.0.1 alone
          listener.port = port;
          continue;
        }
        if (code === 'EADDRINUSE' && port === 0 && attempt < 10) {
          listener.port = 0; // the free port on ::1 was taken on 127.0.0.1: try another
          continue;
        }
        throw new Fe80Error('ERR_SOCKET', `the gateway cannot listen on ${hosts.join(' and ')} port ${port}: ${(error as Error).message}`, { cause: error });
      }
    }
  }

  #server(listener: Listener): http.Server {
    const server = http.createServer({ keepAliveTimeout: 30_000 });
    server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => this.#onRequest(listener, req, res));
    server.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => this.#onUpgrade(listener, req, socket, head));
    server.on('clientError', (_error, socket: Socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      else socket.destroy();
    });
    return server;
  }

  /** Where a request goes, from its Host alone; undefined for a name that is not the gateway's. */
  destination(listener: Listener, hostHeader: string | undefined): Destination | undefined {
    const h = parseRequestHost(hostHeader);
    if (h === undefined || h.port !== listener.port) return undefined;
    if (listener.device !== undefined) {
      if (!isLoopbackName(h.host) || listener.device.removed) return undefined;
      return { kind: 'device', entry: listener.device, authority: `localhost:${h.port}` };
    }
    if (isLoopbackName(h.host)) return { kind: 'landing' };
    const label = labelOf(h.host);
    const entry = label === undefined ? undefined : this.#byLabel.get(label);
    return entry === undefined ? undefined : { kind: 'device', entry, authority: `${entry.label}.localhost:${h.port}` };
  }

  /** Is `origin` one of the gateway's own (its landing page, any device's local origin)? */
  isGatewayOrigin(origin: string): boolean {
    const o = parseOrigin(origin);
    if (o === undefined) return false;
    for (const l of this.#listeners()) if (l.port === o.port) return isLoopbackName(o.host) || labelOf(o.host) !== undefined;
    return false;
  }

  /** The header/body rewriting for one device seen from one local authority. */
  route(entry: DeviceEntry, authority: string): HeaderRoute {
    let route = entry.routes.get(authority);
    if (route === undefined) {
      const localOrigin = `http://${authority}`;
      route = {
        deviceHost: deviceHost(entry.target),
        deviceOrigin: deviceOrigin(entry.target),
        localOrigin,
        rewriter: new Rewriter({ hosts: deviceHostForms(entry.target), port: entry.target.port, secure: entry.target.secure, local: authority }),
        isGatewayOrigin: (origin) => this.isGatewayOrigin(origin),
      };
      entry.routes.set(authority, route);
    }
    return route;
  }

  #refuse(res: http.ServerResponse, hostHeader: string | undefined): void {
    const detail = `This gateway answers only for its own names (localhost:${this.#main?.port ?? ''} and its devices' *.localhost names), not ${hostHeader === undefined ? 'a request without Host' : quote(hostHeader)}.`;
    sendPage(res, 421, 'Misdirected Request', detail, undefined);
  }

  #onRequest(listener: Listener, req: http.IncomingMessage, res: http.ServerResponse): void {
    const dest = this.destination(listener, req.headers.host);
    if (dest === undefined) return this.#refuse(res, req.headers.host);
    // origin-form only (RFC 9112 §3.2.1): an absolute URL or CONNECT would be a forward proxy
    if (req.url === undefined || req.url.charCodeAt(0) !== 0x2f) {
      return sendPage(res, 400, 'Bad Request', 'The gateway is not a forward proxy: request a path, e.g. GET /.', undefined);
    }
    if (dest.kind === 'landing') {
      serveLanding(this, req, res);
      return;
    }
    const entry = dest.entry;
    if (entry.target.secure && entry.trust === 'untrusted') {
      void this.#reprobe(entry).then(() => {
        if (entry.trust === 'untrusted') return this.#untrustedPage(entry, res);
        forward(this, entry, this.route(entry, dest.authority), req, res);
      });
      return;
    }
    forward(this, entry, this.route(entry, dest.authority), req, res);
  }

  #untrustedPage(entry: DeviceEntry, res: http.ServerResponse): void {
    const fp = entry.certificate?.fingerprint256;
    sendPage(
      res,
      502,
      'Certificate not accepted',
      fp === undefined
        ? `${deviceUrl(entry.target)} did not present a certificate the gateway could read.`
        : `${deviceUrl(entry.target)} presented a certificate that is not trusted (SHA-256 ${fp}). Accept it on the gateway's landing page, or run with -k or --cacert.`,
      this.url,
    );
  }

  #onUpgrade(listener: Listener, req: http.IncomingMessage, socket: Socket, head: Buffer): void {
    const dest = this.destination(listener, req.headers.host);
    if (dest === undefined) return refuseUpgrade(socket, 421, 'Misdirected Request');
    if (dest.kind === 'landing') return refuseUpgrade(socket, 404, 'Not Found');
    if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket' || req.url === undefined || req.url.charCodeAt(0) !== 0x2f) {
      return refuseUpgrade(socket, 400, 'Bad Request');
    }
    if (dest.entry.target.secure && dest.entry.trust === 'untrusted') return refuseUpgrade(socket, 502, 'Bad Gateway');
    upgrade(this, dest.entry, this.route(dest.entry, dest.authority), req, socket, head);
  }

  /** A socket to the device (TCP, or TLS checked as the device's policy says), for WebSocket and certificate probes. */
  async dial(entry: DeviceEntry, probe = false): Promise<Socket> {
    const t = entry.target;
    const base = {
      timeout: this.#options.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT,
      noDelay: true,
      ...(this.#options.registry === undefined ? {} : { registry: this.#options.registry }),
      // a name is resolved (mDNS) and dialled on the device's own interface only
      ...(t.name !== undefined && t.interface !== undefined ? { allowedInterfaces: [t.interface] } : {}),
    };
    const target = { host: t.address ?? t.name!, port: t.port };
    if (!t.secure) return connect(target, base);
    const tls = probe ? { rejectUnauthorized: false, ...(entry.tls.ca === undefined ? {} : { ca: tlsConnectOptions(entry.tls).ca }) } : tlsConnectOptions(entry.tls);
    // a name is the SNI and the identity checked; an address has no SNI, its IP SAN is checked
    const socket = await connectTLS(target, { ...base, ...tls });
    if (!probe) checkPin(socket, deviceUrl(t), entry.tls);
    return socket;
  }

  /** Reads the device's certificate (without trusting it) and works out the trust. */
  async #probe(entry: DeviceEntry): Promise<void> {
    if (!entry.target.secure) return;
    try {
      const socket = (await this.dial(entry, true)) as import('node:tls').TLSSocket;
      entry.certificate = certificateOf(socket);
      socket.destroy();
    } catch (error) {
      this.emit('warning', error);
    }
    entry.trust = trustOf(entry.certificate, entry.tls);
  }

  async #reprobe(entry: DeviceEntry): Promise<void> {
    if (entry.certificate === undefined) await this.#probe(entry);
  }

  /**
   * Adds a device (or, for a `.local` name without `interface`, one per interface it answers
   * on) and resolves with it. Throws ERR_INVALID_ARGUMENT / ERR_ZONE_REQUIRED for a bad target,
   * ERR_NOT_FOUND for a name nobody answers.
   */
  async add(spec: string | GatewayDeviceSpec): Promise<GatewayDevice[]> {
    this.#assertOpen();
    const s: GatewayDeviceSpec = typeof spec === 'string' ? { target: spec } : checkSpec(spec);
    const target = parseDeviceTarget(s.target);
    const targets: DeviceTarget[] = [];
    if (target.address !== undefined) {
      if (s.interface !== undefined && s.interface !== target.interface) throw invalid('interface', `the zone of ${s.target} (${target.interface ?? ''})`, s.interface);
      // the zone must name an interface that is up now (ERR_UNKNOWN_INTERFACE, ERR_INTERFACE_DOWN)
      const [zone] = resolveZones(target.address, this.#options.registry === undefined ? {} : { registry: this.#options.registry });
      // a numeric zone (`%3`) becomes the interface's name, for the label and the landing page
      const name = zone?.interface?.name;
      targets.push(name === undefined ? target : { ...target, interface: name, address: target.address.withZone(name) });
    } else if (s.interface !== undefined) {
      targets.push({ ...target, interface: s.interface });
    } else {
      const results = await resolveMdns(target.name!, {
        family: 6,
        timeout: this.#options.resolveTimeout ?? 1500,
        ...(this.#options.registry === undefined ? {} : { registry: this.#options.registry }),
      });
      const ifaces = [...new Set(results.filter((r) => r.address.isLinkLocalUnicast()).map((r) => r.interface))];
      if (ifaces.length === 0) throw new Fe80Error('ERR_NOT_FOUND', `${quote(target.name!)} answered without a link-local IPv6 address`, { input: s.target });
      for (const iface of ifaces) targets.push({ ...target, interface: iface });
    }
    const added: GatewayDevice[] = [];
    for (const t of targets) added.push(this.#info(await this.#addTarget(t, s, targets.length > 1)));
    return added;
  }

  async #addTarget(target: DeviceTarget, s: GatewayDeviceSpec, several: boolean): Promise<DeviceEntry> {
    const base = deviceLabel(target, s.name);
    let label = base;
    for (let n = 2; this.#byLabel.has(label) || label === 'localhost'; n++) label = `${base}-${n}`;
    const id = s.id !== undefined ? (several ? `${s.id}@${target.interface ?? ''}` : s.id) : label;
    if (this.#byId.has(id)) throw invalid('id', 'an id no other device has', id);
    const tls: DeviceTlsOptions = { ...this.#options.tls, ...s.tls };
    if (tls.fingerprint !== undefined) tls.fingerprint = normalizeFingerprint(tls.fingerprint);
    const agentOptions = {
      keepAlive: true,
      scheduling: 'lifo' as const,
      connectTimeout: this.#options.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT,
      ...(this.#options.registry === undefined ? {} : { registry: this.#options.registry }),
      // a name is asked for (mDNS) and dialled on its own interface only
      ...(target.name !== undefined && target.interface !== undefined ? { allowedInterfaces: [target.interface] } : {}),
    };
    const agent = target.secure
      ? new DeviceHttpsAgent({ ...agentOptions, ...tlsConnectOptions(tls), ...(target.name === undefined ? {} : { servername: target.name }) }, deviceUrl(target), tls)
      : createAgent(agentOptions);
    const entry: DeviceEntry = {
      id,
      label,
      name: s.name ?? target.name?.replace(/\.local$/, ''),
      source: s.source ?? 'opened',
      target,
      tls,
      certificate: undefined,
      trust: undefined,
      agent,
      dialHost: target.address !== undefined ? target.address.toString() : target.name!,
      routes: new Map(),
      listener: undefined,
      removed: false,
    };
    this.#byLabel.set(label, entry);
    this.#byId.set(id, entry);
    if (this.#options.portPerDevice === true) entry.listener = await this.#open(0, entry);
    await this.#probe(entry);
    this.emit('device', this.#info(entry));
    return entry;
  }

  /** Removes a device: its connections are closed and its names answer 421 from now on. */
  async remove(idOrLabel: string): Promise<boolean> {
    const e = this.#byId.get(idOrLabel) ?? this.#byLabel.get(idOrLabel);
    if (e === undefined) return false;
    e.removed = true;
    this.#byId.delete(e.id);
    this.#byLabel.delete(e.label);
    e.agent.destroy();
    if (e.listener !== undefined) await Promise.all(e.listener.servers.map((s) => closeServer(s)));
    this.emit('remove', e.id);
    return true;
  }

  /**
   * Accepts an https device's certificate by its SHA-256 fingerprint (the landing page's accept
   * button, `fe80 open`'s prompt). The fingerprint must be the one the device presented.
   */
  trust(idOrLabel: string, fingerprint: string): GatewayDevice {
    const e = this.#byId.get(idOrLabel) ?? this.#byLabel.get(idOrLabel);
    if (e === undefined) throw invalid('device', 'the id of a device of this gateway', idOrLabel);
    const fp = normalizeFingerprint(fingerprint);
    if (e.certificate !== undefined && e.certificate.fingerprint256 !== fp) {
      throw new Fe80Error('ERR_INVALID_ARGUMENT', `${deviceUrl(e.target)} presents SHA-256 ${e.certificate.fingerprint256}, not ${fp}`, { input: fingerprint });
    }
    e.tls = { ...e.tls, fingerprint: fp, insecure: false };
    e.agent.destroy();
    e.agent = new DeviceHttpsAgent(
      { keepAlive: true, connectTimeout: this.#options.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT, ...tlsConnectOptions(e.tls), ...(this.#options.registry === undefined ? {} : { registry: this.#options.registry }), ...(e.target.name === undefined ? {} : { servername: e.target.name, allowedInterfaces: [e.target.interface!] }) },
      deviceUrl(e.target),
      e.tls,
    );
    e.trust = trustOf(e.certificate, e.tls);
    return this.#info(e);
  }

  /**
   * Lists (and forwards to) the devices a discovery source reports while it runs: `found` and
   * `updated` with a web UI URL add or replace a device, `lost` removes it. Devices opened by
   * hand are never touched by a source.
   */
  addSource(source: DeviceSource): void {
    this.#assertOpen();
    const it = Symbol.asyncIterator in source ? (source as AsyncIterable<DeviceEvent>)[Symbol.asyncIterator]() : (source as Iterable<DeviceEvent>)[Symbol.iterator]();
    this.#sources.add(it);
    this.#discovering++;
    void (async () => {
      try {
        for (;;) {
          const r = await it.next();
          if (r.done === true || this.#closed) break;
          await this.#onEvent(r.value).catch((error: unknown) => this.emit('warning', error));
        }
      } catch (error) {
        this.emit('warning', error);
      } finally {
        this.#discovering--;
        this.#sources.delete(it);
      }
    })();
  }

  async #onEvent(event: DeviceEvent): Promise<void> {
    if (typeof event !== 'object' || event === null || typeof event.id !== 'string') return;
    const existing = this.#byId.get(event.id);
    if (event.type === 'lost') {
      if (existing !== undefined && existing.source !== 'opened') await this.remove(event.id);
      return;
    }
    if (event.url === undefined) return;
    if (existing !== undefined) {
      if (existing.source === 'opened' || deviceUrl(existing.target) === deviceUrl({ ...parseDeviceTarget(event.url), interface: existing.target.interface })) return;
      await this.remove(event.id);
    }
    await this.add({ target: event.url, id: event.id, name: event.name, interface: event.interface, source: 'discovered' });
  }

  #assertOpen(): void {
    if (this.#closed) throw new Fe80Error('ERR_INVALID_ARGUMENT', 'the gateway is closed');
  }

  /** Stops listening, closes every connection (browser and device side) and stops the sources. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#links?.close();
    for (const it of this.#sources) void Promise.resolve(it.return?.()).catch(() => undefined);
    const servers = [...this.#listeners()].flatMap((l) => l.servers);
    const closing = servers.map((s) => closeServer(s));
    for (const socket of this.#sockets) socket.destroy();
    for (const e of this.#byId.values()) e.agent.destroy();
    await Promise.all(closing);
  }
}

function listenOn(server: http.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}

function checkSpec(spec: GatewayDeviceSpec): GatewayDeviceSpec {
  const s = checkObject(spec, 'device');
  if (typeof s.target !== 'string') throw invalid('device.target', 'a URL, endpoint, address or .local name', s.target);
  for (const key of ['interface', 'name', 'id', 'source'] as const) {
    if (s[key] !== undefined && (typeof s[key] !== 'string' || s[key] === '')) throw invalid(`device.${key}`, 'a non-empty string', s[key]);
  }
  if (s.tls !== undefined) checkTls(s.tls, 'device.tls');
  return s as GatewayDeviceSpec;
}

function checkTls(tls: DeviceTlsOptions, name: string): void {
  const t = checkObject(tls, name);
  checkBoolean(t.insecure, `${name}.insecure`);
  if (t.fingerprint !== undefined) normalizeFingerprint(t.fingerprint);
}

/**
 * Starts a gateway on loopback and opens `devices`. Resolves once it listens and every device is
 * added (https devices' certificates read). Close it with `gateway.close()`.
 *
 * @example
 * const gw = await createGateway({ devices: ['http://[fe80::2%25eth0]/'] });
 * gw.devices[0].localUrl;   // 'http://fe80-2-eth0.localhost:41234/'
 */
export async function createGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const o = checkObject(options, 'options') as GatewayOptions;
  if (o.port !== undefined) checkPort(o.port, 'port', true);
  checkOneOf(o.host, 'host', ['localhost', '127.0.0.1', '::1']);
  checkMs(o.connectTimeout, 'connectTimeout', 1);
  checkMs(o.resolveTimeout, 'resolveTimeout', 1);
  checkBoolean(o.portPerDevice, 'portPerDevice');
  if (o.tls !== undefined) checkTls(o.tls, 'tls');
  if (o.devices !== undefined && !Array.isArray(o.devices)) throw invalid('devices', 'an array', o.devices);
  if (o.sources !== undefined && !Array.isArray(o.sources)) throw invalid('sources', 'an array', o.sources);
  const gateway = new Gateway(o);
  await gateway.listen();
  try {
    for (const d of o.devices ?? []) await gateway.add(d);
    for (const s of o.sources ?? []) gateway.addSource(s);
  } catch (error) {
    await gateway.close();
    throw error;
  }
  return gateway;
}
