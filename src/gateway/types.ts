// Public shapes of the gateway: its options, the device specs it accepts (from the user or a
// discovery source) and the device records it reports.
import type { InterfaceRegistry } from '../iface/index.js';
import type { CertificateInfo, DeviceTlsOptions, Trust } from './certificate.js';

/** A device to forward to, as a program or the CLI names it. */
export interface GatewayDeviceSpec {
  /** `http://[fe80::2%25eth0]:8080/`, `[fe80::2%eth0]:8443`, `fe80::2%eth0`, `printer.local`, `https://printer.local/` */
  target: string;
  /** the interface of a `.local` name (default: every interface it answers on gets a device) */
  interface?: string | undefined;
  /** shown on the landing page and used for the local name (`printer` -> `printer-eth0.localhost`) */
  name?: string | undefined;
  /** a stable key (discovery sources update and remove devices by it); default: the local label */
  id?: string | undefined;
  /** where the device came from, shown on the landing page (default 'opened') */
  source?: string | undefined;
  /** certificate checks for an https device (default: the gateway's `tls`) */
  tls?: DeviceTlsOptions | undefined;
}

/**
 * What a discovery source reports: `found`/`updated` with the device's web UI URL (zoned, e.g.
 * `http://[fe80::2%25eth0]:80/`), `lost` when it is gone. `discover()` records map onto this
 * with one line each (id, name, "web UI at" URL).
 */
export interface DeviceEvent {
  type: 'found' | 'updated' | 'lost';
  id: string;
  name?: string | undefined;
  /** the web UI URL; events without one are ignored (nothing to open) */
  url?: string | undefined;
  interface?: string | undefined;
}

/** Devices from discovery: an (async) iterable of events, consumed until it ends or the gateway closes. */
export type DeviceSource = AsyncIterable<DeviceEvent> | Iterable<DeviceEvent>;

export interface GatewayOptions {
  /** port on loopback (default 0: any free port); with `portPerDevice`, the landing page's */
  port?: number | undefined;
  /** `'localhost'` (default: both 127.0.0.1 and ::1), `'127.0.0.1'` or `'::1'`; nothing else (loopback only) */
  host?: 'localhost' | '127.0.0.1' | '::1' | undefined;
  /** devices to open at start */
  devices?: readonly (string | GatewayDeviceSpec)[] | undefined;
  /** discovery sources whose devices are listed (and forwarded to) while they are present */
  sources?: readonly DeviceSource[] | undefined;
  /** default certificate checks for https devices */
  tls?: DeviceTlsOptions | undefined;
  /**
   * also give each device a port of its own (`http://localhost:PORT2/`), for clients that cannot
   * use `*.localhost` names; cookies ignore ports, so prefer the names in browsers
   */
  portPerDevice?: boolean | undefined;
  /** ms to connect to a device (default 10000) */
  connectTimeout?: number | undefined;
  /** the interface registry zones are checked against (default: the process-wide one) */
  registry?: InterfaceRegistry | undefined;
  /** ms a `.local` name may take to answer when a device is added (default 1500) */
  resolveTimeout?: number | undefined;
}

/** A device the gateway forwards to, as reported by `gateway.devices` (a snapshot). */
export interface GatewayDevice {
  id: string;
  /** the label under localhost: `fe80-2-eth0` */
  label: string;
  name: string | undefined;
  /** the device's URL as the user writes it, zone included: `http://[fe80::2%25eth0]:8080/` */
  url: string;
  /** the local origin the browser uses: `http://fe80-2-eth0.localhost:8080` */
  localOrigin: string;
  /** the page to open first: `http://fe80-2-eth0.localhost:8080/` */
  localUrl: string;
  /** with `portPerDevice`: `http://localhost:PORT2` */
  portOrigin: string | undefined;
  /** the Host header the device receives: `[fe80::2]:8080`, `printer.local` */
  host: string;
  interface: string | undefined;
  secure: boolean;
  source: string;
  /** the device's certificate (https devices, once seen) */
  certificate: CertificateInfo | undefined;
  /** requests are forwarded unless 'untrusted' */
  trust: Trust | undefined;
}
