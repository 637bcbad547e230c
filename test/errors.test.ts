import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ERROR_CODES, Fe80Error, Fe80ConnectError, isFe80Error } from '../src/errors.js';

test('every error code is documented in the README error table', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  for (const code of Object.keys(ERROR_CODES)) {
    assert.match(readme, new RegExp(`\\| \`${code}\` \\|`), `README lacks a row for ${code}`);
  }
});

test('Fe80Error carries code, input, position, hint and cause', () => {
  const cause = new Error('EINVAL');
  const e = new Fe80Error('ERR_INVALID_ZONE', 'bad zone', { input: 'fe80::1%', position: 7, hint: 'h', cause });
  assert.equal(e.code, 'ERR_INVALID_ZONE');
  assert.equal(e.input, 'fe80::1%');
  assert.equal(e.position, 7);
  assert.equal(e.hint, 'h');
  assert.equal(e.cause, cause);
  assert.equal(e.name, 'Fe80Error');
  assert.ok(e instanceof Error);
  assert.deepEqual(JSON.parse(JSON.stringify(e)), { code: 'ERR_INVALID_ZONE', message: 'bad zone', input: 'fe80::1%', position: 7, hint: 'h' });
});

test('instanceof works across copies of the class but subclasses stay precise', () => {
  const foreign = Object.create(null, { [Symbol.for('fe80.error.1')]: { value: true } });
  assert.ok(foreign instanceof Fe80Error);
  const plain = new Fe80Error('ERR_TIMEOUT', 't');
  assert.ok(!(plain instanceof Fe80ConnectError));
  const c = new Fe80ConnectError('all failed', [{ endpoint: '[fe80::1%a]:1', error: new Error('x') }]);
  assert.ok(c instanceof Fe80ConnectError && c instanceof Fe80Error);
  assert.equal(c.code, 'ERR_CONNECT');
  assert.ok(isFe80Error(c, 'ERR_CONNECT'));
  assert.ok(!isFe80Error(c, 'ERR_TIMEOUT'));
  assert.ok(!isFe80Error(new Error('x')));
});
