// labTest: a node:test test that gets a fresh Lab and always closes it.
import { test as nodeTest, type TestContext } from 'node:test';
import { Lab, type LabOptions } from './lab.js';
import { labError } from './run.js';
import { labSupport, type LabSupport } from './support.js';

/** Options of {@link labTest}. */
export interface LabTestOptions extends LabOptions {
  /** Test timeout in milliseconds (node:test `timeout`). */
  timeout?: number;
  /** Run this test concurrently with its siblings (node:test `concurrency`). */
  concurrency?: number | boolean;
  /** @internal For testing labTest itself: replaces {@link labSupport}. */
  support?: () => LabSupport;
  /** @internal For testing labTest itself: replaces `process.env` (read for `CI`). */
  env?: NodeJS.ProcessEnv;
  /** @internal For testing labTest itself: replaces node:test's `test`. */
  test?: (name: string, options: { timeout?: number; concurrency?: number | boolean }, fn: (t: TestContext) => Promise<void>) => unknown;
}

/** True when `CI` is `true` or `1` (GitHub Actions, GitLab, most CI systems). */
export function isCI(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env['CI']?.toLowerCase();
  return ci === 'true' || ci === '1';
}

/**
 * Declares a node:test test that runs `fn` with a fresh {@link Lab} and always closes the lab
 * afterwards (also when `fn` throws or the assertion fails), killing every process it started.
 *
 * When the lab cannot run here (not root, no `ip netns`), the test is skipped with the reason,
 * except under `CI=true`, where it fails: in CI a lab test that does not run is an error.
 * When the test times out (`timeout`) or is cancelled, the lab is closed at once.
 *
 * @example
 * import assert from 'node:assert/strict';
 * import { labTest } from 'fe80/testing';
 *
 * labTest('ping over a link', async (lab) => {
 *   const a = await lab.namespace('a');
 *   const b = await lab.namespace('b');
 *   const link = await lab.link(a, b);
 *   const r = await a.exec('ping', ['-6', '-c1', '-W2', `${link.b.address}%${link.a.name}`]);
 *   assert.equal(r.code, 0, r.stdout + r.stderr);
 * });
 */
export function labTest(name: string, fn: (lab: Lab, t: TestContext) => Promise<void>, options: LabTestOptions = {}): void {
  const define = options.test ?? nodeTest;
  const testOptions: { timeout?: number; concurrency?: number | boolean } = {};
  if (options.timeout !== undefined) testOptions.timeout = options.timeout;
  if (options.concurrency !== undefined) testOptions.concurrency = options.concurrency;
  const labOptions: LabOptions = options.prefix === undefined ? {} : { prefix: options.prefix };
  define(name, testOptions, async (t) => {
    const support = (options.support ?? labSupport)();
    if (!support.ok) {
      if (isCI(options.env ?? process.env)) {
        throw labError(`lab test ${JSON.stringify(name)} cannot run and CI=true forbids skipping it: ${support.reason}`);
      }
      t.skip(support.reason);
      return;
    }
    const lab = await Lab.create(labOptions);
    // On a timeout or cancellation node:test aborts t.signal but cannot stop fn: close the lab
    // right away, which kills the lab's processes and so also ends any exec fn is waiting for.
    const onAbort = () => void lab.close().catch(() => {});
    t.signal?.addEventListener('abort', onAbort, { once: true });
    let failed = false;
    try {
      await fn(lab, t);
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      t.signal?.removeEventListener('abort', onAbort);
      try {
        await lab.close();
      } catch (error) {
        // The test's own failure matters more; report a cleanup failure only when it passed.
        if (!failed) throw error; // eslint-disable-line no-unsafe-finally
      }
    }
  });
}
