// What a documentation example may use without declaring it, and the checks `instrument` writes
// into it (see extract.ts). Loaded before the example, in the docs world's client namespace.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import dnsPacket from 'dns-packet';

declare global {
  /** the CA (here: the devices' self-signed certificate) that examples pass as `ca` */
  var ca: string;
  /** an mDNS query for printer.local (AAAA), for the UDP examples */
  var query: Uint8Array;
  /** a response handler for http.get examples: reads and drops the body */
  var onResponse: (response: IncomingMessage) => void;
}

globalThis.ca = process.env.FE80_DOC_CA === undefined ? '' : readFileSync(process.env.FE80_DOC_CA, 'utf8');
globalThis.query = dnsPacket.encode({ type: 'query', id: 0, questions: [{ type: 'AAAA', name: 'printer.local' }] });
globalThis.onResponse = (response) => {
  response.resume();
};

export const __doc = {
  equal(actual: unknown, expected: unknown, where: string): void {
    assert.deepEqual(actual, expected, `${where}: the docs say ${JSON.stringify(expected)}, it is ${JSON.stringify(actual)}`);
  },
  async throws(code: string, fn: () => Promise<unknown>, where: string): Promise<void> {
    try {
      await fn();
    } catch (error) {
      assert.equal((error as { code?: unknown }).code, code, `${where}: the docs say ${code}, it threw ${String(error)}`);
      return;
    }
    assert.fail(`${where}: the docs say ${code}, it did not throw`);
  },
};
