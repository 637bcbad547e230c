// fe80 gateway: open link-local devices' web pages in any browser, each on its own
// `http://LABEL.localhost:PORT` origin.
export { createGateway, Gateway } from './gateway.js';
export type { GatewayOptions, GatewayDevice, GatewayDeviceSpec, DeviceEvent, DeviceSource } from './types.js';
export { normalizeFingerprint, type DeviceTlsOptions, type CertificateInfo, type Trust } from './certificate.js';
export { parseDeviceTarget, type DeviceTarget } from './target.js';
export { discoveredDevices, findDevice } from './discovered.js';
