// The shapes `discover` reports: one Device per device per link, each fact with the sources that
// gave it and when each last saw it; events as devices come, change and go; one report per source.
import type { NeighbourState } from '../zone/neighbours.js';

/** Where a fact came from. */
export type SourceName = 'dnssd' | 'ping' | 'neighbours' | 'ssdp' | 'lldp';

/** Every source, in the order they start. */
export const SOURCE_NAMES: readonly SourceName[] = ['dnssd', 'ping', 'neighbours', 'ssdp', 'lldp'];

/** For each source that gave a fact: when it last confirmed it (ms since the epoch, `Date.now()`). */
export type Sources = Partial<Record<SourceName, number>>;

export interface DeviceAddress {
  /** `fe80::2%eth1` (link-local IPv6 carries the zone), `169.254.7.2`, `2001:db8::2` */
  address: string;
  family: 4 | 6;
  /** the neighbour table's NUD state for it, when the table knows it (a change alone is no `updated` event) */
  state?: NeighbourState;
  sources: Sources;
}

export interface DeviceName {
  /** `printer.local` (mDNS), an LLDP chassis name, an SSDP friendly name */
  name: string;
  sources: Sources;
}

/** A DNS-SD service instance (RFC 6763 §4.1) as seen on one link. */
export interface DeviceService {
  /** `Living Room._http._tcp.local`'s instance part: `Living Room` */
  instance: string;
  /** `_http._tcp` */
  type: string;
  /** selective-instance subtypes it was also found under (RFC 6763 §7.1), e.g. `_matterc._udp`'s `_L3840` */
  subtypes: string[];
  /** the SRV target host, e.g. `printer.local` */
  host?: string;
  port: number;
  /** TXT key/value pairs (RFC 6763 §6); a key without `=` has the value `true` */
  txt: Record<string, string | true>;
  /** the link it was seen on (the zone of its addresses) */
  interface: string;
  /** a URL for it when the type has one (`_http._tcp`: `http://[fe80::2%25eth1]:80/path`) */
  url?: string;
  sources: Sources;
}

/** An SSDP (UPnP) answer: `LOCATION` with the arrival interface as its zone. */
export interface DeviceSsdp {
  /** `http://[fe80::2%25eth1]:49152/desc.xml` */
  location: string;
  usn?: string;
  server?: string;
  /** search targets / notification types it answered with (`upnp:rootdevice`, `urn:...`) */
  targets: string[];
  /** from the description document at `location`, when it could be read */
  friendlyName?: string;
  manufacturer?: string;
  modelName?: string;
  sources: Sources;
}

/** What an LLDP neighbour (IEEE 802.1AB) says about itself, through lldpd. */
export interface DeviceLldp {
  chassisId?: { type: string; value: string };
  chassisName?: string;
  description?: string;
  port?: { type?: string; id?: string; description?: string };
  /** zoned management addresses */
  managementAddresses: string[];
  capabilities: string[];
  sources: Sources;
}

export interface WebUi {
  url: string;
  source: SourceName;
}

/** One device on one link. */
export interface Device {
  /** stable for the life of the discovery: `IFACE/MAC` or `IFACE/ADDRESS` */
  id: string;
  /** the link: every zoned address and URL of this record carries it */
  interface: string;
  mac?: string;
  /** the IEEE OUI registrant of `mac` (none for locally administered MACs) */
  vendor?: string;
  addresses: DeviceAddress[];
  names: DeviceName[];
  services: DeviceService[];
  ssdp: DeviceSsdp[];
  lldp?: DeviceLldp;
  /** where a service or SSDP description says there is a web interface */
  webUi: WebUi[];
  /** the neighbour table or LLDP says it routes */
  router: boolean;
  firstSeen: number;
  lastSeen: number;
}

export type LostReason = 'expired' | 'goodbye' | 'failed' | 'link-down' | 'merged';

export type DeviceEvent =
  | { type: 'found'; device: Device }
  | { type: 'updated'; device: Device }
  | {
      type: 'lost';
      device: Device;
      /** expired: no source confirmed it within its facts' lifetimes; goodbye: DNS-SD TTL 0 (RFC
       * 6762 §10.1) or SSDP ssdp:byebye (UDA 2.0 §1.2.3); failed: the neighbour table marked it FAILED; link-down: our interface went
       * down or away; merged: it turned out to be the same device as `mergedInto` */
      reason: LostReason;
      mergedInto?: string;
    };

export type SourceState = 'pending' | 'running' | 'done' | 'skipped' | 'failed';

export interface SourceReport {
  source: SourceName;
  state: SourceState;
  /** why it was skipped or failed (no `ping` binary, no iproute2, not Linux, no lldpd ...) */
  reason?: string;
  /** interfaces it ran on */
  interfaces: string[];
  /** answers it dropped: malformed, from another link, over a limit */
  dropped: number;
}

export type DiscoverEvent = DeviceEvent | { type: 'source'; source: SourceReport };

export interface DiscoverResult {
  devices: Device[];
  sources: SourceReport[];
}
