// The public API is a decision: this test holds the list of what `fe80`, `fe80/advanced` and
// `fe80/testing` export at run time. A change to a list is made here, on purpose, and in the README.
import assert from 'node:assert/strict';
import { test } from 'node:test';

const FE80 = [
  'ERROR_CODES', 'Endpoint', 'Fe80ConnectError', 'Fe80Error', 'InterfaceRegistry', 'ScopedAddress', 'bindUdp', 'browseServices',
  'collectServices', 'connect', 'connectTLS', 'createAgent', 'createDispatcher', 'createGateway', 'createLookup', 'createServer',
  'discover', 'discoverAll', 'discoveredDevices', 'findDevice', 'fetch', 'indexToName', 'isFe80Error', 'isLocalName', 'listInterfaces', 'listen', 'lookup',
  'lookupNeighbour', 'macVendor', 'messageFor', 'nameToIndex', 'parseUrl', 'registry', 'resolveInterface', 'resolveMdns',
  'resolveZones', 'toPlatformZone', 'watchInterfaces',
];

const ADVANCED = [
  'DEFAULT_ATTEMPT_DELAY', 'DEFAULT_DISCOVER_TIMEOUT', 'DEFAULT_MAX_AGE', 'DEFAULT_NEIGHBOUR_MAX_AGE', 'IFNAMSIZ', 'KNOWN_STATES',
  'LinuxBackend', 'MAX_ZONE_INDEX', 'MIN_ATTEMPT_DELAY', 'MdnsCache', 'NeighbourTable', 'PortableBackend', 'RECHECK_INTERVAL',
  'SOURCE_NAMES', 'assertZoneName', 'closeMdnsSockets', 'defaultBackend', 'isDefaultZone', 'isValidZoneSyntax', 'mdnsCache',
  'neighbourTable', 'normalizeFingerprint', 'normalizeZone', 'openMdnsSockets', 'parseDeviceTarget', 'parseNeighbours',
  'parseZoneIndex', 'zoneNameProblem',
];

const TESTING = ['Lab', 'deviceLab', 'firstLine', 'isCI', 'labSupport', 'labTest', 'startAvahi', 'startDevice'];

test('fe80 exports exactly these names', async () => {
  assert.deepEqual(Object.keys(await import('../src/index.js')).sort(), [...FE80].sort());
});

test('fe80/advanced exports exactly these names, none of them also in fe80', async () => {
  const names = Object.keys(await import('../src/advanced.js')).sort();
  assert.deepEqual(names, [...ADVANCED].sort());
  assert.deepEqual(names.filter((n) => FE80.includes(n)), []);
});

test('fe80/testing exports exactly these names', async () => {
  assert.deepEqual(Object.keys(await import('../src/testing/index.js')).sort(), [...TESTING].sort());
});

test('one way to do each thing: the aliases are gone', async () => {
  const api = (await import('../src/index.js')) as Record<string, unknown>;
  for (const alias of ['lookupAsync', 'Fe80Dispatcher', 'Fe80HttpAgent', 'Fe80HttpsAgent', 'UdpSocket']) assert.equal(api[alias], undefined, alias);
});
