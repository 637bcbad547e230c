// The public API of fe80, listed by name on purpose: adding or removing a name here is a decision
// (test/api.test.ts holds the list). Backends, name rules, caches and tuning constants are in
// `fe80/advanced`; everything else stays internal.

// errors
export { Fe80Error, Fe80ConnectError, ERROR_CODES, isFe80Error, messageFor } from './errors.js';
export type { Fe80ErrorCode, Attempt } from './errors.js';

// addresses (pure values)
export { ScopedAddress, Endpoint, parseUrl } from './addr/index.js';
export type { Family, Scope, ParsedUrl } from './addr/index.js';

// interfaces
export { registry, listInterfaces, nameToIndex, indexToName, resolveInterface, toPlatformZone, watchInterfaces, InterfaceRegistry } from './iface/index.js';
export type { InterfaceInfo, InterfaceAddress, InterfaceEvent, InterfaceEventType, InterfaceWatcher, WatchOptions, RegistryOptions } from './iface/index.js';

// the zone policy
export { resolveZones, lookupNeighbour } from './zone/index.js';
export type { ZoneOption, ZonePolicyOptions, ZoneCandidate, ChosenBy, InterfaceSelector, NeighbourHit, NeighbourState } from './zone/index.js';

// sockets
export { connect, connectTLS, listen, createServer, bindUdp } from './net/index.js';
export type {
  ConnectOptions,
  ConnectInfo,
  Fe80Socket,
  TLSConnectOptions,
  Fe80TLSSocket,
  ConnectTarget,
  HostPort,
  BindTarget,
  ServerOptions,
  ListenOptions,
  PeerInfo,
  ListenInfo,
  Fe80Server,
  Fe80ServerSocket,
  ConnectionHandler,
  UdpSocket,
  UdpSocketOptions,
  UdpSendOptions,
  Membership,
} from './net/index.js';

// names
export { lookup, createLookup, resolveMdns, isLocalName, browseServices, collectServices } from './dns/index.js';
export type {
  Fe80Lookup,
  CreateLookupOptions,
  LookupCallOptions,
  LookupAddress,
  LookupCallback,
  ResultOrder,
  MdnsResult,
  ResolveMdnsOptions,
  ServiceBrowser,
  BrowseServicesOptions,
  CollectServicesOptions,
  BrowsedService,
  BrowseEvent,
  BrowseStats,
  LostReason as ServiceLostReason,
  ServiceAddress,
} from './dns/index.js';

// HTTP
export { fetch, createDispatcher, createAgent } from './http/index.js';
export type {
  Fe80FetchInit,
  Fe80Dispatcher,
  Fe80DispatcherOptions,
  Fe80HttpAgent,
  Fe80HttpsAgent,
  Fe80AgentOptions,
  Fe80HttpAgentOptions,
  Fe80HttpsAgentOptions,
  HttpZoneOptions,
  HttpDialOptions,
} from './http/index.js';

// who is on the link
export { discover, discoverAll, macVendor } from './discover/index.js';
export type {
  Discovery,
  DiscoverOptions,
  Device,
  DeviceAddress,
  DeviceName,
  DeviceService,
  DeviceSsdp,
  DeviceLldp,
  DiscoveredDeviceEvent,
  DiscoverEvent,
  DiscoverResult,
  LostReason as DeviceLostReason,
  SourceName,
  SourceReport,
  SourceState,
  Sources,
  WebUi,
} from './discover/index.js';

// the browser gateway
export { createGateway, discoveredDevices, findDevice } from './gateway/index.js';
export type { Gateway, GatewayOptions, GatewayDevice, GatewayDeviceSpec, DeviceEvent, DeviceSource, DeviceTlsOptions, CertificateInfo, Trust, DeviceTarget } from './gateway/index.js';
