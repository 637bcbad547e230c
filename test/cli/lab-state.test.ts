// `fe80 lab`'s records of running labs: a second `lab up` sees the first, `lab down` finds every
// one, and a record is trusted only while its pid has the start time it was written with (a pid
// reused after a killed lab is never taken for the lab).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { recordLab, runningLabs } from '../../src/cli/lab-state.js';
import { hasEnded, processStart } from '../../src/testing/process.js';

const linux = process.platform === 'linux';
const root = mkdtempSync(join(tmpdir(), 'fe80-labstate-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = (): string => join(root, `d${n++}`);

function sleeper(command = 'sleep'): Promise<ChildProcess> {
  const child = spawn(command, ['30'], { stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    child.once('spawn', () => resolve(child));
    child.once('error', reject);
  });
}

describe('lab records', { skip: linux ? false : 'reads /proc (Linux)' }, () => {
  test('no directory: no lab', () => {
    assert.deepEqual(runningLabs(freshDir()), []);
  });

  test('a recorded lab is found with its client namespace, and its record goes when removed', () => {
    const dir = freshDir();
    const remove = recordLab(undefined, dir);
    assert.deepEqual(
      runningLabs(dir).map((r) => [r.pid, r.client]),
      [[process.pid, undefined]],
    );
    recordLab('f8upabc', dir); // the same record, now with its namespace
    assert.deepEqual(
      runningLabs(dir).map((r) => [r.pid, r.client]),
      [[process.pid, 'f8upabc']],
    );
    assert.equal(process.listenerCount('exit') >= 1, true);
    const listeners = process.listenerCount('exit');
    remove();
    assert.equal(process.listenerCount('exit'), listeners - 1, 'recording twice left one exit listener, and removing took it');
    assert.deepEqual(runningLabs(dir), []);
    assert.deepEqual(readdirSync(dir), []);
  });

  test('a live pid with another start time (reused after a killed lab) is not a lab; its record is dropped', async () => {
    const dir = freshDir();
    mkdirSync(dir, { mode: 0o700 });
    const child = await sleeper();
    try {
      const started = processStart(child.pid!);
      assert.match(started ?? '', /^\d+$/);
      assert.equal(hasEnded(child.pid!), false);
      writeFileSync(join(dir, `${child.pid}.json`), JSON.stringify({ pid: child.pid, started: String(Number(started) - 1), client: 'f8upold' }));
      assert.deepEqual(runningLabs(dir), []);
      assert.deepEqual(readdirSync(dir), []);
      assert.equal(child.exitCode, null, 'the process was left alone');
      // with its real start time, the same pid is a lab
      writeFileSync(join(dir, `${child.pid}.json`), JSON.stringify({ pid: child.pid, started, client: 'f8upnew' }));
      assert.deepEqual(
        runningLabs(dir).map((r) => r.client),
        ['f8upnew'],
      );
    } finally {
      child.kill();
    }
  });

  test('records of dead processes, unreadable records and misnamed ones are dropped; other files stay', async () => {
    const dir = freshDir();
    mkdirSync(dir, { mode: 0o700 });
    const child = await sleeper();
    const pid = child.pid!;
    const started = processStart(pid);
    child.kill();
    await new Promise((r) => child.once('exit', r));
    writeFileSync(join(dir, `${pid}.json`), JSON.stringify({ pid, started }));
    writeFileSync(join(dir, '12.json'), '{not json');
    writeFileSync(join(dir, '13.json'), JSON.stringify({ pid: process.pid, started: processStart(process.pid) }));
    writeFileSync(join(dir, 'notes.txt'), 'kept');
    assert.deepEqual(runningLabs(dir), []);
    assert.deepEqual(readdirSync(dir), ['notes.txt']);
  });

  test('a zombie (ended, not yet collected by its parent) is not a lab', async () => {
    const child = spawn('sleep', ['0'], { stdio: 'ignore' });
    const pid = child.pid!;
    const started = processStart(pid);
    // the 'exit' event waits for the reap; poll /proc until the kernel marks the child a zombie
    // (Node collects it only on SIGCHLD in the event loop, which this synchronous loop holds up)
    let state = '';
    for (let i = 0; i < 2_000_000 && state !== 'Z'; i++) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      } catch {
        break;
      }
    }
    assert.equal(state, 'Z');
    assert.equal(processStart(pid), undefined);
    assert.equal(hasEnded(pid), true, 'a lab sweep takes the namespaces of a killed, unreaped lab for leftovers');
    const dir = freshDir();
    mkdirSync(dir, { mode: 0o700 });
    writeFileSync(join(dir, `${pid}.json`), JSON.stringify({ pid, started }));
    assert.deepEqual(runningLabs(dir), []);
    await new Promise((r) => child.once('exit', r));
  });

  test('the start time is read past a command name with spaces and parentheses', async () => {
    const bin = join(root, 'x) (y z');
    copyFileSync('/bin/sleep', bin);
    const child = await sleeper(bin);
    try {
      const started = Number(processStart(child.pid!));
      // the child started after this process; a parse that miscounts fields reads another field
      assert.ok(Number.isSafeInteger(started) && started >= Number(processStart(process.pid)), String(started));
    } finally {
      child.kill();
    }
  });

  test('a directory that is a symlink, or belongs to another user, is refused with ERR_LAB', { skip: process.getuid?.() === 0 ? false : 'chown needs root' }, () => {
    const real = freshDir();
    mkdirSync(real, { mode: 0o700 });
    const link = freshDir();
    symlinkSync(real, link);
    assert.throws(() => runningLabs(link), { code: 'ERR_LAB', message: /is not a directory: remove it/ });
    assert.throws(() => recordLab(undefined, link), { code: 'ERR_LAB' });
    const foreign = freshDir();
    mkdirSync(foreign, { mode: 0o700 });
    chownSync(foreign, 65534, 65534);
    assert.throws(() => runningLabs(foreign), { code: 'ERR_LAB', message: /belongs to uid 65534, not to this user \(uid 0\)/ });
  });
});
