// `discover` as a source of devices for the gateway's landing page: every device with a web UI
// (a DNS-SD `_http._tcp`/`_https._tcp` service or an SSDP presentation URL, zoned to the link it
// was seen on) becomes an entry, and goes when discover reports it lost.
import { discover, discoverAll, type Device, type DiscoverOptions } from '../discover/index.js';
import { Fe80Error, quote } from '../errors.js';
import type { DeviceEvent, DeviceSource } from './types.js';

/** The name a person knows the device by: its host name without `.local`, else a service's instance. */
function nameOf(d: Device): string | undefined {
  const host = d.names[0]?.name;
  if (host !== undefined) return host.replace(/\.local\.?$/i, '');
  return d.services[0]?.instance;
}

function toEvent(type: 'found' | 'updated' | 'lost', d: Device): DeviceEvent | undefined {
  const url = d.webUi[0]?.url;
  if (url === undefined && type !== 'lost') return undefined;
  return { type, id: d.id, name: nameOf(d), url, interface: d.interface };
}

/** A gateway device source that watches the links with `discover` until it is returned (the gateway closes) or `signal` aborts. */
export function discoveredDevices(options: Omit<DiscoverOptions, 'watch'> = {}): DeviceSource {
  return {
    [Symbol.asyncIterator](): AsyncIterator<DeviceEvent> {
      const discovery = discover({ ...options, watch: true });
      const events = discovery[Symbol.asyncIterator]();
      const done = (): IteratorReturnResult<undefined> => ({ done: true, value: undefined });
      return {
        async next(): Promise<IteratorResult<DeviceEvent>> {
          for (;;) {
            const r = await events.next();
            if (r.done === true) return done();
            if (r.value.type === 'source') continue;
            const e = toEvent(r.value.type, r.value.device);
            if (e !== undefined) return { done: false, value: e };
          }
        },
        // the gateway closing: stop discovering now, not at the next event
        async return(): Promise<IteratorResult<DeviceEvent>> {
          await discovery.stop();
          return done();
        },
      };
    },
  };
}

/**
 * The web UI URL of the device `fe80 discover` lists under `name` (its host name with or without
 * `.local`, a DNS-SD instance name, or its id; ASCII case ignored), found within `timeout` ms.
 * Throws ERR_NOT_FOUND listing the names it saw, or ERR_INVALID_ARGUMENT when several match.
 */
export async function findDevice(name: string, options: Omit<DiscoverOptions, 'watch'> = {}): Promise<{ url: string; device: Device }> {
  const want = name.toLowerCase().replace(/\.local\.?$/, '');
  const { devices } = await discoverAll({ timeout: 3000, ...options });
  const matches = devices.filter((d) =>
    d.id.toLowerCase() === name.toLowerCase() ||
    d.names.some((n) => n.name.toLowerCase().replace(/\.local\.?$/, '') === want) ||
    d.services.some((s) => s.instance.toLowerCase() === name.toLowerCase()),
  );
  const withUi = matches.filter((d) => d.webUi.length > 0);
  if (withUi.length === 1) return { url: (withUi[0] as Device).webUi[0]!.url, device: withUi[0] as Device };
  if (withUi.length > 1) {
    throw new Fe80Error('ERR_INVALID_ARGUMENT', `${quote(name)} names ${withUi.length} devices (${withUi.map((d) => d.webUi[0]!.url).join(', ')}); give the URL of the one to open`, {
      input: name,
    });
  }
  const seen = [...new Set(devices.flatMap((d) => [nameOf(d)].filter((n): n is string => n !== undefined)))];
  const why = matches.length > 0 ? 'it was found, but no service or SSDP description gives a web page' : `discover found ${seen.length === 0 ? 'no named device' : seen.map((n) => quote(n)).join(', ')}`;
  throw new Fe80Error('ERR_NOT_FOUND', `no device ${quote(name)} with a web page on this machine's links: ${why}`, { input: name });
}
