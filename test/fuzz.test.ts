// Every parser entry point that takes user input, fuzzed (the mDNS and discovery parsers have
// their own files): whatever comes in, the result is a value or an Fe80Error with a stable code,
// and its message neither carries raw control characters nor grows with the input. Fixed seed
// (FE80_FC_SEED, default 4007) so CI is reproducible; FE80_FC_RUNS sets the runs
// (bench/fuzz-parsers.bench.ts runs many more with fresh seeds). No I/O: a fake registry.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Endpoint, ScopedAddress, parseUrl } from '../src/addr/index.js';
import { ERROR_CODES, Fe80Error, messageFor } from '../src/errors.js';
import { hostNameProblem } from '../src/dns/index.js';
import { parseDeviceTarget } from '../src/gateway/index.js';
import { parseTarget } from '../src/net/target.js';
import { resolveZones, zonePolicy } from '../src/zone/index.js';
import { fakeRegistry, nic } from './helpers/fake-registry.js';

const RUNS = Number(process.env['FE80_FC_RUNS'] ?? 2000);
const SEED = Number(process.env['FE80_FC_SEED'] ?? 4007);
const params = { numRuns: RUNS, seed: SEED };
const registry = fakeRegistry([nic('lo', 1, true, ['::1'], true), nic('eth0', 2, true, ['fe80::a']), nic('wlan0', 3, true, ['fe80::b'])], 'fuzz');

// text that looks like what the parsers take, with hostile characters mixed in
const piece = fc.oneof(
  fc.constantFrom('fe80::', '::1', '1', '%', '%25', '[', ']', ':', '.', '/', 'eth0', 'wlan0', '3', '0', 'http://', 'https://', '@', '\\', '#', '?', '.local', '80', '65536'),
  fc.string({ maxLength: 4 }),
  fc.constantFrom('\u0000', '\u001b[2J', '\u202e', '\ud800', '\udc00', '\u{1F600}', '\n', '\t', ' ', '\u0085', '\u2028'),
);
const text = fc.array(piece, { maxLength: 12 }).map((p) => p.join(''));
const anything = fc.oneof(text, fc.anything(), fc.double(), fc.integer(), fc.string({ maxLength: 300 }));

function checkError(error: unknown): void {
  if (!(error instanceof Fe80Error)) throw error; // anything else is a bug
  assert.ok(error.code in ERROR_CODES, error.code);
  for (const message of [error.message, messageFor(error, 'cli')]) {
    assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/.test(message), `raw control character in ${JSON.stringify(message)}`);
    assert.ok(message.length < 2000, `message of ${message.length} characters`);
  }
}

function total(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    checkError(error);
  }
}

const entryPoints: [string, (input: unknown) => unknown][] = [
  ['ScopedAddress.parse', (s) => ScopedAddress.parse(s as string)],
  ['Endpoint.parse', (s) => Endpoint.parse(s as string)],
  ['parseUrl', (s) => parseUrl(s as string)],
  ['parseTarget (connect, send)', (s) => parseTarget(s)],
  ['parseTarget { host, port, zone }', (s) => parseTarget({ host: s, port: 80, zone: typeof s === 'number' ? s : undefined })],
  ['zonePolicy', (s) => zonePolicy(s)],
  ['resolveZones with a zone option', (s) => resolveZones(ScopedAddress.parse('fe80::1'), { registry, zone: s as never })],
  ['resolveZones of parsed text', (s) => (typeof s === 'string' ? resolveZones(ScopedAddress.parse(s), { registry }) : undefined)],
  ['registry.resolve', (s) => registry.resolve(s as string)],
  ['hostNameProblem', (s) => (typeof s === 'string' ? hostNameProblem(s) : undefined)],
  ['parseDeviceTarget (fe80 open)', (s) => parseDeviceTarget(s as string)],
];

for (const [name, fn] of entryPoints) {
  test(`${name}: a value or an Fe80Error, never anything else`, () => {
    fc.assert(
      fc.property(anything, (input) => {
        total(() => fn(input));
      }),
      params,
    );
  });
}

test('every zone a parse accepts can be written back into a URL and parsed to the same zone', () => {
  fc.assert(
    fc.property(text, (s) => {
      const a = ScopedAddress.tryParse(`fe80::1%${s}`);
      if (a === undefined || a.zone === undefined) return;
      const url = `http://[fe80::1%25${encodeURIComponent(a.zone)}]/`;
      let back: string | undefined;
      try {
        back = parseUrl(url).zone;
      } catch (error) {
        checkError(error); // a zone a URL cannot hold at all (e.g. '/') is refused there
        return;
      }
      assert.equal(back, a.zone, url);
    }),
    params,
  );
});
