// Where `fe80 connect` and `fe80 listen` go, as nc users write it: `ENDPOINT`
// ('[fe80::1%eth0]:8080', '192.0.2.1:80', 'printer.local:8080'), or `HOST PORT` with HOST an
// address with or without brackets and zone, or a name; with -z, several ports and ranges.
import { Endpoint, ScopedAddress } from '../../addr/index.js';
import { UsageError } from '../command.js';
import { unbracket } from '../../validate.js';
import type { TargetForm } from '../messages.js';

export interface Destination {
  /** an address (zone as written) or a host name */
  host: string;
  address: ScopedAddress | undefined;
  ports: number[];
  /** how the user wrote it, for advice in the same form */
  form: TargetForm;
}

/** `8080`, or with `ranges` also `20-30`: the ports, in order. */
export function portList(text: string, ranges: boolean): number[] {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  const first = Number(m?.[1]);
  const last = m?.[2] === undefined ? first : Number(m[2]);
  if (m === null || first < 1 || last > 65535 || last < first) {
    throw new UsageError(`PORT must be a number 1-65535${ranges ? ' or a range like 20-30' : ''}, got ${JSON.stringify(text.slice(0, 40))}`);
  }
  if (m[2] !== undefined && !ranges) throw new UsageError(`a port range (${text}) needs -z`);
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

const NAME = /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}))*\.?$/;

function hostOf(text: string): { host: string; address: ScopedAddress | undefined } {
  const bare = unbracket(text);
  const address = ScopedAddress.tryParse(bare);
  if (address !== undefined) return { host: bare, address };
  if (NAME.test(bare)) return { host: bare, address: undefined };
  // not a name: the parser's error says what is wrong with it as an address
  ScopedAddress.parse(bare);
  return { host: bare, address: undefined };
}

/** `ENDPOINT` or `HOST PORT [PORT...]`. */
export function destination(positionals: readonly string[], ranges: boolean): Destination {
  if (positionals.length === 0) throw new UsageError('missing destination: HOST PORT or ENDPOINT');
  if (positionals.length === 1) {
    const text = positionals[0] as string;
    const endpoint = Endpoint.tryParse(text);
    if (endpoint !== undefined) return { host: endpoint.address.toString(), address: endpoint.address, ports: [endpoint.port], form: { kind: 'endpoint', text } };
    // name:port (printer.local:8080), which is not an endpoint literal
    const m = /^([^:[\]]+):(\d{1,5})$/.exec(text);
    if (m !== null && NAME.test(m[1] as string)) return { host: m[1] as string, address: undefined, ports: portList(m[2] as string, false), form: { kind: 'endpoint', text } };
    const lone = ScopedAddress.tryParse(unbracket(text));
    if (lone !== undefined || NAME.test(text)) throw new UsageError(`${JSON.stringify(text.slice(0, 60))} has no port: give HOST PORT or '[ADDRESS%ZONE]:PORT'`);
    Endpoint.parse(text); // its error says what is wrong
  }
  const [hostText, ...portTexts] = positionals as [string, ...string[]];
  if (portTexts.length > 1 && !ranges) throw new UsageError(`expected HOST PORT, got ${positionals.length} arguments (several ports need -z)`);
  const { host, address } = hostOf(hostText);
  const ports = portTexts.flatMap((p) => portList(p, ranges));
  return { host, address, ports, form: { kind: 'hostport', host: hostText, port: portTexts[0] as string } };
}
