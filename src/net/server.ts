// TCP servers on scoped addresses: listen on `[fe80::1%eth0]:port` or on an interface's
// link-local address (`{ interface: 'eth0', port }`); accepted sockets carry their peer as a
// zoned Endpoint (`socket.fe80.peer` = `[fe80::2%eth0]:51234`).
import net from 'node:net';
import type { Endpoint } from '../addr/index.js';
import { Fe80Error } from '../errors.js';
import type { InterfaceRegistry } from '../iface/index.js';
import { resolveBind, type BindTarget } from './bind-target.js';
import { abortedError } from '../cancel.js';
import { socketError, where } from './invalidate.js';
import { listenCancellable } from './listening.js';
import { endpointFromNode } from './peer.js';
import { followInterface } from './follow.js';
import { checkBoolean, checkInteger, checkObject, checkSignal, invalid } from '../validate.js';
import { registryOf } from '../zone/index.js';

export interface ServerOptions extends net.ServerOpts {
  registry?: InterfaceRegistry | undefined;
}

export interface ListenOptions extends ServerOptions {
  backlog?: number | undefined;
  ipv6Only?: boolean | undefined;
  exclusive?: boolean | undefined;
  /** closes the server when aborted (as `server.listen({ signal })`) */
  signal?: AbortSignal | undefined;
  /** listen with this server (from `createServer`) instead of a new one */
  server?: Fe80Server | undefined;
  /**
   * `{ interface }` targets: follow the interface (default true). When its link-local address
   * changes or the link is re-created, listen on the new address, same port, and emit
   * `'relisten'` (`{ endpoint, interface, previous }`); `'relistenError'` (ERR_SOCKET) when that
   * fails. See docs/iface.md.
   */
  followInterface?: boolean | undefined;
}

export interface PeerInfo {
  /** the peer, zone = the interface it came in on (`undefined` only if it was gone before accept finished) */
  peer: Endpoint | undefined;
  /** our end of the connection */
  local: Endpoint | undefined;
  /** the interface of a link-local connection */
  interface: string | undefined;
}

export type Fe80ServerSocket = net.Socket & { readonly fe80: PeerInfo };

export interface ListenInfo {
  /** where the server listens, zone = interface name (port resolved when 0 was asked) */
  endpoint: Endpoint;
  interface: string | undefined;
}

export type Fe80Server = net.Server & {
  /** `undefined` until listening */
  readonly fe80: ListenInfo | undefined;
};

export type ConnectionHandler = (socket: Fe80ServerSocket) => void;

const REGISTRY = Symbol('fe80.registry');

function peerInfo(socket: net.Socket, reg: InterfaceRegistry): PeerInfo {
  const peer = endpointFromNode(socket.remoteAddress, socket.remotePort, reg);
  const local = endpointFromNode(socket.localAddress, socket.localPort, reg);
  return { peer, local, interface: peer?.zone ?? local?.zone };
}

/**
 * A `net.Server` whose accepted sockets have `socket.fe80` (peer and local endpoints with zones).
 * Listen with `listen(target, { server })` (scoped targets) or the usual `server.listen`.
 */
export function createServer(options?: ServerOptions | ConnectionHandler, handler?: ConnectionHandler): Fe80Server {
  // net.createServer(handler), Node's two-argument form, too
  if (typeof options === 'function' && handler === undefined) [options, handler] = [undefined, options];
  const o = checkObject(options as ServerOptions | undefined, 'options');
  if (handler !== undefined && typeof handler !== 'function') throw invalid('handler', 'a function', handler);
  const reg = registryOf(o);
  const netOptions: net.ServerOpts = { ...o };
  delete (netOptions as ServerOptions).registry;
  const server = net.createServer(netOptions);
  server.on('connection', (socket: net.Socket) => {
    (socket as { fe80?: PeerInfo }).fe80 = Object.freeze(peerInfo(socket, reg));
  });
  if (handler !== undefined) server.on('connection', handler as (socket: net.Socket) => void);
  Object.defineProperty(server, REGISTRY, { value: reg });
  Object.defineProperty(server, 'fe80', {
    enumerable: true,
    get(): ListenInfo | undefined {
      const a = server.address();
      if (a === null || typeof a === 'string') return undefined;
      const endpoint = endpointFromNode(a.address, a.port, reg);
      return endpoint === undefined ? undefined : { endpoint, interface: endpoint.zone };
    },
  });
  return server as Fe80Server;
}

/** Options of `listen` that are not server options. */
const LISTEN_ONLY = new Set(['backlog', 'ipv6Only', 'exclusive', 'signal', 'server', 'followInterface']);

function serverOptionsOf(o: Partial<ListenOptions>, reg: InterfaceRegistry): ServerOptions {
  const serverOptions: ServerOptions & Record<string, unknown> = { ...o, registry: reg };
  for (const key of LISTEN_ONLY) delete serverOptions[key];
  return serverOptions;
}

/** A server passed to `listen`: one of ours, not listening yet (Node would throw ERR_SERVER_ALREADY_LISTEN). */
function checkReusable(server: Fe80Server, handler: unknown): void {
  if (!(server instanceof net.Server) || !(REGISTRY in server)) throw invalid('server', 'a server from createServer', server);
  if (handler !== undefined && typeof handler !== 'function') throw invalid('handler', 'a function', handler);
  if (server.listening) {
    const at = server.fe80?.endpoint.toString() ?? JSON.stringify(server.address());
    throw new Fe80Error('ERR_INVALID_ARGUMENT', `the server is already listening (on ${at}); close it first, or listen with a new server`, {
      input: at,
    });
  }
}

/**
 * Starts a TCP server on a scoped endpoint or an interface's link-local address and resolves once
 * it listens. System errors (EADDRINUSE, EACCES, EADDRNOTAVAIL) reject as ERR_SOCKET, the error on `cause`.
 *
 * @example
 * const server = await listen({ interface: 'eth1', port: 8080 }, {}, (socket) => {
 *   console.log('from', socket.fe80.peer?.toString()); // [fe80::2%eth1]:51234
 *   socket.end('hello\n');
 * });
 */
export async function listen(target: BindTarget, options?: ListenOptions | ConnectionHandler, handler?: ConnectionHandler): Promise<Fe80Server> {
  if (typeof options === 'function' && handler === undefined) [options, handler] = [undefined, options]; // listen(target, handler)
  const o = checkObject(options as ListenOptions | undefined, 'options');
  const reg = registryOf(o);
  const backlog = checkInteger(o.backlog, 'backlog', 0, 0x7fff_ffff);
  const ipv6Only = checkBoolean(o.ipv6Only, 'ipv6Only');
  const exclusive = checkBoolean(o.exclusive, 'exclusive');
  const signal = checkSignal(o.signal);
  const follow = checkBoolean(o.followInterface, 'followInterface') ?? true;
  const { host, port, interface: bound } = resolveBind(target, reg, true);
  const label = (): string => `listen on ${where(host, port)}`;
  if (signal?.aborted) throw abortedError(label, signal);
  const own = o.server;
  if (own !== undefined) checkReusable(own, handler);
  const server = own ?? createServer(serverOptionsOf(o, reg), handler);
  const listenOptions: net.ListenOptions = { port };
  if (host !== undefined) listenOptions.host = host;
  if (backlog !== undefined) listenOptions.backlog = backlog;
  if (ipv6Only !== undefined) listenOptions.ipv6Only = ipv6Only;
  if (exclusive !== undefined) listenOptions.exclusive = exclusive;
  // not Node's `signal` option: see listening.ts
  await listenCancellable(server, () => server.listen(listenOptions), {
    signal,
    label,
    close: () => server.close(),
    failed: (error) => socketError('listen on', host, port, error, reg),
  });
  // a server of the caller's gets the handler only once it listens: a failed listen, retried,
  // must not leave it attached twice
  if (own !== undefined && handler !== undefined) server.on('connection', handler as (socket: net.Socket) => void);
  const zone = typeof target === 'object' && target !== null && 'interface' in target ? target.interface : undefined;
  if (follow && zone !== undefined && bound !== undefined && server.listening) followInterface(server, reg, { zone, bound, backlog, ipv6Only });
  return server;
}
