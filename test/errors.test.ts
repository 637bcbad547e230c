import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { editMessage, ERROR_CODES, Fe80Error, Fe80ConnectError, isFe80Error } from '../src/errors.js';

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

test('a message given as a function is built on first read, once, and reads as any other', () => {
  let built = 0;
  const make = (): Fe80Error =>
    new Fe80Error('ERR_UNKNOWN_INTERFACE', () => {
      built++;
      return 'interface "x" not found; have: lo';
    });
  const e = make();
  assert.equal(built, 0, 'nothing built at construction');
  assert.equal(e.message, 'interface "x" not found; have: lo');
  assert.equal(e.message, 'interface "x" not found; have: lo');
  assert.equal(built, 1);
  assert.deepEqual(Object.getOwnPropertyDescriptor(e, 'message'), { value: e.message, writable: true, enumerable: false, configurable: true }, 'as new Error(message) has it');
  // the stack's first line is formatted when the stack is first read: it shows the message
  assert.match(make().stack ?? '', /^Fe80Error: interface "x" not found; have: lo\n {4}at /);
  assert.match(inspect(make()), /Fe80Error: interface "x" not found; have: lo/);
  assert.match(String(make()), /^Fe80Error: interface "x" not found/);
  assert.equal(JSON.parse(JSON.stringify(make())).message, 'interface "x" not found; have: lo');
  const assigned = make();
  assigned.message = 'replaced';
  assert.equal(assigned.message, 'replaced');
  // edited before it was built: the edit applies to the built text, still lazily
  const edited = make();
  const before = built;
  editMessage(edited, (m) => `fe80::1%x: ${m}`);
  assert.equal(built, before);
  assert.equal(edited.message, 'fe80::1%x: interface "x" not found; have: lo');
  editMessage(edited, (m) => `${m}!`);
  assert.equal(edited.message, 'fe80::1%x: interface "x" not found; have: lo!');
});
