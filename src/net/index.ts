// Sockets over scoped addresses: zone policy, TCP/TLS connect with zone racing, servers, UDP and
// per-interface multicast.
export { resolveZones, type ZoneOption, type ZonePolicyOptions, type ZoneCandidate } from '../zone/index.js';
export { connect, type ConnectOptions, type ConnectInfo, type Fe80Socket } from './connect.js';
export { connectTLS, type TLSConnectOptions, type Fe80TLSSocket } from './tls.js';
export type { ConnectTarget, HostPort } from './target.js';
export type { BindTarget } from './bind-target.js';
export { DEFAULT_ATTEMPT_DELAY, MIN_ATTEMPT_DELAY } from './race.js';
export {
  createServer,
  listen,
  type ServerOptions,
  type ListenOptions,
  type PeerInfo,
  type ListenInfo,
  type Fe80Server,
  type Fe80ServerSocket,
  type ConnectionHandler,
} from './server.js';
export { bindUdp, UdpSocket, type UdpSocketOptions, type UdpSendOptions, type Membership } from './udp.js';
