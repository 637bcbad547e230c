// A server bound to an interface (`listen({ interface: 'eth1', port })`) follows it: when the
// interface's usable link-local address changes, or the link is re-created (a new ifindex), the
// server listens on the new address, same port, with the same net.Server (its listeners,
// connections and `server.fe80` carry on), and emits 'relisten'. While the interface is gone,
// down or without a usable address the old socket is kept: the kernel still delivers to it when
// the same address comes back on the same link. Connections already accepted are never touched.
import net from 'node:net';
import { Fe80Error } from '../errors.js';
import type { InterfaceInfo, InterfaceRegistry } from '../iface/index.js';
import { socketError } from './invalidate.js';

/** What `server.fe80` says, for the 'relisten' event. */
export interface RelistenInfo {
  /** `[fe80::…%eth1]:port`, the new address */
  endpoint: string;
  interface: string;
  /** the address listened on before */
  previous: string;
}

/** Node's listening handle on a net.Server (not public API; stable since Node 0.x, used by cluster). */
interface WithHandle {
  _handle: { close(): void } | null;
}

export interface FollowOptions {
  /** as the caller named the interface: a name follows the name, an index the index */
  zone: string | number;
  bound: InterfaceInfo;
  backlog: number | undefined;
  ipv6Only: boolean | undefined;
}

/** Makes `server` (listening on `bound`'s link-local address) follow its interface until it is closed. */
export function followInterface(server: net.Server, reg: InterfaceRegistry, o: FollowOptions): void {
  const address = server.address();
  if (address === null || typeof address === 'string') return;
  const port = address.port;
  let current = { index: o.bound.index, address: o.bound.linkLocal?.address, text: where(o.bound, port) };
  let busy = false;
  let again = false;
  let stopped = false;
  const watcher = reg.watch({ interfaces: [o.zone], persistent: false });

  const stop = (): void => {
    stopped = true;
    watcher.close();
  };
  // the caller's close() (or its AbortSignal) ends following at once; 'close' covers the rest
  const close = server.close;
  server.close = function (this: net.Server, cb?: (err?: Error) => void): net.Server {
    stop();
    return close.call(this, cb);
  } as typeof server.close;
  server.once('close', stop);

  const evaluate = (): void => {
    if (stopped) return;
    if (busy) {
      again = true;
      return;
    }
    const info = reg.get(o.zone);
    const ll = info?.up === true ? info.linkLocal : undefined;
    if (info === undefined || ll === undefined) return; // gone, down or no usable address: keep the old socket
    if (info.index === current.index && ll.address === current.address) return;
    busy = true;
    const host = `${ll.address}%${reg.toPlatformZone(info.name)}`;
    const tmp = net.createServer();
    const done = (): void => {
      busy = false;
      if (again) {
        again = false;
        evaluate();
      }
    };
    tmp.once('error', (error) => {
      const e = socketError('listen again on', host, port, error, reg);
      if (!stopped) server.emit('relistenError', e instanceof Fe80Error ? e : new Fe80Error('ERR_SOCKET', String(e)));
      done();
    });
    const listenOptions: net.ListenOptions = { host, port, exclusive: true };
    if (o.ipv6Only !== undefined) listenOptions.ipv6Only = o.ipv6Only;
    tmp.listen(listenOptions, () => {
      // hand the new listening socket over to the caller's server, then close the old one
      const handle = (tmp as unknown as WithHandle)._handle;
      (tmp as unknown as WithHandle)._handle = null;
      const own = server as unknown as WithHandle;
      if (stopped || handle === null || own._handle === null) {
        handle?.close();
        done();
        return;
      }
      const previous = current.text;
      own._handle.close();
      own._handle = null;
      server.listen(handle, o.backlog);
      current = { index: info.index, address: ll.address, text: where(info, port) };
      server.once('listening', () => {
        if (!stopped) server.emit('relisten', { endpoint: current.text, interface: info.name, previous } satisfies RelistenInfo);
      });
      done();
    });
  };
  watcher.on('event', () => queueMicrotask(evaluate));
  // changes between the first listen and the watcher's start
  void watcher.ready.then(evaluate);
}

function where(info: InterfaceInfo, port: number): string {
  return `[${info.linkLocal?.address ?? '::'}%${info.name}]:${port}`;
}
