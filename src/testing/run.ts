// Running commands for the lab: `ip` (async and sync), with errors that name the command and
// carry its stderr.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { Fe80Error } from '../errors.js';

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** The exit code; 128 + signal number when the process was killed by a signal. */
  code: number;
}

export interface RunOptions {
  input?: string | undefined;
  /** ms; on expiry the process gets SIGKILL and the promise rejects with ERR_LAB */
  timeout?: number | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  /** called with the child as soon as it is spawned (the lab tracks it to kill it on close) */
  track?: ((child: ChildProcess) => void) | undefined;
}

/** Shell-like rendering of a command for error messages. */
export function showCommand(cmd: string, args: readonly string[]): string {
  return [cmd, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

export function labError(message: string, command?: string, cause?: unknown): Fe80Error {
  return new Fe80Error('ERR_LAB', message, { input: command, cause });
}

/** Runs a command to completion; resolves with its output and exit code (never rejects on a non-zero code). */
export function run(cmd: string, args: readonly string[], options: RunOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const shown = showCommand(cmd, args);
    let child: ChildProcess;
    try {
      child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env });
    } catch (error) {
      reject(labError(`cannot run ${shown}: ${(error as Error).message}`, shown, error));
      return;
    }
    options.track?.(child);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    if (options.timeout !== undefined && options.timeout > 0) {
      timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, options.timeout);
    }
    child.stdout!.on('data', (c: Buffer) => out.push(c));
    child.stderr!.on('data', (c: Buffer) => err.push(c));
    child.stdin!.on('error', () => {}); // EPIPE when the command exits without reading its input
    child.once('error', (error) => {
      if (timer) clearTimeout(timer);
      reject(labError(`cannot run ${shown}: ${error.message}`, shown, error));
    });
    child.once('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      const stdout = Buffer.concat(out).toString();
      const stderr = Buffer.concat(err).toString();
      if (timedOut) {
        reject(labError(`${shown} timed out after ${options.timeout} ms${stderr ? `; stderr: ${stderr.trim()}` : ''}`, shown));
        return;
      }
      resolve({ stdout, stderr, code: code ?? 128 + (signal ? constants.signals[signal] : 0) });
    });
    child.stdin!.end(options.input ?? '');
  });
}

/** Runs a command and throws ERR_LAB (with the command and its stderr) unless it exits 0; returns stdout. */
export async function runOk(cmd: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  const result = await run(cmd, args, options);
  if (result.code !== 0) {
    const shown = showCommand(cmd, args);
    const input = options.input ? `\ninput:\n${options.input.trimEnd()}` : '';
    throw labError(`${shown} failed (exit ${result.code}): ${result.stderr.trim() || result.stdout.trim() || 'no output'}${input}`, shown);
  }
  return result.stdout;
}

/** `ip [-n NS] ...args`; throws ERR_LAB on failure. */
export function ip(ns: string | undefined, args: readonly string[]): Promise<string> {
  return runOk('ip', ns === undefined ? args : ['-n', ns, ...args]);
}

/** Runs several `ip` commands in one process (`ip [-n NS] -batch -`); throws ERR_LAB on the first failure. */
export async function ipBatch(ns: string | undefined, lines: readonly string[]): Promise<void> {
  if (lines.length === 0) return;
  if (lines.length === 1) {
    await ip(ns, lines[0]!.split(' '));
    return;
  }
  await runOk('ip', ns === undefined ? ['-batch', '-'] : ['-n', ns, '-batch', '-'], { input: lines.join('\n') + '\n' });
}

/** Synchronous `ip ...args` for exit-time cleanup; returns stdout, or undefined on failure. */
export function ipSync(args: readonly string[], input?: string): string | undefined {
  try {
    return execFileSync('ip', args, { stdio: ['pipe', 'pipe', 'pipe'], input: input ?? '', encoding: 'utf8', timeout: 10_000 });
  } catch {
    return undefined;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
