// nc -u: each read of stdin is one datagram to the peer (at most 16 KiB, nc's buffer), every
// datagram from the peer goes to stdout. Over fe80's bindUdp, so zones are checked as for TCP.
import type { Endpoint } from '../../addr/index.js';
import { bindUdp, type BindTarget, type ConnectTarget, type UdpSocket } from '../../net/index.js';
import { EXIT, type Io } from '../command.js';

/** nc's read buffer: one read of stdin, one datagram */
const DATAGRAM = 16 * 1024;

export interface UdpOptions {
  idle?: number | undefined;
  quitAfterEof?: number | undefined;
  noStdin?: boolean | undefined;
  verbose?: boolean | undefined;
}

function* datagrams(chunk: Buffer): Generator<Buffer> {
  for (let at = 0; at < chunk.length; at += DATAGRAM) yield chunk.subarray(at, at + DATAGRAM);
}

/** Runs until -q after end of stdin, -w of silence, a signal, or an error; resolves with the exit code. */
function session(
  udp: UdpSocket,
  io: Io,
  options: UdpOptions,
  send: (data: Buffer) => Promise<unknown> | undefined,
  accept: (from: Endpoint) => boolean,
  paused = false,
): Promise<number> {
  return new Promise((resolve) => {
    let idle: NodeJS.Timeout | undefined;
    let quit: NodeJS.Timeout | undefined;
    let code: number = EXIT.OK;
    const finish = (): void => {
      clearTimeout(idle);
      clearTimeout(quit);
      io.signal?.removeEventListener('abort', finish);
      io.stdin.pause();
      void udp.close().then(() => resolve(code));
    };
    const touch = (): void => {
      if (options.idle === undefined) return;
      clearTimeout(idle);
      idle = setTimeout(finish, options.idle);
    };
    io.signal?.addEventListener('abort', finish, { once: true });
    udp.on('error', (error) => {
      io.stderr.write(`fe80: ${error.message}\n`);
      code = EXIT.FAIL;
      finish();
    });
    udp.on('message', (data, from) => {
      if (!accept(from)) return;
      touch();
      io.stdout.write(data);
    });
    const eof = (): void => {
      if (options.quitAfterEof !== undefined) quit = setTimeout(finish, options.quitAfterEof);
    };
    touch();
    if (options.noStdin) {
      eof();
      return;
    }
    io.stdin.on('data', (chunk: Buffer) => {
      touch();
      for (const d of datagrams(Buffer.from(chunk))) {
        send(d)?.catch((error: Error) => {
          io.stderr.write(`fe80: ${error.message}\n`);
          code = EXIT.FAIL;
          finish();
        });
      }
    });
    io.stdin.once('end', eof);
    if (paused) io.stdin.pause(); // 'data' listeners set it flowing
  });
}

/** connect -u: datagrams to `to`; only the peer's datagrams are shown (as a connected UDP socket). */
export async function udpConnect(to: ConnectTarget, zone: string | undefined, io: Io, options: UdpOptions, peer: (from: Endpoint) => boolean): Promise<number> {
  const udp = await bindUdp({ port: 0 });
  if (options.verbose) io.stderr.write(`sending to ${describe(to)} from ${udp.address().toString()} (UDP)\n`);
  return session(udp, io, options, (data) => udp.send(data, to, zone === undefined ? {} : { zone }), peer);
}

function describe(to: ConnectTarget): string {
  if (typeof to === 'string') return to;
  if ('host' in to) return `${String(to.host)} port ${to.port}${to.zone === undefined ? '' : ` (zone ${String(to.zone)})`}`;
  return to.toString();
}

/** listen -u: waits for a first datagram; that sender is the peer stdin goes to, as nc -lu. */
export async function udpListen(target: BindTarget, io: Io, options: UdpOptions): Promise<number> {
  const udp = await bindUdp(target);
  io.stderr.write(options.verbose || (typeof target === 'object' && 'port' in target && !target.port) ? `listening on ${udp.address().toString()} (UDP)\n` : '');
  let peer: Endpoint | undefined;
  return session(
    udp,
    io,
    options,
    (data) => (peer === undefined ? undefined : udp.send(data, peer)),
    (from) => {
      if (peer === undefined) {
        peer = from;
        if (options.verbose) io.stderr.write(`datagram from ${from.toString()}\n`);
        io.stdin.resume();
      }
      return peer.equals(from);
    },
    true,
  );
}
