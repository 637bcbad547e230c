// The command-line parser (getopt_long rules), "did you mean", and curl's reading of a URL typed
// without a scheme. Pure functions; table-driven, with property tests beside them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ArgumentError, parseCommandLine, wantsHelp, type OptionSpecs } from '../../src/cli/args.js';
import { closest, editDistance } from '../../src/cli/suggest.js';
import { urlFromInput } from '../../src/cli/url-input.js';

const SPEC = {
  silent: { type: 'boolean', short: 's' },
  'show-error': { type: 'boolean', short: 'S' },
  output: { type: 'string', short: 'o' },
  data: { type: 'string', short: 'd', multiple: true, aliases: ['data-ascii'] },
  fail: { type: 'boolean', short: 'f' },
  zone: { type: 'string', maxLength: 16 },
} as const satisfies OptionSpecs;

describe('parseCommandLine: getopt_long rules', () => {
  const cases: { args: string[]; values?: Record<string, unknown>; positionals?: string[]; error?: RegExp }[] = [
    { args: ['-sS', 'URL'], values: { silent: true, 'show-error': true }, positionals: ['URL'] },
    { args: ['-sSo', 'out', 'URL'], values: { silent: true, 'show-error': true, output: 'out' }, positionals: ['URL'] },
    { args: ['-oout'], values: { output: 'out' } },
    { args: ['--output', 'a', '--output=b'], values: { output: 'b' } },
    { args: ['-d', 'a', '--data=b', '--data-ascii', 'c'], values: { data: ['a', 'b', 'c'] } },
    { args: ['-d', '-x'], values: { data: ['-x'] }, why: 'a value is taken whatever it looks like' } as never,
    { args: ['URL', '-f'], values: { fail: true }, positionals: ['URL'] },
    { args: ['--no-fail'], values: { fail: false } },
    { args: ['--', '-f', '-'], values: {}, positionals: ['-f', '-'] },
    { args: ['-'], values: {}, positionals: ['-'] },
    { args: ['--fial'], error: /Unknown option '--fial' \(did you mean --fail\?\)/ },
    { args: ['--bogus'], error: /^Unknown option '--bogus'$/ },
    { args: ['-sx'], error: /Unknown option '-x' \(in "-sx"\)/ },
    { args: ['-o'], error: /-o needs a value/ },
    { args: ['--fail=yes'], error: /--fail takes no value/ },
    { args: ['--zone', 'x'.repeat(17)], error: /--zone: the value is 17 characters long, at most 16/ },
    { args: ['--no-zone'], error: /Unknown option/ },
  ];
  for (const c of cases) {
    test(c.args.join(' '), () => {
      if (c.error !== undefined) {
        assert.throws(() => parseCommandLine(c.args, SPEC), (e: unknown) => e instanceof ArgumentError && c.error!.test(e.message));
        return;
      }
      const r = parseCommandLine(c.args, SPEC);
      assert.deepEqual({ ...r.values }, c.values);
      assert.deepEqual(r.positionals, c.positionals ?? []);
    });
  }

  test('tokens keep the command-line order across options (curl joins -d parts in that order)', () => {
    const spec = { data: { type: 'string', multiple: true, short: 'd' }, 'data-binary': { type: 'string', multiple: true } } as const;
    const r = parseCommandLine(['-d', 'a', '--data-binary', 'b', '-d', 'c'], spec);
    assert.deepEqual(r.tokens.map((t) => [t.name, t.value]), [['data', 'a'], ['data-binary', 'b'], ['data', 'c']]);
  });

  test('an unsupported option of the mirrored tool is refused with the reason', () => {
    assert.throws(() => parseCommandLine(['--proxy', 'x'], SPEC, { unsupported: { proxy: 'proxies are not supported' } }), /--proxy is not supported: proxies are not supported/);
    assert.throws(() => parseCommandLine(['-x'], SPEC, { unsupported: { x: 'no proxies' } }), /-x is not supported: no proxies/);
  });

  test('a 100 KB argument is refused by its length, as a short group or a value', () => {
    const big = 'x'.repeat(100_000);
    for (const args of [[`-${big}`], ['--zone', big], [`--${big}`], [big]]) {
      assert.throws(() => parseCommandLine(args, SPEC, { maxPositional: 65_536 }), ArgumentError);
    }
    // a group of 100,000 known short options is parsed, not refused: the work is linear
    assert.equal(parseCommandLine([`-${'s'.repeat(100_000)}`], SPEC).values.silent, true);
  });

  test('property: any argument list parses or throws ArgumentError, never anything else', () => {
    const arg = fc.oneof(fc.string(), fc.constantFrom('-s', '-sS', '-o', '--output', '--', '-', '--fail', '--no-fail', '--zone', '-d', '--data='));
    fc.assert(
      fc.property(fc.array(arg, { maxLength: 8 }), (args) => {
        try {
          parseCommandLine(args, SPEC);
        } catch (error) {
          if (!(error instanceof ArgumentError)) throw error;
        }
      }),
      { seed: 1234, numRuns: 2000 },
    );
  });
});

describe('wantsHelp', () => {
  const cases: [string[], boolean][] = [
    [['-h'], true],
    [['-sh'], true],
    [['--help'], true],
    [['URL', '--help'], true],
    [['--', '-h'], false],
    [['-o', '-h'], false],
    [['--output', '--help'], false],
    [['--output=--help', 'x'], false],
    [['--bogus', '--help'], true],
  ];
  for (const [args, want] of cases) test(args.join(' '), () => assert.equal(wantsHelp(args, SPEC), want));
});

describe('did you mean', () => {
  const cases: [string, string[], string | undefined][] = [
    ['eht0', ['lo', 'eth0', 'wlan0'], 'eth0'],
    ['ETH0', ['lo', 'eth0'], 'eth0'],
    ['wlan1', ['lo', 'eth0', 'wlan0'], 'wlan0'],
    ['fecth', ['fetch', 'connect', 'listen'], 'fetch'],
    ['lsiten', ['fetch', 'connect', 'listen'], 'listen'],
    ['docker0', ['lo', 'eth0'], undefined],
    ['eth0', ['lo', 'eth0'], undefined],
    ['x', ['lo'], undefined],
    ['', ['lo'], undefined],
  ];
  for (const [word, known, want] of cases) test(`${word} among ${known.join(',')}`, () => assert.equal(closest(word, known), want));

  test('property: editDistance is a metric on small strings (symmetric, zero only for equal)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), (a, b) => {
        assert.equal(editDistance(a, b), editDistance(b, a));
        assert.equal(editDistance(a, b) === 0, a === b);
        assert.ok(editDistance(a, b) <= Math.max(a.length, b.length));
      }),
      { seed: 42, numRuns: 500 },
    );
  });
});

describe('a URL typed without a scheme, as curl reads it', () => {
  const cases: [string, string, boolean][] = [
    ['http://[fe80::1%25eth0]/x', 'http://[fe80::1%25eth0]/x', false],
    ['https://printer.local/', 'https://printer.local/', false],
    ['fe80::1%eth0', 'http://[fe80::1%eth0]/', true],
    ['fe80::1%eth0/status?x=1', 'http://[fe80::1%eth0]/status?x=1', true],
    ['[fe80::1%eth0]:8080/x', 'http://[fe80::1%eth0]:8080/x', true],
    ['fe80::1', 'http://[fe80::1]/', true],
    ['printer.local:8080/x', 'http://printer.local:8080/x', true],
    ['192.0.2.1', 'http://192.0.2.1', true],
    ['localhost:8080', 'http://localhost:8080', true],
  ];
  for (const [input, url, guessed] of cases) test(input, () => assert.deepEqual(urlFromInput(input), { url, guessed }));
});
