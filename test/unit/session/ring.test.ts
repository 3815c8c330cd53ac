// The scrollback ring: what it keeps, and its tail, before and after wrapping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ScrollbackRing } from '../../../src/daemon/session/ring.js';

test('the ring keeps the last bytes in order and its tail is the newest n of them', () => {
  const ring = new ScrollbackRing(10);
  ring.write(Buffer.from('abc'));
  assert.equal(ring.tail(2).toString(), 'bc');
  assert.equal(ring.tail(50).toString(), 'abc');
  ring.write(Buffer.from('defghij'));
  assert.equal(ring.bytes().toString(), 'abcdefghij');
  ring.write(Buffer.from('klm')); // wraps
  assert.equal(ring.bytes().toString(), 'defghijklm');
  assert.equal(ring.tail(4).toString(), 'jklm');
  assert.equal(ring.tail(3).toString(), 'klm');
  assert.equal(ring.tail(10).toString(), 'defghijklm');
  assert.equal(ring.tail(0).toString(), '');
  ring.write(Buffer.from('0123456789xy'));
  assert.equal(ring.tail(5).toString(), '789xy');
  assert.equal(ring.total, 25);
});
