// `fe80 listen`: accept TCP connections on a scoped endpoint or an interface's link-local
// address, print each peer with its zone on stderr, and pipe the first connection to
// stdin/stdout like `nc -l` (or echo every connection back with --echo).
import { EXIT, parse, UsageError, type Command, type Io } from '../command.js';
import { Fe80Error } from '../../errors.js';
import { listen, type BindTarget, type Fe80Server, type Fe80ServerSocket } from '../../net/index.js';
import { relay } from './connect.js';

const help = `usage: fe80 listen ENDPOINT [options]
       fe80 listen --interface IFACE --port N [options]
       fe80 listen --port N [options]

Listens on ENDPOINT ('[fe80::1%eth0]:8080'), on the link-local address of IFACE, or with
--port alone on every address ('[::]', as nc -l -p N), prints
"listening on [fe80::1%eth0]:8080" and, for each connection, "connection from
[fe80::2%eth0]:51234" on stderr (the peer with its zone).

Without --echo it works like nc -l: it accepts one connection, sends stdin to it and writes
what it receives to stdout. End of stdin half-closes the connection (the peer sees end of
data) and what the peer sends is still received; when the peer half-closes, stdout ends and
stdin keeps being sent. It ends when both directions are done, or the connection fails.
With --echo it serves every connection, sending back what it receives, until interrupted.

options:
  --interface IFACE     listen on this interface's IPv6 link-local address
  --port N              the port (0 or omitted: any free port, printed on stderr)
  --echo                echo every connection instead of piping the first one
  -h, --help            this help

exit status: 0 ok, 1 cannot listen or connection error, 2 usage, 141 stdout closed
`;

function portOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new UsageError(`--port must be 0-65535, got ${JSON.stringify(value)}`);
  return Number(value);
}

function describePeer(socket: Fe80ServerSocket): string {
  return socket.fe80.peer?.toString() ?? `${socket.remoteAddress ?? '?'} (gone)`;
}

const command: Command = {
  help,
  async run(args: string[], io: Io): Promise<number> {
    const { values, positionals } = parse(args, {
      interface: { type: 'string' },
      port: { type: 'string' },
      echo: { type: 'boolean' },
    });
    const port = portOf(values.port);
    let target: BindTarget;
    if (positionals.length > 1) throw new UsageError(`expected at most one ENDPOINT, got ${positionals.length}`);
    if (positionals.length === 1) {
      if (values.interface !== undefined || port !== undefined) throw new UsageError('give either ENDPOINT or --interface/--port, not both');
      target = positionals[0] as string;
    } else if (values.interface !== undefined) {
      target = { interface: values.interface, port: port ?? 0 };
    } else if (port !== undefined) {
      target = { port };
    } else {
      throw new UsageError('missing ENDPOINT or --interface IFACE --port N');
    }

    return new Promise<number>((resolve, reject) => {
      let busy = false;
      const open = new Set<Fe80ServerSocket>();
      let server: Fe80Server | undefined;
      const onConnection = (socket: Fe80ServerSocket): void => {
        const peer = describePeer(socket);
        if (values.echo) {
          io.stderr.write(`connection from ${peer}\n`);
          open.add(socket);
          socket.on('error', (error) => io.stderr.write(`fe80: ${peer}: ${error.message}\n`));
          socket.on('close', () => {
            open.delete(socket);
            io.stderr.write(`closed ${peer}\n`);
          });
          socket.pipe(socket);
          return;
        }
        if (busy) {
          io.stderr.write(`refused ${peer}: already connected\n`);
          socket.destroy();
          return;
        }
        busy = true;
        io.stderr.write(`connection from ${peer}\n`);
        server?.close(); // like nc -l: one connection
        relay(socket, io).then(resolve, reject);
      };
      // allowHalfOpen: the peer may stop sending (its FIN) before our stdin ends; see relay()
      listen(target, { allowHalfOpen: true }, onConnection).then(
        (s) => {
          server = s;
          io.stderr.write(`listening on ${s.fe80?.endpoint.toString() ?? '?'}\n`);
          if (values.echo) {
            const stop = (): void => {
              s.close();
              for (const socket of open) socket.destroy();
              resolve(EXIT.OK);
            };
            process.once('SIGINT', stop);
            process.once('SIGTERM', stop);
          }
        },
        (error: unknown) => {
          if (error instanceof Fe80Error || !(error instanceof Error)) reject(error);
          else {
            io.stderr.write(`fe80 listen: ${error.message}\n`);
            resolve(EXIT.FAIL);
          }
        },
      );
    });
  },
};

export default command;
