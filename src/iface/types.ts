// Shapes shared by the registry and its backends.
import type { ScopedAddress, Scope } from '../addr/index.js';
import type { NameRules } from './zone-name.js';

/** One address as a backend reports it, before it becomes a ScopedAddress. */
export interface RawAddress {
  /** text without zone (`'192.0.2.1'`, `'fe80::1'`) or 4/16 network-order bytes */
  address: string | Uint8Array;
  prefixLength: number;
  /** Linux IFA_F_* flags from /proc/net/if_inet6 (0x40 tentative, 0x08 dadfailed, 0x20 deprecated) */
  flags?: number;
}

/** What a backend reports and the registry passes on unchanged. */
export interface InterfaceCommon {
  name: string;
  /** kernel ifindex (>= 1); 0 = unknown (portable backend: the interface has no IPv6 link-local address) */
  index: number;
  up: boolean;
  running: boolean;
  loopback: boolean;
  multicast: boolean;
  mac: string | undefined;
  mtu: number | undefined;
}

/** One interface as a backend reports it. */
export interface RawInterface extends InterfaceCommon {
  addresses: RawAddress[];
}

/** Where the registry gets its data from. `read()` returns a full snapshot each time. */
export interface RegistryBackend {
  /** for messages and diagnostics: `'linux'`, `'portable'`, a test name */
  readonly name: string;
  /** which zone strings can be names here (default `'linux'`); checked before `read()` is ever called for a lookup */
  readonly nameRules?: NameRules;
  /** what link-local addresses carry as zone: the name (POSIX, default) or the decimal index (Windows, as Node prints them) */
  readonly zoneStyle?: 'name' | 'index';
  read(): RawInterface[];
  /**
   * Whether interface `name` still has ifindex `index` right now, asked before a cached
   * index-to-name (or name-to-index) mapping reaches a socket. Cheap and synchronous (Linux: one
   * sysfs attribute). `false` makes the registry re-read first. Without it the cache is trusted.
   */
  verify?(name: string, index: number): boolean;
}

export interface InterfaceAddress {
  /** IPv6 link-local ones carry zone = interface name (decimal index on Windows) */
  address: ScopedAddress;
  prefixLength: number;
  scope: Scope;
  /** Linux only: IFA_F_* flags (0x40 tentative, 0x08 dadfailed, 0x20 deprecated); absent elsewhere */
  flags?: number;
}

export interface InterfaceInfo extends InterfaceCommon {
  addresses: readonly InterfaceAddress[];
  /** the first usable (not tentative, not DAD-failed) IPv6 link-local unicast address, if any; zoned */
  linkLocal: ScopedAddress | undefined;
}

export interface RegistryOptions {
  /** default: the Linux backend on linux, the portable one elsewhere */
  backend?: RegistryBackend;
  /** ms after which a lookup re-reads the backend first; default 5000; 0 = every lookup reads; Infinity = only on miss/invalidate */
  maxAge?: number;
  /** clock in ms (tests); default `performance.now` */
  now?: () => number;
  /**
   * Keep the table current from the first lookup on, for the life of the registry (as if one
   * `watch()` stayed open): lookups are then Map hits with no re-reads. Default false.
   */
  watch?: boolean;
  /** ms between backend reads when the watcher has to poll (no kernel notifications); default 1000 */
  pollInterval?: number;
}

/**
 * One change of the interface table, as the watcher reports it. `interface` is the state after
 * the change (for `removed`, the last state known); `previous` the state before.
 * - `added` / `removed`: an interface appeared / is gone (a link deleted and re-created, even
 *   with the same index, is `removed` then `added` when the kernel's notification says so);
 * - `renamed`: same index, new name (`ip link set dev X name Y`);
 * - `up` / `down`: the administrative state (IFF_UP, what `ip link set up/down` changes and what
 *   the zone policy refuses on);
 * - `address-added` / `address-removed`: one address (IPv4 or IPv6) on the interface;
 * - `changed`: anything else on the interface: carrier (`running`), MTU, MAC, an address's flags
 *   (a tentative link-local address becoming usable changes `linkLocal`).
 */
export type InterfaceEvent =
  | { readonly type: 'added' | 'removed'; readonly interface: InterfaceInfo }
  | { readonly type: 'renamed' | 'up' | 'down' | 'changed'; readonly interface: InterfaceInfo; readonly previous: InterfaceInfo }
  | { readonly type: 'address-added' | 'address-removed'; readonly interface: InterfaceInfo; readonly address: InterfaceAddress };

export type InterfaceEventType = InterfaceEvent['type'];

export interface WatchOptions {
  /** only events of these interfaces: names (strings) or indexes (numbers); default every interface */
  interfaces?: readonly (string | number)[] | undefined;
  /** closes the watcher when aborted */
  signal?: AbortSignal | undefined;
  /**
   * Keep the program running while the watcher is open (as `fs.watch`); default true. `false`
   * for a watcher that should not hold a program that has nothing else to do (the `ip monitor`
   * child and the poll timer never do).
   */
  persistent?: boolean | undefined;
}
