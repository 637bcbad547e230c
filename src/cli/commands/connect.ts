// `fe80 connect ENDPOINT`: like nc, over a scoped endpoint. stdin goes to the peer, the peer to
// stdout, the chosen interface to stderr; each direction ends on its own (half-close both ways).
import { readFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { EXIT, parse, readInput, UsageError, zoneArgument, type Command, type Io } from '../command.js';
import { connect, connectTLS, type ConnectOptions, type TLSConnectOptions } from '../../net/index.js';

const help = `usage: fe80 connect ENDPOINT [options]

Connects to ENDPOINT ('[fe80::1%eth0]:8080', '[fe80::1%3]:8080', '[fe80::1]:8080' with --zone)
and works like nc: stdin is sent to the peer, what the peer sends goes to stdout, and
"connected to [fe80::1%eth0]:8080 via eth0" goes to stderr. End of stdin half-closes the
connection (the peer sees end of data); when the peer half-closes, stdout ends and stdin keeps
being sent. The command ends when both directions are done, or the connection fails.

options:
  --zone auto|IFACE[,IFACE...]
                        the zone for an endpoint written without one; 'auto' races every
                        candidate interface, a list races those in order; the first that
                        connects is kept
  --attempt-delay MS    ms between racing attempts (default 250; 0 = all at once)
  --timeout MS          give up connecting after MS ms
  --tls                 speak TLS; the certificate must carry the peer's IP address
  --servername NAME     with --tls: send NAME as SNI and check the certificate against it
  --ca FILE             with --tls: trust the CA (or self-signed certificate) in FILE
  --insecure            with --tls: do not check the certificate
  -h, --help            this help

exit status: 0 connection closed normally, 1 could not connect or connection error, 2 usage, 141 stdout closed
`;

function ms(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,10}$/.test(value) || Number(value) > 0x7fff_ffff) throw new UsageError(`${name} must be a number of milliseconds, got ${JSON.stringify(value)}`);
  return Number(value);
}

/**
 * Pipes stdin -> socket and socket -> stdout, each direction ending on its own: end of stdin
 * half-closes the socket, the peer's FIN ends stdout. Needs a socket with `allowHalfOpen`, or
 * Node ends our side at the peer's FIN and the rest of stdin is lost. Resolves with the exit code
 * when the socket closes: after both directions are done (Node destroys a socket whose both
 * sides ended), or on an error or reset.
 */
export function relay(socket: Socket, io: Io): Promise<number> {
  return new Promise((resolve) => {
    let failed = false;
    socket.on('error', (error) => {
      failed = true;
      io.stderr.write(`fe80: connection error: ${error.message}\n`);
    });
    socket.pipe(io.stdout); // ends stdout at the peer's FIN
    io.stdin.pipe(socket); // ends (half-closes) the socket when stdin ends
    socket.once('close', () => {
      io.stdin.unpipe(socket);
      io.stdin.pause();
      resolve(failed ? EXIT.FAIL : EXIT.OK);
    });
  });
}

const command: Command = {
  help,
  async run(args: string[], io: Io): Promise<number> {
    const { values, positionals } = parse(args, {
      zone: { type: 'string' },
      'attempt-delay': { type: 'string' },
      timeout: { type: 'string' },
      tls: { type: 'boolean' },
      servername: { type: 'string' },
      ca: { type: 'string' },
      insecure: { type: 'boolean' },
    });
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'missing ENDPOINT' : `expected one ENDPOINT, got ${positionals.length}`);
    const target = positionals[0] as string;
    if (!values.tls && (values.servername !== undefined || values.ca !== undefined || values.insecure)) {
      throw new UsageError('--servername, --ca and --insecure need --tls');
    }
    const options: ConnectOptions = { allowHalfOpen: true }; // the peer may stop sending before stdin ends
    if (values.zone !== undefined) options.zone = zoneArgument(values.zone);
    const delay = ms(values['attempt-delay'], '--attempt-delay');
    if (delay !== undefined) options.attemptDelay = delay;
    const timeout = ms(values.timeout, '--timeout');
    if (timeout !== undefined) options.timeout = timeout;

    let socket: Socket & { fe80: { endpoint: { toString(): string }; interface: string | undefined } };
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
    const via = socket.fe80.interface === undefined ? '' : ` via ${socket.fe80.interface}`;
    io.stderr.write(`connected to ${socket.fe80.endpoint.toString()}${via}\n`);
    return relay(socket, io);
  },
};

export default command;
