// SSDP (UPnP Device Architecture 2.0 §1.3): an M-SEARCH for ssdp:all to ff02::c%IFACE and to
// 239.255.255.250 on each chosen interface, from a socket bound to that interface's own address,
// so every answer is tied to the link it came from: IPv6 answers by their zone, IPv4 answers only
// when the sender is on-link for that interface and no other (the arrival interface of an IPv4
// datagram cannot be read from Node). A `LOCATION` with a zone-less fe80:: literal gets the
// arrival interface as its zone (RFC 6874). When the location is on the device that answered,
// its description document is read (64 KB at most) for the friendly name and presentation URL.
// While watching, NOTIFY alive and byebye on ff02::c are heard too.
import { Endpoint, ScopedAddress, parseUrl } from '../../addr/index.js';
import type { InterfaceInfo } from '../../iface/index.js';
import { bindUdp, type UdpSocket } from '../../net/index.js';
import { createDispatcher, fetch, type Fe80Dispatcher } from '../../http/index.js';
import { ipv4Of } from '../../dns/interfaces.js';
import { isOnLinkOnly } from '../../dns/onlink.js';
import type { Observation, SsdpObservation } from '../devices.js';
import { sleep, type Source, type SourceContext } from '../source.js';

export const SSDP_PORT = 1900;
export const SSDP_IPV6_GROUP = 'ff02::c';
export const SSDP_IPV4_GROUP = '239.255.255.250';
const MAX_PACKET = 8192;
const MAX_HEADERS = 64;
const DEFAULT_MAX_AGE = 1800;
/** while watching, search again this often */
const WATCH_SEARCH = 30_000;
const DESCRIPTION_LIMIT = 64 * 1024;
const DESCRIPTIONS_PER_LINK = 32;

export function searchMessage(host: string, mx = 1): Buffer {
  return Buffer.from(`M-SEARCH * HTTP/1.1\r\nHOST: ${host}:${SSDP_PORT}\r\nMAN: "ssdp:discover"\r\nMX: ${mx}\r\nST: ssdp:all\r\nUSER-AGENT: Node.js UPnP/2.0 fe80/1\r\n\r\n`, 'latin1');
}

export interface SsdpResponse {
  location: string;
  usn?: string;
  server?: string;
  target?: string;
  /** seconds (CACHE-CONTROL max-age, 1-86400; default 1800) */
  maxAge: number;
  /** ssdp:byebye NOTIFY */
  byebye: boolean;
}

/**
 * Parses an M-SEARCH response or NOTIFY (HTTP over UDP, UDA 2.0 §1.2-1.3). Undefined for anything
 * else: not a 200 response or NOTIFY, too large, no LOCATION (alive), control characters in a
 * value, more than 64 headers.
 */
export function parseSsdp(data: Uint8Array): SsdpResponse | undefined {
  if (data.length === 0 || data.length > MAX_PACKET) return undefined;
  const text = Buffer.from(data.buffer, data.byteOffset, data.length).toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const lines = (end >= 0 ? text.slice(0, end) : text).split(/\r?\n/);
  const start = lines[0] ?? '';
  const notify = /^NOTIFY \* HTTP\/1\.1$/i.test(start);
  if (!notify && !/^HTTP\/1\.[01] 200\b/.test(start)) return undefined;
  if (lines.length - 1 > MAX_HEADERS) return undefined;
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const value = line.slice(colon + 1).trim();
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(value)) return undefined;
    headers.set(line.slice(0, colon).trim().toLowerCase(), value.slice(0, 512));
  }
  const nts = headers.get('nts')?.toLowerCase();
  const byebye = notify && nts === 'ssdp:byebye';
  const location = headers.get('location') ?? '';
  if (!byebye && location === '') return undefined;
  const m = /max-age\s*=\s*(\d{1,9})/i.exec(headers.get('cache-control') ?? '');
  const maxAge = m === null ? DEFAULT_MAX_AGE : Math.min(Math.max(Number(m[1]), 1), 86400);
  const out: SsdpResponse = { location, maxAge, byebye };
  const usn = headers.get('usn');
  if (usn !== undefined && usn !== '') out.usn = usn;
  const server = headers.get('server');
  if (server !== undefined && server !== '') out.server = server;
  const target = headers.get(notify ? 'nt' : 'st');
  if (target !== undefined && target !== '') out.target = target;
  return out;
}

/**
 * The LOCATION as a URL usable on this host: a link-local literal (zone-less, or with a zone that
 * means nothing here) gets `link` as zone. Undefined when it is not an http(s) URL.
 */
export function zonedLocation(location: string, link: string): { url: string; address: ScopedAddress | undefined } | undefined {
  let parsed: ReturnType<typeof parseUrl>;
  try {
    parsed = parseUrl(location);
  } catch {
    return undefined;
  }
  const u = parsed.url;
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
  let address = parsed.address;
  if (address === undefined || !address.requiresZone()) return { url: u.href, address };
  address = address.withZone(link);
  const host = `[${address.address}%25${encodeURIComponent(link)}]${u.port === '' ? '' : `:${u.port}`}`;
  return { url: `${u.protocol}//${host}${u.pathname}${u.search}`, address };
}

interface Description {
  friendlyName?: string;
  manufacturer?: string;
  modelName?: string;
  presentationURL?: string;
}

const xmlText = (s: string): string =>
  s
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&')
    .trim()
    .slice(0, 255);

/** The root device's fields of a UPnP description document (UDA 2.0 §2.3). */
export function parseDescription(xml: string): Description {
  const out: Description = {};
  for (const key of ['friendlyName', 'manufacturer', 'modelName', 'presentationURL'] as const) {
    const m = new RegExp(`<${key}>([^<]{0,1024}(?:<!\\[CDATA\\[[\\s\\S]{0,1024}?\\]\\]>)?)</${key}>`).exec(xml);
    if (m?.[1] !== undefined && xmlText(m[1]) !== '') out[key] = xmlText(m[1]);
  }
  return out;
}

/** `presentationURL` resolved against the zoned location (same host keeps the zone). */
export function presentationUrl(presentation: string, location: string, link: string): string | undefined {
  const base = zonedLocation(location, link);
  if (base === undefined) return undefined;
  const plain = parseUrl(base.url).url;
  let resolved: URL;
  try {
    resolved = new URL(presentation, plain);
  } catch {
    return undefined;
  }
  if (resolved.protocol !== 'http:' && resolved.protocol !== 'https:') return undefined;
  return zonedLocation(resolved.href, link)?.url;
}

async function readDescription(url: string, link: string, dispatcher: Fe80Dispatcher, signal: AbortSignal): Promise<Description | undefined> {
  try {
    const response = await fetch(url, { dispatcher, timeout: 2000, signal, redirect: 'error', allowedInterfaces: [link] });
    if (!response.ok || response.body === null) {
      await response.body?.cancel();
      return undefined;
    }
    let text = '';
    const decoder = new TextDecoder();
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true });
      if (text.length > DESCRIPTION_LIMIT) break;
    }
    return parseDescription(text.slice(0, DESCRIPTION_LIMIT));
  } catch {
    return undefined;
  }
}

export const ssdpSource: Source = {
  name: 'ssdp',
  scope: 'link',
  check() {
    return undefined;
  },
  async run(ctx: SourceContext, iface?: InterfaceInfo) {
    const link = iface as InterfaceInfo;
    const sockets: { socket: UdpSocket; to: string }[] = [];
    // made on the first description to read: loading undici stalls the loop for ~0.1-0.3 s, which
    // a link without UPnP devices should not pay
    let dispatcher: Fe80Dispatcher | undefined;
    const described = new Map<string, Description | undefined>();
    const own = new Set(link.addresses.map((a) => a.address.address));
    try {
      if (link.linkLocal !== undefined) {
        const socket = await bindUdp({ interface: link.name, port: 0 }, { registry: ctx.registry, interfaces: [link.name], signal: ctx.signal });
        sockets.push({ socket, to: `[${SSDP_IPV6_GROUP}%${link.name}]:${SSDP_PORT}` });
      }
      const v4 = ipv4Of(link);
      if (v4 !== undefined) {
        const socket = await bindUdp(`${v4.address}:0`, { registry: ctx.registry, signal: ctx.signal });
        sockets.push({ socket, to: `${SSDP_IPV4_GROUP}:${SSDP_PORT}` });
      }
      const onMessage = (data: Buffer, from: Endpoint): void => {
        const source = from.address;
        if (source.family === 4 ? !isOnLinkOnly(source, link, ctx.interfaces()) : source.zone !== link.name) return ctx.drop();
        if (own.has(source.address)) return;
        const r = parseSsdp(data);
        if (r === undefined) return ctx.drop();
        if (r.byebye) {
          // the device is leaving (UDA 2.0 §1.2.3): what SSDP said about it goes
          const gone = udnOf(r.usn);
          if (gone === undefined) return ctx.drop();
          return ctx.withdraw(link.name, { id: gone }, 'goodbye');
        }
        const loc = zonedLocation(r.location, link.name);
        if (loc === undefined) return ctx.drop();
        const info: SsdpObservation = { location: loc.url, targets: r.target === undefined ? [] : [r.target] };
        if (r.usn !== undefined) info.usn = r.usn;
        if (r.server !== undefined) info.server = r.server;
        const o: Observation = { source: 'ssdp', interface: link.name, ttl: r.maxAge * 1000, addresses: [{ address: source }], ssdp: info };
        // one UDN, one device (UDA 2.0 §1.1.4): its IPv4 and IPv6 answers are one record
        const udn = udnOf(r.usn);
        if (udn !== undefined) o.ids = [udn];
        const desc = described.get(loc.url);
        if (desc !== undefined) apply(o, desc, loc.url, link.name);
        ctx.observe(o);
        // read the description only from the device that answered, once per location
        if (!described.has(loc.url) && described.size < DESCRIPTIONS_PER_LINK && loc.address?.equals(source.withZone(loc.address.zone))) {
          described.set(loc.url, undefined);
          // after the answers already queued are handled
          void new Promise((resolve) => setTimeout(resolve, 0)).then(() => {
            if (ctx.signal.aborted) return undefined;
            dispatcher ??= createDispatcher();
            return readDescription(loc.url, link.name, dispatcher, ctx.signal);
          }).then((d) => {
            if (d === undefined || ctx.signal.aborted) return;
            described.set(loc.url, d);
            const again: Observation = { ...o, ssdp: { ...info } };
            apply(again, d, loc.url, link.name);
            ctx.observe(again);
          });
        }
      };
      // while watching, also hear the NOTIFYs devices send when they come and go (UDA 2.0 §1.2),
      // on the group's port, joined on this link only (and filtered by it: memberships do not
      // isolate sockets). A port 1900 another program holds alone only costs us the NOTIFYs.
      if (ctx.watch && link.linkLocal !== undefined) {
        try {
          const notify = await bindUdp({ port: SSDP_PORT }, { registry: ctx.registry, reuseAddr: true, interfaces: 'joined', signal: ctx.signal });
          notify.addMembership(SSDP_IPV6_GROUP, link.name);
          sockets.push({ socket: notify, to: '' });
        } catch {
          // no NOTIFYs; searches still run
        }
      }
      for (const { socket } of sockets) {
        socket.on('message', onMessage);
        socket.on('error', () => ctx.drop());
      }
      const search = async (): Promise<void> => {
        for (const { socket, to } of sockets) {
          if (to === '') continue; // the NOTIFY listener
          const host = to.startsWith('[') ? '[FF02::C]' : SSDP_IPV4_GROUP;
          await socket.send(searchMessage(host), to).catch(() => ctx.drop());
        }
      };
      // UDP may lose a datagram: search twice (UDA 2.0 §1.3.2), then again while watching
      await search();
      await sleep(Math.min(300, ctx.remaining()), ctx.signal);
      if (!ctx.signal.aborted) await search();
      while (!ctx.signal.aborted) {
        if (!ctx.watch) {
          await sleep(ctx.remaining(), ctx.signal);
          break;
        }
        await sleep(WATCH_SEARCH, ctx.signal);
        if (!ctx.signal.aborted) await search();
      }
    } finally {
      for (const { socket } of sockets) await socket.close();
      await dispatcher?.destroy().catch(() => {});
    }
  },
};

/** The device's UDN (`uuid:...`, lower case) at the start of a USN (UDA 2.0 §1.1.4), if any. */
function udnOf(usn: string | undefined): string | undefined {
  return /^uuid:[^:]{1,128}/i.exec(usn ?? '')?.[0].toLowerCase();
}

function apply(o: Observation, d: Description, location: string, link: string): void {
  const info = o.ssdp as SsdpObservation;
  // not a name of the device for merging: identical products share friendly names
  if (d.friendlyName !== undefined) info.friendlyName = d.friendlyName;
  if (d.manufacturer !== undefined) info.manufacturer = d.manufacturer;
  if (d.modelName !== undefined) info.modelName = d.modelName;
  if (d.presentationURL !== undefined) {
    const url = presentationUrl(d.presentationURL, location, link);
    if (url !== undefined) o.webUi = [url];
  }
}
