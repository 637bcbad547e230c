// `fe80 ifindex`, `fe80 ifname`, `fe80 interfaces` as a user runs them (a child process), in this
// process's namespace (read-only, no traffic), checked against /sys/class/net and `ip -j link`.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cliArgv } from '../helpers/cli.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const linux = process.platform === 'linux';
const hasIp = linux && spawnSync('ip', ['-V'], { stdio: 'ignore' }).error === undefined;

function fe80(...args: string[]) {
  const r = spawnSync(process.execPath, cliArgv(...args), { cwd: repo, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** name -> index from sysfs, in index order */
function sysfs(): [string, number][] {
  return readdirSync('/sys/class/net')
    .flatMap((n): [string, number][] => {
      try {
        return [[n, Number(readFileSync(`/sys/class/net/${n}/ifindex`, 'utf8'))]];
      } catch {
        return []; // bonding_masters and friends
      }
    })
    .sort((a, b) => a[1] - b[1]);
}

/**
 * Runs `body` up to 3 times until it passes: lab tests running in parallel add and remove
 * root-side veths, so the interface set can change between our oracle read and the CLI's. A real
 * bug fails all 3 attempts.
 */
function stable(body: () => void): () => void {
  return () => {
    for (let attempt = 1; ; attempt++) {
      try {
        body();
        return;
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
  };
}

describe('fe80 ifindex', { skip: linux ? false : 'compares with /sys/class/net' }, () => {
  test('prints the index of every interface, one per line, in argument order', stable(() => {
    const all = sysfs();
    const names = [...all].reverse().map(([n]) => n);
    const r = fe80('ifindex', ...names);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, [...all].reverse().map(([, i]) => `${i}\n`).join(''));
  }));

  test('unknown and invalid names: exit 1, message on stderr, the found ones still printed', stable(() => {
    const [first] = sysfs();
    const r = fe80('ifindex', 'nosuch0', first![0], '../../etc', 'abcdefghijklmnop');
    assert.equal(r.code, 1);
    assert.equal(r.stdout, `${first![1]}\n`);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 3);
    const have = sysfs().map(([n]) => n);
    const listed = have.length > 8 ? `${have.slice(0, 8).join(', ')}, \\.\\.\\. \\(${have.length - 8} more\\)` : have.join(', ');
    assert.match(lines[0]!, new RegExp(`^fe80 ifindex: interface "nosuch0" not found \\(have: ${listed}\\) \\[ERR_UNKNOWN_INTERFACE\\]$`));
    assert.match(lines[1]!, /invalid zone "\.\.\/\.\.\/etc".*\[ERR_INVALID_ZONE\]$/);
    assert.match(lines[2]!, /longer than 15 bytes.*\[ERR_INVALID_ZONE\]$/);
  }));

  test('digits are names, as if_nametoindex(3): "1" is not found unless an interface is named "1"', () => {
    const r = fe80('ifindex', '1');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /interface "1" not found/);
  });

  test('usage errors exit 2 and point at --help', () => {
    for (const args of [[], ['--nope', 'lo']]) {
      const r = fe80('ifindex', ...args);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^fe80 ifindex: .*\nRun 'fe80 ifindex --help' for the options\.\n$/);
    }
  });

  test('a typo gets the closest existing name', stable(() => {
    const [, second] = sysfs(); // lo is first; a typo of the next one
    const name = second![0];
    const typo = name.length > 2 ? `${name[1]}${name[0]}${name.slice(2)}` : `${name}x`;
    const r = fe80('ifindex', typo);
    assert.equal(r.code, 1);
    if (!sysfs().some(([n]) => n === typo)) assert.match(r.stderr, new RegExp(`did you mean ${name.replace(/[.]/g, '\\.')}\\?`));
  }));
});

describe('fe80 ifname', { skip: linux ? false : 'compares with /sys/class/net' }, () => {
  test('prints the name of every index, one per line', stable(() => {
    const all = sysfs();
    const r = fe80('ifname', ...all.map(([, i]) => String(i)));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, all.map(([n]) => `${n}\n`).join(''));
  }));

  test('leading zeros are decimal; unknown, 0, too large and non-numeric exit 1', stable(() => {
    const [first] = sysfs();
    const r = fe80('ifname', `00${first![1]}`, '999999', '0', '4294967296', 'eth0');
    assert.equal(r.code, 1);
    assert.equal(r.stdout, `${first![0]}\n`);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 4);
    assert.match(lines[0]!, /no interface has index 999999; have: 1 /);
    assert.match(lines[1]!, /index 0 .*"no zone"/);
    assert.match(lines[2]!, /"4294967296" is not an interface index.*\[ERR_INVALID_ARGUMENT\]/);
    assert.match(lines[3]!, /"eth0" is not an interface index/);
  }));

  test('no argument: exit 2', () => {
    assert.equal(fe80('ifname').code, 2);
  });
});

describe('fe80 interfaces', { skip: hasIp ? false : 'compares with ip -j link' }, () => {
  interface IpLink { ifindex: number; ifname: string; flags: string[]; mtu: number; address?: string }
  const links = () => (JSON.parse(execFileSync('ip', ['-j', 'link'], { encoding: 'utf8' })) as IpLink[]).sort((a, b) => a.ifindex - b.ifindex);

  test('--json: an array with index, name, flags, MAC, MTU, link-local, as ip -j link', stable(() => {
    const r = fe80('interfaces', '--json');
    assert.equal(r.code, 0, r.stderr);
    const got = JSON.parse(r.stdout) as { index: number; name: string; up: boolean; loopback: boolean; multicast: boolean; mac: string | null; mtu: number; linkLocal: string | null; addresses: { address: string; prefixLength: number; scope: string }[] }[];
    const want = links();
    assert.deepEqual(got.map((i) => [i.index, i.name]), want.map((l) => [l.ifindex, l.ifname]));
    for (const [k, i] of got.entries()) {
      const l = want[k]!;
      assert.equal(i.up, l.flags.includes('UP'));
      assert.equal(i.loopback, l.flags.includes('LOOPBACK'));
      assert.equal(i.multicast, l.flags.includes('MULTICAST'));
      assert.equal(i.mtu, l.mtu);
      assert.equal(i.mac, l.address ?? null);
      if (i.linkLocal !== null) {
        assert.match(i.linkLocal, new RegExp(`^fe[89ab][0-9a-f]:[0-9a-f:]*%${i.name.replace(/[.]/g, '\\.')}$`));
        assert.ok(i.addresses.some((a) => a.address === i.linkLocal && a.scope === 'link-local'));
      }
      assert.equal((i as unknown as { ifindex: number }).ifindex, l.ifindex);
      assert.equal((i as unknown as { ifname: string }).ifname, l.ifname);
      for (const a of i.addresses) assert.deepEqual(Object.keys(a), ['address', 'family', 'prefixLength', 'scope', 'tentative', 'duplicate', 'deprecated']);
    }
  }));

  test('table: a header and one row per interface with index, name, UP/DOWN', stable(() => {
    const r = fe80('interfaces');
    assert.equal(r.code, 0, r.stderr);
    const [header, ...rows] = r.stdout.trimEnd().split('\n');
    assert.match(header!, /^INDEX\s+NAME\s+STATE\s+FLAGS\s+MAC\s+MTU\s+ADDRESSES$/);
    // addresses paste into connect: a zoned one never carries a prefix length
    assert.doesNotMatch(r.stdout, /%\S+\/\d+/);
    const want = links();
    assert.equal(rows.length, want.length);
    for (const [k, row] of rows.entries()) {
      const [index, name, state] = row.split(/\s+/);
      assert.equal(Number(index), want[k]!.ifindex);
      assert.equal(name, want[k]!.ifname);
      assert.equal(state, want[k]!.flags.includes('UP') ? 'UP' : 'DOWN');
    }
  }));

  test('NAME... lists those (name or index), an unknown one exits 1; an unknown option exits 2', stable(() => {
    const [lo] = sysfs();
    const r = fe80('interfaces', '--json', lo![0], 'nosuch0', String(lo![1]));
    assert.equal(r.code, 1);
    assert.deepEqual((JSON.parse(r.stdout) as { name: string }[]).map((i) => i.name), [lo![0]]);
    assert.match(r.stderr, /interface "nosuch0" not found/);
    assert.equal(fe80('interfaces', '--yaml').code, 2);
  }));

  test('--up and --candidates filter', stable(() => {
    const all = JSON.parse(fe80('interfaces', '--json').stdout) as { name: string; up: boolean; candidate: boolean; loopback: boolean; linkLocal: string | null }[];
    const up = JSON.parse(fe80('interfaces', '--json', '--up').stdout) as { name: string }[];
    const candidates = JSON.parse(fe80('interfaces', '--json', '--candidates').stdout) as { name: string }[];
    assert.deepEqual(up.map((i) => i.name), all.filter((i) => i.up).map((i) => i.name));
    assert.deepEqual(candidates.map((i) => i.name), all.filter((i) => i.candidate).map((i) => i.name));
    for (const i of all.filter((x) => x.candidate)) assert.ok(i.up && !i.loopback && i.linkLocal !== null, i.name);
  }));
});

describe('--help', () => {
  for (const cmd of ['ifindex', 'ifname', 'interfaces']) {
    test(`fe80 ${cmd} --help prints usage and exits 0`, () => {
      const r = fe80(cmd, '--help');
      assert.equal(r.code, 0);
      assert.match(r.stdout, new RegExp(`^usage: fe80 ${cmd}`));
      const m = fe80('help', cmd);
      assert.equal(m.code, 0);
      assert.match(m.stdout, new RegExp(`^NAME\\n    fe80 ${cmd} - [^]*\\nEXIT STATUS\\n`));
    });
  }
});
