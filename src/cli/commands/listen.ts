// `fe80 listen`: OpenBSD nc -l over scoped addresses: accept a connection on an endpoint, an
// interface's link-local address or every address, and pipe it to stdin/stdout; -k for one
// connection after another, --echo to serve many at once, -u for UDP, --tls for TLS.
import { readFile } from 'node:fs/promises';
import tls from 'node:tls';
import type { Socket } from 'node:net';
import { defineCommand, EXIT, integerArgument, parse, readInput, stoppedStatus, UsageError, type Io } from '../command.js';
import { Fe80Error } from '../../errors.js';
import { listen, type BindTarget, type Fe80Server, type Fe80ServerSocket } from '../../net/index.js';
import { ScopedAddress } from '../../addr/index.js';
import { errorText, type MessageContext } from '../messages.js';
import { checkFamily, DEFAULT_CONNECT_TIMEOUT, NC_OPTIONS, NC_UNSUPPORTED, ncTimers } from '../nc/options.js';
import { relay, SharedInput } from '../nc/relay.js';
import { udpListen } from '../nc/udp.js';
import { unbracket } from '../../validate.js';

const OPTIONS = {
  ...NC_OPTIONS,
  interface: { type: 'string', value: 'IFACE', complete: 'interface', description: "listen on this interface's IPv6 link-local address" },
  port: { type: 'string', short: 'p', value: 'N', description: 'the port (0 or omitted: any free port, printed on stderr)' },
  keep: { type: 'boolean', short: 'k', description: 'after a connection ends, accept the next (nc -lk); stdin goes to the connection of the moment' },
  echo: { type: 'boolean', description: 'serve every connection at once, sending back what it receives, until interrupted' },
  cert: { type: 'string', value: 'FILE', complete: 'file', description: 'with --tls: the certificate chain (PEM)' },
  key: { type: 'string', value: 'FILE', complete: 'file', description: 'with --tls: the private key (PEM; default: in --cert)' },
  listen: { type: 'boolean', short: 'l', description: 'accepted, as in nc -l (fe80 listen always listens)' },
} as const;

const UNSUPPORTED = { ...NC_UNSUPPORTED, z: '-z checks ports: use fe80 connect -z' };

const description = `Listens like nc -l: on ENDPOINT ('[fe80::1%eth0]:8080'), on the link-local address of an
interface (--interface eth0 --port 8080), or on every address with only a port (fe80 listen 8080,
-p 8080, --port 8080; '[::]'), and accepts one connection: stdin is sent to it and what it sends
goes to stdout. End of stdin half-closes the connection (the peer sees end of data); when the
peer half-closes, stdout ends and stdin keeps being sent. It ends when both directions are done,
the connection fails, -w finds it idle, or -q runs out after end of stdin.

-k accepts the next connection when one ends (connections that arrive meanwhile wait their turn,
as in the kernel's backlog); stdout carries all of them, stdin goes to the connection of the
moment. --echo serves every connection at once and sends back what it receives. -u receives UDP:
the first sender is the peer, its datagrams go to stdout and stdin goes back to it as datagrams.
--tls with --cert (and --key) speaks TLS on every accepted connection (the handshake must finish
within -w SECS, or 10 s).

With -v, "listening on [fe80::1%eth0]:8080" and each "connection from [fe80::2%eth0]:51234" (the
peer with the interface it came in on) go to stderr; without -v only the listening line for a
port the system chose (the port is otherwise unknown). -N is accepted: fe80 always half-closes.`;

const command = defineCommand({
  name: 'listen',
  summary: 'accept TCP, UDP or TLS connections on a scoped endpoint or interface, like nc -l',
  synopsis: ['[options] ENDPOINT', '[options] --interface IFACE [--port N]', '[options] [ADDRESS] PORT', '[options] --port N'],
  description,
  options: OPTIONS,
  exit: [
    ['0', 'the connection (with -k, --echo: the last one) closed normally'],
    ['1', 'cannot listen, connection or TLS error, or usage error (as nc)'],
    ['130, 143', 'stopped by SIGINT (Ctrl-C) or SIGTERM (with -k and --echo, the usual way to end)'],
    ['141', 'stdout was closed by its reader'],
  ],
  examples: [
    '$ fe80 listen -v --interface eth0 --port 8080',
    "$ fe80 listen -k '[fe80::1%eth0]:8080' > log.txt",
    '$ fe80 listen 9000 --echo',
    '$ fe80 listen -u --interface eth0 -p 9999',
    '$ fe80 listen --tls --cert cert.pem --key key.pem --interface eth0 -p 8443',
  ],
  seeAlso: 'nc(1); fe80 help connect',
  usageExit: EXIT.FAIL,
  run,
});

export default command;

function portOf(value: string | undefined): number | undefined {
  return value === undefined ? undefined : integerArgument('--port', value, 0, 65535);
}

/** The bind target from ENDPOINT, [ADDRESS] PORT, --interface and --port. */
function bindTarget(positionals: readonly string[], iface: string | undefined, portText: string | undefined): { target: BindTarget; chosenPort: boolean; form: MessageContext['target'] } {
  let port = portOf(portText);
  if (positionals.length > 2) throw new UsageError(`expected ENDPOINT or [ADDRESS] PORT, got ${positionals.length} arguments`);
  if (positionals.length === 2 || (positionals.length === 1 && /^\d+$/.test(positionals[0] as string))) {
    // nc -l [ADDRESS] PORT
    if (port !== undefined) throw new UsageError('give the port once: as an argument or with --port');
    port = portOf(positionals[positionals.length - 1]);
    const host = positionals.length === 2 ? unbracket(positionals[0] as string) : undefined;
    if (host !== undefined && iface !== undefined) throw new UsageError('give ADDRESS or --interface, not both');
    const form = { kind: 'bind' as const, text: host, port };
    if (host !== undefined) return { target: { host: ScopedAddress.parse(host), port: port ?? 0 }, chosenPort: port === 0, form };
    if (iface !== undefined) return { target: { interface: iface, port: port ?? 0 }, chosenPort: port === 0, form };
    return { target: { port: port ?? 0 }, chosenPort: port === 0, form };
  }
  if (positionals.length === 1) {
    if (iface !== undefined || port !== undefined) throw new UsageError('give either ENDPOINT or --interface/--port, not both');
    const text = positionals[0] as string;
    return { target: text, chosenPort: /\]:0$|:0$/.test(text), form: { kind: 'endpoint', text } };
  }
  if (iface !== undefined) return { target: { interface: iface, port: port ?? 0 }, chosenPort: (port ?? 0) === 0, form: { kind: 'bind', text: undefined, port } };
  if (port !== undefined) return { target: { port }, chosenPort: port === 0, form: { kind: 'bind', text: undefined, port } };
  throw new UsageError('missing ENDPOINT, PORT or --interface IFACE');
}

function describePeer(socket: Fe80ServerSocket): string {
  return socket.fe80.peer?.toString() ?? `${socket.remoteAddress ?? '?'} (gone)`;
}

async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, OPTIONS, { unsupported: UNSUPPORTED });
  const { target, chosenPort, form } = bindTarget(positionals, values.interface, values.port);
  checkFamily(values);
  const { idle, quitAfterEof } = ncTimers(values);
  const ctx: MessageContext = { command: 'listen', target: form };
  const fail = (error: unknown): number => {
    io.stderr.write(`fe80 listen: ${errorText(error, ctx)}\n`);
    return EXIT.FAIL;
  };
  if (!values.tls && (values.cert !== undefined || values.key !== undefined)) throw new UsageError('--cert and --key need --tls');
  if (values.tls && values.cert === undefined) throw new UsageError('--tls needs --cert FILE (and --key FILE unless the key is in it)');
  if (values.udp && (values.tls || values.keep || values.echo)) throw new UsageError('-u cannot be combined with --tls, -k or --echo');
  if (values.echo && values.keep) throw new UsageError('--echo already serves every connection; -k is for one after another');

  if (values.udp) {
    try {
      return stoppedStatus(io, await udpListen(target, io, { idle, quitAfterEof, noStdin: values['no-stdin'], verbose: values.verbose || chosenPort }));
    } catch (error) {
      return fail(error);
    }
  }

  let context: tls.SecureContext | undefined;
  if (values.tls) {
    try {
      const cert = await readInput(values.cert as string, () => readFile(values.cert as string));
      const key = values.key === undefined ? cert : await readInput(values.key, () => readFile(values.key as string));
      context = tls.createSecureContext({ cert, key });
    } catch (error) {
      if (error instanceof Fe80Error) return fail(error);
      return fail(new Fe80Error('ERR_INVALID_ARGUMENT', `cannot use --cert/--key: ${(error as Error).message}`, { cause: error }));
    }
  }
  const handshakeTimeout = idle ?? DEFAULT_CONNECT_TIMEOUT;
  /** The accepted socket, as TLS when asked: resolves after the handshake, rejects on its failure. */
  const secured = (socket: Fe80ServerSocket): Promise<Socket> => {
    if (context === undefined) return Promise.resolve(socket);
    return new Promise((resolve, reject) => {
      const secure = new tls.TLSSocket(socket, { isServer: true, secureContext: context });
      const timer = setTimeout(() => secure.destroy(new Error(`TLS handshake not done within ${handshakeTimeout} ms`)), handshakeTimeout);
      secure.once('secure', () => {
        clearTimeout(timer);
        secure.removeListener('error', onError);
        resolve(secure);
      });
      const onError = (error: Error): void => {
        clearTimeout(timer);
        socket.destroy();
        reject(error);
      };
      secure.once('error', onError);
    });
  };

  return new Promise<number>((resolve) => {
    const queue: Fe80ServerSocket[] = [];
    const open = new Set<Socket>();
    const input = values.keep ? new SharedInput(io.stdin, values.crlf === true) : undefined;
    let busy = false;
    let server: Fe80Server | undefined;
    let done = false;
    const finish = (code: number): void => {
      if (done) return;
      done = true;
      io.signal?.removeEventListener('abort', onAbort);
      server?.close();
      for (const s of [...open, ...queue]) s.destroy();
      resolve(code);
    };
    const onAbort = (): void => finish(stoppedStatus(io, EXIT.INT));
    io.signal?.addEventListener('abort', onAbort, { once: true });

    const serveNext = (): void => {
      const socket = queue.shift();
      if (socket === undefined) {
        busy = false;
        return;
      }
      busy = true;
      const peer = describePeer(socket);
      if (values.verbose) io.stderr.write(`connection from ${peer}${context === undefined ? '' : ' (TLS)'}\n`);
      secured(socket).then(
        (s) => {
          open.add(s);
          return relay(s, io, { idle, quitAfterEof, noStdin: values['no-stdin'], crlf: values.crlf, endStdout: !values.keep, input }).then((code) => {
            open.delete(s);
            if (values.keep) serveNext();
            else finish(code);
          });
        },
        (error: Error) => {
          io.stderr.write(`fe80 listen: ${peer}: ${error.message}\n`);
          if (values.keep) serveNext();
          else finish(EXIT.FAIL);
        },
      );
    };

    const onConnection = (socket: Fe80ServerSocket): void => {
      if (done) {
        socket.destroy();
        return;
      }
      if (values.echo) {
        const peer = describePeer(socket);
        if (values.verbose) io.stderr.write(`connection from ${peer}\n`);
        secured(socket).then(
          (s) => {
            open.add(s);
            s.on('error', (error) => io.stderr.write(`fe80 listen: ${peer}: ${error.message}\n`));
            s.on('close', () => {
              open.delete(s);
              if (values.verbose) io.stderr.write(`closed ${peer}\n`);
            });
            if (idle !== undefined) s.setTimeout(idle, () => s.destroy());
            s.pipe(s);
          },
          (error: Error) => io.stderr.write(`fe80 listen: ${peer}: ${error.message}\n`),
        );
        return;
      }
      if (!values.keep && (busy || queue.length > 0)) {
        // like nc -l: one connection; a second one is turned away
        if (values.verbose) io.stderr.write(`refused ${describePeer(socket)}: already connected\n`);
        socket.destroy();
        return;
      }
      socket.pause();
      queue.push(socket);
      if (!values.keep) server?.close(); // like nc -l: no more connections
      if (!busy) serveNext();
    };
    // allowHalfOpen: the peer may stop sending (its FIN) before our stdin ends; see relay()
    listen(target, { allowHalfOpen: true }, onConnection).then(
      (s) => {
        server = s;
        if (done) {
          s.close();
          return;
        }
        if (values.verbose || chosenPort) io.stderr.write(`listening on ${s.fe80?.endpoint.toString() ?? '?'}${context === undefined ? '' : ' (TLS)'}\n`);
      },
      (error: unknown) => finish(fail(error)),
    );
  });
}
