// Where a response goes: the body to stdout or a file (opened when the first byte is to be
// written, as curl does, so `-f` leaves no empty file), decompressed with --compressed, with the
// response head before it for -i/-I and in a file for -D.
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { decoderFor, type Decoder } from '../../http/content-coding.js';

/** A write to stdout or the output file failed (curl: 23). */
export class WriteProblem extends Error {
  override name = 'WriteProblem';
}

/** A compressed body that does not decompress (curl: 61). */
export class DecodeProblem extends Error {
  override name = 'DecodeProblem';
}

/** `HTTP/1.1 200 OK` and the headers, CRLF-terminated, blank line after, as curl -i prints them. */
export function headText(status: number, statusText: string, headers: readonly [string, string][]): string {
  let head = `HTTP/1.1 ${status}${statusText === '' ? '' : ` ${statusText}`}\r\n`;
  for (const [name, value] of headers) head += `${name}: ${value}\r\n`;
  return `${head}\r\n`;
}

/** The body of one response, into `stdout` or the file `path`. */
export class BodyWriter {
  readonly #stdout: Writable;
  readonly #path: string | undefined;
  #file: WriteStream | undefined;
  #decode: Decoder | undefined;
  #error: Error | undefined;
  #drainWaiters: (() => void)[] = [];
  #pending = 0;

  constructor(stdout: Writable, path: string | undefined) {
    this.#stdout = stdout;
    this.#path = path === '-' ? undefined : path;
  }

  get error(): Error | undefined {
    return this.#error;
  }

  #target(): Writable {
    if (this.#path === undefined) return this.#stdout;
    if (this.#file === undefined) {
      this.#file = createWriteStream(this.#path);
      this.#file.on('error', (error) => this.#fail(new WriteProblem(`cannot write ${this.#path}: ${error.message}`)));
    }
    return this.#file;
  }

  #fail(error: Error): void {
    this.#error ??= error;
    for (const resume of this.#drainWaiters.splice(0)) resume();
  }

  /** `Content-Encoding` of the response, when it is to be decompressed. */
  decompress(encoding: string | undefined): void {
    const d = decoderFor(encoding);
    if (d === undefined) return;
    this.#decode = d;
    d.on('data', (chunk: Buffer) => this.#raw(chunk));
    d.on('error', (error) => this.#fail(new DecodeProblem(`cannot decompress the ${encoding ?? ''} body: ${error.message}`)));
  }

  /** Text before the body (the head for -i). */
  text(text: string): boolean {
    return this.#raw(Buffer.from(text, 'latin1'));
  }

  #raw(chunk: Buffer): boolean {
    if (this.#error !== undefined) return true;
    const target = this.#target();
    const ok = target.write(chunk);
    if (!ok) {
      this.#pending++;
      target.once('drain', () => {
        this.#pending--;
        if (this.#pending === 0) for (const resume of this.#drainWaiters.splice(0)) resume();
      });
    }
    return ok;
  }

  write(chunk: Buffer): boolean {
    if (this.#decode !== undefined) {
      this.#decode.write(chunk);
      return this.#pending === 0;
    }
    return this.#raw(chunk);
  }

  onDrain(resume: () => void): void {
    this.#drainWaiters.push(resume);
  }

  /** Flushes the decompressor and closes the file (stdout stays open). */
  async finish(): Promise<void> {
    const d = this.#decode;
    if (d !== undefined) {
      this.#decode = undefined;
      await new Promise<void>((resolve) => {
        d.once('end', resolve);
        d.once('error', () => resolve());
        d.end();
      });
    }
    const file = this.#file;
    if (file !== undefined) await new Promise<void>((resolve) => file.end(() => resolve()));
    if (this.#error !== undefined) throw this.#error;
  }

  /** Creates the output file even with no body (curl writes an empty file for an empty 200). */
  touch(): void {
    if (this.#error === undefined) this.#target();
  }
}
