// `fe80 fetch -L`: where the next hop goes. The rule is the library fetch's (src/http/redirect.ts):
// the same host, or a zone-free link-local literal, stays on the link the response came in on.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseUrl } from '../../src/addr/index.js';
import { redirectTarget, type HopTarget } from '../../src/cli/fetch/target.js';
import type { ZoneOption } from '../../src/net/index.js';

function hop(url: string, zone: ZoneOption | undefined, iface?: string): HopTarget {
  return { parsed: parseUrl(url), zone, interface: iface, display: url, why: undefined };
}

describe('redirectTarget', () => {
  const rows: { name: string; from: HopTarget; location: string; arrival: string | undefined; text: string; zone: string | undefined }[] = [
    { name: 'relative, pinned zone', from: hop('http://[fe80::1%25eth0]/a', 'eth0', 'eth0'), location: '/b', arrival: 'eth0', text: 'http://[fe80::1%25eth0]/b', zone: 'eth0' },
    { name: 'relative after a race: the link that answered, never "auto"', from: hop('http://[fe80::1]/a', 'auto'), location: '/b', arrival: 'eth1', text: 'http://[fe80::1%25eth1]/b', zone: 'eth1' },
    { name: 'after a race, arrival unknown: no zone rather than "auto"', from: hop('http://[fe80::1]/a', 'auto'), location: 'b', arrival: undefined, text: 'http://[fe80::1]/b', zone: undefined },
    { name: 'a list raced', from: hop('http://[fe80::1]/a', ['eth0', 'eth1']), location: 'http://[fe80::9]:8080/x', arrival: 'eth1', text: 'http://[fe80::9%25eth1]:8080/x', zone: 'eth1' },
    { name: 'a zone option by index: the interface by its name', from: hop('http://[fe80::1]/a', 3, 'eth3'), location: '/b', arrival: undefined, text: 'http://[fe80::1%25eth3]/b', zone: 'eth3' },
    { name: 'a zoned Location names its own link', from: hop('http://[fe80::1%25eth0]/a', 'eth0', 'eth0'), location: 'http://[fe80::9%25wlan0]/x', arrival: 'eth0', text: 'http://[fe80::9%25wlan0]/x', zone: 'wlan0' },
    { name: 'scheme-relative', from: hop('http://[fe80::1%25eth0]/a', 'eth0', 'eth0'), location: '//[fe80::9]/x', arrival: 'eth0', text: 'http://[fe80::9%25eth0]/x', zone: 'eth0' },
    { name: 'the same name: its link', from: hop('http://printer.local/a', undefined), location: '/b?c=1', arrival: 'eth0', text: 'http://printer.local/b?c=1', zone: 'eth0' },
    { name: 'the same name, another case', from: hop('http://printer.local/a', undefined), location: 'http://PRINTER.local/b', arrival: 'eth0', text: 'http://printer.local/b', zone: 'eth0' },
    { name: 'another name: the options of the command line', from: hop('http://printer.local/a', undefined), location: 'http://other.local/', arrival: 'eth0', text: 'http://other.local/', zone: undefined },
    { name: 'a routed literal takes no zone', from: hop('http://[fe80::1%25eth0]/a', 'eth0', 'eth0'), location: 'http://[2001:db8::1]/', arrival: 'eth0', text: 'http://[2001:db8::1]/', zone: undefined },
    { name: 'the same global literal takes none either', from: hop('http://[2001:db8::1]/a', undefined), location: '/b', arrival: 'eth0', text: 'http://[2001:db8::1]/b', zone: undefined },
    { name: 'IPv4', from: hop('http://192.0.2.1/a', undefined), location: '/b', arrival: 'eth0', text: 'http://192.0.2.1/b', zone: undefined },
  ];
  for (const r of rows) {
    test(r.name, () => {
      assert.deepEqual(redirectTarget(r.location, r.from, r.arrival), { text: r.text, zone: r.zone });
    });
  }

  test('a Location that is not a URL: ERR_INVALID_URL, the Location quoted', () => {
    assert.throws(() => redirectTarget('//[fe80::1', hop('http://[fe80::1%25eth0]/a', 'eth0', 'eth0'), 'eth0'), { code: 'ERR_INVALID_URL', message: /"\/\/\[fe80::1"/ });
    assert.throws(() => redirectTarget('http://[fe80::1', hop('http://[fe80::1%25eth0]/a', 'eth0', 'eth0'), 'eth0'), { code: 'ERR_INVALID_URL' });
  });
});
