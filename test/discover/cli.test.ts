// `fe80 discover` usage and argument errors (no traffic: every case fails before a source starts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fe80 } from '../cli/run.js';
import { summary, table } from '../../src/cli/commands/discover.js';
import type { Device } from '../../src/discover/index.js';

test('help, and the command in the command list', async () => {
  const help = await fe80(['discover', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^usage: fe80 discover \[IFACE\.\.\.\] \[--timeout S\] \[--watch\] \[--json\] \[--source LIST\]/);
  const list = await fe80(['--help']);
  assert.match(list.stdout, /\n {2}discover +find the devices on each link/);
});

test('usage errors exit 2 with the reason; an unknown interface is ERR_UNKNOWN_INTERFACE (exit 1)', async () => {
  for (const [args, why] of [
    [['--source', 'ping,telepathy'], /unknown source "telepathy" in --source \(have: dnssd, ping, neighbours, ssdp, lldp\)/],
    [['--timeout', 'soon'], /--timeout must be a positive number of seconds, got "soon"/],
    [['--timeout', '0'], /--timeout must be a positive number/],
    [['--timeout', '1e9'], /--timeout must be a positive number/],
    [['--frobnicate'], /Unknown option '--frobnicate'/],
  ] as const) {
    const r = await fe80(['discover', ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, why);
  }
  const r = await fe80(['discover', 'nosuch0']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^fe80 discover: .*nosuch0.*\[ERR_UNKNOWN_INTERFACE\]/);
});

test('the table escapes what devices send and clips to the terminal width', () => {
  const d: Device = {
    id: 'eth1/x',
    interface: 'eth1',
    addresses: [{ address: 'fe80::2%eth1', family: 6, sources: { ping: 1 } }],
    names: [{ name: 'evil\u001b]0;pwned\u0007\u202e.local', sources: { dnssd: 1 } }],
    services: [],
    ssdp: [],
    webUi: [],
    router: false,
    firstSeen: 0,
    lastSeen: 0,
  };
  const lines = table([d], 60);
  assert.equal(lines.length, 2);
  assert.ok(!/[\u0000-\u001f\u202e]/.test(lines.join('')), JSON.stringify(lines));
  assert.ok(lines.every((l) => l.length <= 60));
  assert.equal(summary([d], [{ source: 'lldp', state: 'skipped', reason: 'no lldpd', interfaces: [], dropped: 0 }, { source: 'ping', state: 'done', interfaces: ['eth1'], dropped: 0 }], 1234), '1 device on 1 link in 1.2 s (ping; lldp: no lldpd)');
});
