// `fe80 connect HOST PORT` / `fe80 connect ENDPOINT`: OpenBSD nc's client, over scoped
// addresses. stdin goes to the peer, what the peer sends to stdout; each direction ends on its own.
import { readFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { Endpoint, type ScopedAddress } from '../../addr/index.js';
import { defineCommand, EXIT, integerArgument, parse, readInput, stoppedStatus, UsageError, zoneArgument, type Io } from '../command.js';
import { Fe80Error } from '../../errors.js';
import { connect, connectTLS, resolveZones, type ConnectOptions, type ConnectTarget, type TLSConnectOptions } from '../../net/index.js';
import { errorText, type MessageContext } from '../messages.js';
import { checkFamily, DEFAULT_CONNECT_TIMEOUT, NC_OPTIONS, NC_UNSUPPORTED, ncTimers } from '../nc/options.js';
import { relay } from '../nc/relay.js';
import { destination, type Destination } from '../nc/target.js';
import { udpConnect } from '../nc/udp.js';

const OPTIONS = {
  ...NC_OPTIONS,
  zero: { type: 'boolean', short: 'z', description: 'only check that PORT(s) accept a TCP connection: send nothing; exit 0 if one did' },
  zone: { type: 'string', value: 'IFACE|auto|LIST', complete: 'interface', description: "the zone for a link-local address written without one: an interface, 'auto' (race every candidate) or a comma-separated list to race" },
  'attempt-delay': { type: 'string', value: 'MS', description: 'ms between racing attempts (default 250; 0 = all at once)' },
  timeout: { type: 'string', value: 'MS', description: `give up connecting (TLS handshake included) after MS ms (default ${DEFAULT_CONNECT_TIMEOUT})` },
  servername: { type: 'string', value: 'NAME', description: 'with --tls: send NAME as SNI and check the certificate against it' },
  ca: { type: 'string', value: 'FILE', complete: 'file', description: 'with --tls: trust the CA (or self-signed certificate) in FILE' },
  insecure: { type: 'boolean', description: 'with --tls: do not check the certificate' },
} as const;

const UNSUPPORTED = { ...NC_UNSUPPORTED, l: 'to listen, use fe80 listen (nc -l)', k: 'to keep listening, use fe80 listen -k', p: 'a source port is not supported' };

const description = `Connects to HOST PORT (fe80::1%eth0 8080, '[fe80::1%eth0]' 8080, printer.local 9100) or ENDPOINT
('[fe80::1%eth0]:8080', '[fe80::1%3]:8080', '[fe80::1]:8080' with --zone) and works like OpenBSD nc:
stdin is sent to the peer and what the peer sends goes to stdout. End of stdin half-closes the
connection (the peer sees end of data, as nc -N); when the peer half-closes, stdout ends and
stdin keeps being sent. It ends when both directions are done, the connection fails, -w finds it
idle or -q runs out after end of stdin. Nothing is printed on stderr unless -v or an error.

A link-local address needs its zone, the interface: written in the address, or --zone. With
--zone auto (or a list) the candidate interfaces are raced, RFC 8305 style, and the first to
connect is kept; -v says which. A connection that is not made within 10 s (-w SECS or --timeout
MS to change it) fails, where the kernel would wait over two minutes for a silent address.

-z checks ports without sending anything: HOST PORT [PORT...], ranges allowed (8000-8010); a
failed port is reported on stderr, a successful one only with -v; exit 0 if any port connected.
-u sends each read of stdin as one UDP datagram (at most 16 KiB) and prints the peer's datagrams;
UDP does not race, so a link-local address needs one zone. --tls speaks TLS; the certificate must
carry the peer's IP address (subjectAltName IP:fe80::1), or the name given with --servername.

Differences from nc: the connection is always half-closed at end of stdin (-N is the default);
no source address or port (-s, -p), Unix sockets, proxies, or -e/-c (refused with the reason).`;

const command = defineCommand({
  name: 'connect',
  summary: 'open a TCP, UDP or TLS connection to a scoped endpoint, like nc',
  synopsis: ['[options] HOST PORT', '[options] ENDPOINT', '-z [-v] HOST PORT[-PORT]...'],
  description,
  options: OPTIONS,
  exit: [
    ['0', 'the connection was made and closed normally (with -z: at least one port accepted)'],
    ['1', 'could not connect, connection error, or usage error (as nc)'],
    ['130, 143', 'stopped by SIGINT (Ctrl-C) or SIGTERM'],
    ['141', 'stdout was closed by its reader'],
  ],
  examples: [
    '$ fe80 connect fe80::1%eth0 8080',
    "$ fe80 connect '[fe80::1]:8080' --zone auto -v",
    '$ fe80 connect -zv fe80::1%eth0 20-25 80 443',
    "$ printf 'GET / HTTP/1.0\\r\\n\\r\\n' | fe80 connect -w 5 printer.local 80",
    "$ fe80 connect -u fe80::1%eth0 9999 <<< 'ping'",
    "$ fe80 connect '[fe80::1%eth1]:443' --tls --ca cert.pem",
  ],
  seeAlso: 'nc(1); fe80 help listen; fe80 help interfaces',
  usageExit: EXIT.FAIL,
  run,
});

export default command;

type Values = ReturnType<typeof parse<typeof OPTIONS>>['values'];

function ms(value: string | undefined, name: string): number | undefined {
  return value === undefined ? undefined : integerArgument(name, value, 0);
}

function targetOf(dest: Destination, port: number, zone: string | undefined): ConnectTarget {
  if (dest.address !== undefined) return zone === undefined ? { host: dest.address, port } : { host: dest.address, port, zone };
  // a host name: connect() resolves it (mDNS for .local)
  return zone === undefined ? { host: dest.host, port } : { host: dest.host, port, zone };
}

function checkDestination(dest: Destination, values: Values): void {
  const family = checkFamily(values);
  if (dest.address === undefined) {
    if (values.numeric) throw new UsageError(`-n: ${JSON.stringify(dest.host.slice(0, 60))} is a name, not an address`);
    return;
  }
  const actual = dest.address.family === 6 && dest.address.isIPv4Mapped() ? 4 : dest.address.family;
  if (family !== undefined && family !== actual) throw new UsageError(`-${family}: ${dest.address.toString()} is an IPv${actual} address`);
}

async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, OPTIONS, { unsupported: UNSUPPORTED });
  const dest = destination(positionals, values.zero === true);
  checkDestination(dest, values);
  const { idle, quitAfterEof } = ncTimers(values);
  if (!values.tls && (values.servername !== undefined || values.ca !== undefined || values.insecure)) throw new UsageError('--servername, --ca and --insecure need --tls');
  if (values.udp && (values.tls || values.zero)) throw new UsageError(values.tls ? '-u and --tls exclude each other' : '-z -u is not supported (an unconnected UDP socket cannot see a port unreachable)');
  const ctx: MessageContext = { command: 'connect', target: dest.form, udp: values.udp === true };
  const options: ConnectOptions = { allowHalfOpen: true }; // the peer may stop sending before stdin ends
  const zone = values.zone === undefined ? undefined : zoneArgument(values.zone);
  if (zone !== undefined) options.zone = zone;
  const delay = ms(values['attempt-delay'], '--attempt-delay');
  if (delay !== undefined) options.attemptDelay = delay;
  options.timeout = ms(values.timeout, '--timeout') ?? idle ?? DEFAULT_CONNECT_TIMEOUT;
  if (io.signal !== undefined) options.signal = io.signal;

  const fail = (error: unknown): number => {
    if (!(error instanceof Fe80Error) || io.signal?.aborted !== true) io.stderr.write(`fe80 connect: ${errorText(error, ctx)}\n`);
    return stoppedStatus(io, EXIT.FAIL);
  };

  if (values.udp) {
    if (Array.isArray(zone) || zone === 'auto') throw new UsageError('UDP does not race: --zone takes one interface with -u');
    const port = dest.ports[0] as number;
    try {
      if (dest.address !== undefined) resolveZones(dest.address, zone === undefined ? {} : { zone }); // the zone is checked before anything is read
      const peer = dest.address;
      return stoppedStatus(io, await udpConnect(targetOf(dest, port, zone), zone, io, { idle, quitAfterEof, noStdin: values['no-stdin'], verbose: values.verbose }, (from) =>
        peer === undefined || (from.port === port && from.address.address === (peer as ScopedAddress).address),
      ));
    } catch (error) {
      return fail(error);
    }
  }

  if (values.zero) return scan(dest, zone, options, values.verbose === true, io, fail);

  let socket: Socket & { fe80: { endpoint: Endpoint; interface: string | undefined; attempts: number } };
  try {
    const target = targetOf(dest, dest.ports[0] as number, undefined);
    if (values.tls) {
      const tlsOptions: TLSConnectOptions = { ...options };
      if (values.servername !== undefined) tlsOptions.servername = values.servername;
      const ca = values.ca;
      if (ca !== undefined) tlsOptions.ca = await readInput(ca, () => readFile(ca));
      if (values.insecure) tlsOptions.rejectUnauthorized = false;
      socket = await connectTLS(target, tlsOptions);
    } else {
      socket = await connect(target, options);
    }
  } catch (error) {
    return fail(error);
  }
  if (values.verbose) {
    const via = socket.fe80.interface === undefined ? '' : ` via ${socket.fe80.interface}`;
    const tries = socket.fe80.attempts > 1 ? ` (${socket.fe80.attempts} attempts)` : '';
    io.stderr.write(`connected to ${socket.fe80.endpoint.toString()}${via}${tries}${values.tls ? ' (TLS)' : ''}\n`);
  }
  return stoppedStatus(io, await relay(socket, io, { idle, quitAfterEof, noStdin: values['no-stdin'], crlf: values.crlf }));
}

/** -z: one connection per port, closed at once; nc's messages, nc's status. */
async function scan(dest: Destination, zone: ConnectOptions['zone'], options: ConnectOptions, verbose: boolean, io: Io, fail: (error: unknown) => number): Promise<number> {
  let any = false;
  for (const port of dest.ports) {
    if (io.signal?.aborted) return stoppedStatus(io, EXIT.INT);
    try {
      const socket = await connect(targetOf(dest, port, undefined), { ...options, zone });
      socket.destroy();
      any = true;
      if (verbose) io.stderr.write(`connection to ${socket.fe80.endpoint.toString()}${socket.fe80.interface === undefined ? '' : ` via ${socket.fe80.interface}`} succeeded\n`);
    } catch (error) {
      // a refusal or timeout is about this port; anything else (zone, interface) about them all
      if (!(error instanceof Fe80Error) || (error.code !== 'ERR_CONNECT' && error.code !== 'ERR_TIMEOUT')) return fail(error);
      io.stderr.write(`fe80 connect: ${errorText(error, { command: 'connect' })}\n`);
    }
  }
  return any ? EXIT.OK : EXIT.FAIL;
}
