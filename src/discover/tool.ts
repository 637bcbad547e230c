// The system programs discover drives (ping, ip, lldpcli): found on PATH before they are run, so a
// missing one is a reason in the report instead of a failed spawn; run with a deadline, an output
// cap, and killed when the discovery ends.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The full path of `name` on PATH (plus the sbin directories iproute2 lives in), or undefined. */
export function findTool(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = (env.PATH ?? '').split(delimiter).filter((d) => d !== '');
  for (const extra of ['/usr/sbin', '/sbin', '/usr/bin', '/bin']) if (!dirs.includes(extra)) dirs.push(extra);
  for (const dir of dirs) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // next
    }
  }
  return undefined;
}

export interface ToolRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

const MAX_OUTPUT = 4 << 20;

/**
 * Runs `file args`, collecting output (at most 4 MB each); `onLine` sees stdout line by line as it
 * arrives. Killed (SIGTERM) when `signal` aborts or after `timeout` ms; resolves either way.
 */
export function runTool(
  file: string,
  args: readonly string[],
  options: { signal?: AbortSignal; timeout?: number; onLine?: (line: string) => void } = {},
): Promise<ToolRun> {
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    } catch (error) {
      resolve({ code: null, stdout: '', stderr: (error as Error).message });
      return;
    }
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      if (stdout.length < MAX_OUTPUT) stdout += chunk;
      if (options.onLine === undefined) return;
      partial += chunk;
      let nl: number;
      while ((nl = partial.indexOf('\n')) >= 0) {
        const line = partial.slice(0, nl);
        partial = partial.slice(nl + 1);
        options.onLine(line);
      }
      if (partial.length > 4096) partial = ''; // no line is that long: not ours to parse
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < 64 * 1024) stderr += chunk;
    });
    const kill = (): void => {
      child.kill('SIGTERM');
    };
    const timer = options.timeout === undefined ? undefined : setTimeout(kill, options.timeout);
    options.signal?.addEventListener('abort', kill, { once: true });
    let settled = false;
    const finish = (code: number | null, extra = ''): void => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      options.signal?.removeEventListener('abort', kill);
      if (partial !== '' && options.onLine !== undefined) options.onLine(partial);
      resolve({ code, stdout, stderr: stderr + extra });
    };
    child.once('error', (error) => finish(null, error.message));
    child.once('close', (code) => finish(code));
  });
}

export type { ChildProcess };
