// Can this process build a lab? Linux, root, iproute2, and `ip netns` actually working.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/** The answer of {@link labSupport}. */
export type LabSupport = { ok: true } | { ok: false; reason: string };

let cached: LabSupport | undefined;

function stderrOf(error: unknown): string {
  const e = error as { stderr?: Buffer | string; message?: string };
  const text = e.stderr?.toString().trim();
  return text || e.message || String(error);
}

function probe(): LabSupport {
  if (process.platform !== 'linux') return { ok: false, reason: `the fe80 lab needs Linux network namespaces (platform is ${process.platform})` };
  const uid = process.getuid?.();
  if (uid !== 0) return { ok: false, reason: `the fe80 lab needs root for ip netns and veth links (uid is ${uid})` };
  try {
    execFileSync('ip', ['-V'], { stdio: 'pipe' });
  } catch (error) {
    return { ok: false, reason: `iproute2 "ip" is not usable: ${stderrOf(error)}` };
  }
  // A real probe: create and delete a namespace (about 10 ms, once per process).
  // The '-' keeps it out of the lab's name pattern, so no other process's sweep takes it for a leftover.
  const name = `fe80-probe-${process.pid}-${randomBytes(3).toString('hex')}`;
  try {
    execFileSync('ip', ['netns', 'add', name], { stdio: 'pipe' });
  } catch (error) {
    return { ok: false, reason: `"ip netns add" does not work here: ${stderrOf(error)}` };
  }
  try {
    execFileSync('ip', ['-n', name, 'link', 'add', 'name', 'probe0', 'type', 'veth', 'peer', 'name', 'probe1'], { stdio: 'pipe' });
  } catch (error) {
    return { ok: false, reason: `veth links cannot be created in a namespace: ${stderrOf(error)}` };
  } finally {
    try {
      execFileSync('ip', ['netns', 'del', name], { stdio: 'pipe' });
    } catch {
      // nothing runs in it; nothing to do
    }
  }
  return { ok: true };
}

/**
 * Reports whether lab tests can run in this process: Linux, root (uid 0), iproute2's `ip` on
 * PATH, and `ip netns add` + a veth pair actually work (probed once, then cached).
 *
 * @returns `{ ok: true }`, or `{ ok: false, reason }` with a sentence saying what is missing.
 */
export function labSupport(): LabSupport {
  cached ??= probe();
  return cached;
}
