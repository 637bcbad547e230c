// Runs the CLI as a user does (a child process, see ../helpers/cli.ts), shared by test/cli.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cliCommand } from '../helpers/cli.js';

export const root = fileURLToPath(new URL('../..', import.meta.url));

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts `fe80 ...args` with all three stdio streams piped. */
export function spawnFe80(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(...cliCommand(...args), { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Runs `fe80 ...args` with `input` on stdin (closed after it) and collects its output. */
export function fe80(args: string[], input?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawnFe80(args);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}
