// Who is on this link: one record per device per link from DNS-SD, the all-nodes echo, the
// neighbour table, SSDP and LLDP.
export { discover, discoverAll, Discovery, DEFAULT_DISCOVER_TIMEOUT, type DiscoverOptions } from './discover.js';
export { SOURCE_NAMES } from './types.js';
export type {
  Device,
  DeviceAddress,
  DeviceName,
  DeviceService,
  DeviceSsdp,
  DeviceLldp,
  DeviceEvent as DiscoveredDeviceEvent,
  DiscoverEvent,
  DiscoverResult,
  LostReason,
  SourceName,
  SourceReport,
  SourceState,
  Sources,
  WebUi,
} from './types.js';
export type { DnsSdBrowse, DnsSdService, DnsSdEvent } from './sources/dnssd.js';
export { macVendor } from './oui.js';
