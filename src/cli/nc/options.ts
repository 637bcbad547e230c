// The options `fe80 connect` and `fe80 listen` share, named as in OpenBSD nc.
import type { OptionSpecs } from '../args.js';
import { secondsArgument, UsageError } from '../command.js';

/** A connect that hears nothing gives up after this long unless -w or --timeout says otherwise
 *  (the kernel alone would wait over two minutes for a silent address). */
export const DEFAULT_CONNECT_TIMEOUT = 10_000;

export const NC_OPTIONS = {
  verbose: { type: 'boolean', short: 'v', description: 'report connections (and with connect -z each port) on stderr' },
  udp: { type: 'boolean', short: 'u', description: 'UDP: each read of stdin is one datagram' },
  wait: { type: 'string', short: 'w', value: 'SECS', description: 'close a connection after SECS without data either way (connect: also the connect timeout)' },
  quit: { type: 'string', short: 'q', value: 'SECS', description: 'after end of stdin, wait SECS, then quit (default: wait for the peer)' },
  shutdown: { type: 'boolean', short: 'N', description: 'half-close the connection at end of stdin (what fe80 always does; accepted)' },
  'no-stdin': { type: 'boolean', short: 'd', description: 'do not read stdin (the peer sees end of data at once)' },
  crlf: { type: 'boolean', short: 'C', description: 'send CRLF for each LF of stdin' },
  numeric: { type: 'boolean', short: 'n', description: 'no name lookups: the host must be an address' },
  ipv4: { type: 'boolean', short: '4', description: 'IPv4 addresses only' },
  ipv6: { type: 'boolean', short: '6', description: 'IPv6 addresses only' },
  tls: { type: 'boolean', description: 'speak TLS' },
} as const satisfies OptionSpecs;

/** nc options fe80 does not have, with the reason (a usage error rather than a different behaviour). */
export const NC_UNSUPPORTED: Record<string, string> = {
  s: 'a source address is not supported (the zone picks the interface)',
  U: 'Unix sockets are not supported',
  x: 'proxies are not supported',
  X: 'proxies are not supported',
  i: 'a delay between lines is not supported',
  I: 'socket buffer sizes are not supported',
  O: 'socket buffer sizes are not supported',
  T: 'TOS/DSCP is not supported',
  D: 'socket debugging is not supported',
  S: 'TCP MD5 signatures are not supported',
  e: 'executing a program is not supported',
  c: 'executing a program is not supported',
  b: 'broadcast is not supported',
  P: 'proxies are not supported',
  M: 'TTL is not supported',
  m: 'TTL is not supported',
  t: 'telnet negotiation is not supported',
  F: 'passing the descriptor is not supported',
  Z: 'DCCP is not supported',
};

export interface NcTimers {
  idle: number | undefined;
  quitAfterEof: number | undefined;
}

export function ncTimers(values: { wait?: string | undefined; quit?: string | undefined }): NcTimers {
  const idle = values.wait === undefined ? undefined : secondsArgument('-w', values.wait, 0.001);
  let quitAfterEof: number | undefined;
  if (values.quit !== undefined) {
    if (/^-\d+$/.test(values.quit)) quitAfterEof = undefined; // negative: wait forever, nc's default
    else quitAfterEof = secondsArgument('-q', values.quit);
  }
  return { idle, quitAfterEof };
}

export function checkFamily(values: { ipv4?: boolean | undefined; ipv6?: boolean | undefined }): 4 | 6 | undefined {
  if (values.ipv4 && values.ipv6) throw new UsageError('-4 and -6 exclude each other');
  return values.ipv4 ? 4 : values.ipv6 ? 6 : undefined;
}
