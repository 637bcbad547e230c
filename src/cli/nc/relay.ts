// stdin -> socket and socket -> stdout, each direction ending on its own, with nc's controls:
// -w (idle timeout), -q (quit some seconds after end of stdin), -d (no stdin), -C (CRLF), and for
// listen -k a stdin shared by the connections that come one after another.
import type { Socket } from 'node:net';
import { Transform, type Readable, type Writable } from 'node:stream';
import { EXIT, type Io } from '../command.js';

export interface RelayOptions {
  /** -w: ms without data either way after which the connection is closed (exit 0) */
  idle?: number | undefined;
  /** -q: ms after end of stdin to wait before quitting (0: at once); default: until the peer is done */
  quitAfterEof?: number | undefined;
  /** -d: do not read stdin (the peer sees end of data at once) */
  noStdin?: boolean | undefined;
  /** -C: send CRLF for each LF of stdin */
  crlf?: boolean | undefined;
  /** stdout is ended when the peer half-closes (default); false for listen -k, which serves more */
  endStdout?: boolean | undefined;
  /** the shared stdin of listen -k (default: io.stdin, used once) */
  input?: SharedInput | undefined;
}

/** Converts LF to CRLF (nc -C), leaving CRLF as it is. */
function toCrlf(): Transform {
  let lastCr = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const out: number[] = [];
      for (const b of chunk) {
        if (b === 0x0a && !lastCr) out.push(0x0d);
        out.push(b);
        lastCr = b === 0x0d;
      }
      done(null, Buffer.from(out));
    },
  });
}

/**
 * stdin for connections one after another (listen -k): read once, handed to the connection of the
 * moment; once it has ended, each new connection is half-closed at once.
 */
export class SharedInput {
  readonly #source: Readable;
  #ended = false;
  #current: Writable | undefined;
  #onEnd: (() => void) | undefined;

  constructor(source: Readable, crlf: boolean) {
    this.#source = crlf ? source.pipe(toCrlf()) : source;
    this.#source.on('end', () => {
      this.#ended = true;
      this.#current?.end();
      this.#onEnd?.();
    });
    this.#source.pause();
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Sends stdin to `to` until it ends (then `to.end()`) or `release()`. */
  attach(to: Writable, onEnd: () => void): void {
    this.#current = to;
    this.#onEnd = onEnd;
    if (this.#ended) {
      to.end();
      onEnd();
      return;
    }
    this.#source.pipe(to, { end: false });
    this.#source.resume();
  }

  release(): void {
    if (this.#current !== undefined) this.#source.unpipe(this.#current);
    this.#current = undefined;
    this.#onEnd = undefined;
    this.#source.pause();
  }
}

/**
 * Runs one connection. Needs a socket with `allowHalfOpen`, or Node ends our side at the peer's
 * FIN and the rest of stdin is lost. Resolves with the exit code when the socket closes: after
 * both directions are done (Node destroys a socket whose both sides ended), an idle timeout, -q,
 * or an error or reset (exit 1).
 */
export function relay(socket: Socket, io: Io, options: RelayOptions = {}): Promise<number> {
  return new Promise((resolve) => {
    let failed = false;
    let quit: NodeJS.Timeout | undefined;
    const input = options.input ?? new SharedInput(io.stdin, options.crlf === true);
    socket.on('error', (error) => {
      failed = true;
      io.stderr.write(`fe80: connection error: ${error.message}\n`);
    });
    socket.pipe(io.stdout, { end: options.endStdout !== false }); // the peer's FIN ends stdout
    const onStdinEnd = (): void => {
      if (options.quitAfterEof !== undefined) quit = setTimeout(() => socket.destroy(), options.quitAfterEof);
    };
    if (options.noStdin) {
      socket.end();
      onStdinEnd();
    } else {
      input.attach(socket, onStdinEnd);
    }
    if (options.idle !== undefined) {
      socket.setTimeout(options.idle, () => socket.destroy());
    }
    const onAbort = (): void => {
      socket.destroy();
    };
    io.signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('close', () => {
      clearTimeout(quit);
      io.signal?.removeEventListener('abort', onAbort);
      socket.unpipe(io.stdout);
      input.release();
      resolve(failed ? EXIT.FAIL : EXIT.OK);
    });
  });
}
