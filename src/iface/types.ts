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
}
