import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ScrollbackRing } from '../../src/daemon/session/ring.js';
import { FrameDecoder, FrameType, encodeDetach, encodeInput, encodeResize } from '../../src/shared/attachStream.js';
import { DetachMatcher, parseDetachKeys } from '../../src/cli/detachKeys.js';
import { TOOLS, dropOption } from '../../src/daemon/agents/tools.js';
import { newSessionId, isSessionId } from '../../src/shared/ids.js';
import { ScreenState } from '../../src/cli/screenState.js';
import { tmuxQuoteBytes } from '../../src/daemon/backends/tmux/controlClient.js';
import { EndMarker } from '../../src/daemon/backends/endMarker.js';

test('the scrollback ring grows as it fills, then keeps the last bytes in order', () => {
  const ring = new ScrollbackRing(10);
  ring.write(Buffer.from('abc'));
  assert.equal(ring.bytes().toString(), 'abc');
  ring.write(Buffer.from('defghij'));
  assert.equal(ring.bytes().toString(), 'abcdefghij');
  ring.write(Buffer.from('kl'));
  assert.equal(ring.bytes().toString(), 'cdefghijkl');
  ring.write(Buffer.from('0123456789XYZ'));
  assert.equal(ring.bytes().toString(), '3456789XYZ');
  ring.write(Buffer.from('!'));
  assert.equal(ring.bytes().toString(), '456789XYZ!');
  assert.equal(ring.tail(3).toString(), 'YZ!');
  let reference = '';
  const big = new ScrollbackRing(1000);
  for (let i = 0; i < 500; i++) {
    const chunk = String(i).repeat((i % 7) + 1);
    big.write(Buffer.from(chunk));
    reference = (reference + chunk).slice(-1000);
    assert.equal(big.bytes().toString(), reference);
  }
});

test('attach frames round-trip through arbitrary splits; bad frames are refused', () => {
  const stream = Buffer.concat([encodeInput(Buffer.from('héllo')), encodeResize(132, 43), encodeDetach()]);
  for (let split = 1; split < stream.length; split++) {
    const decoder = new FrameDecoder();
    const frames = [...decoder.push(stream.subarray(0, split)), ...decoder.push(stream.subarray(split))];
    assert.equal(frames.length, 3);
    assert.deepEqual(frames[0], { type: FrameType.Input, data: Buffer.from('héllo') });
    assert.deepEqual(frames[1], { type: FrameType.Resize, cols: 132, rows: 43 });
    assert.deepEqual(frames[2], { type: FrameType.Detach });
  }
  assert.throws(() => new FrameDecoder().push(Buffer.from([9, 0, 0, 0, 0])), /unknown attach frame type 9/);
  assert.throws(() => new FrameDecoder().push(Buffer.from([1, 255, 0, 0, 0])), /too large/);
});

test('detach keys: docker format, matched across reads, false starts forwarded', () => {
  assert.deepEqual([...parseDetachKeys('ctrl-\\')], [28]);
  assert.deepEqual([...parseDetachKeys('ctrl-a,d')], [1, 100]);
  assert.throws(() => parseDetachKeys('ctrl-1'), /invalid detach key/);
  assert.throws(() => parseDetachKeys('hyper-x'), /invalid detach key/);
  const m = new DetachMatcher(parseDetachKeys('ctrl-a,d'));
  assert.deepEqual(m.push(Buffer.from('ab\x01')), { forward: Buffer.from('ab'), detach: false });
  assert.deepEqual(m.push(Buffer.from('x')), { forward: Buffer.from('\x01x'), detach: false });
  assert.deepEqual(m.push(Buffer.from('\x01\x01')), { forward: Buffer.from('\x01'), detach: false });
  assert.deepEqual(m.push(Buffer.from('d')), { forward: Buffer.alloc(0), detach: true });
});

test('restart arguments follow the tool table', () => {
  assert.deepEqual(TOOLS.claude.restartArgs(['-r', 'x', '--model', 'm', '-c'], 'u'), ['--model', 'm', '--resume', 'u']);
  assert.deepEqual(TOOLS.claude.restartArgs(['--resume=x'], undefined), ['--continue']);
  assert.deepEqual(TOOLS.codex.restartArgs(['--full-auto'], 'u'), ['resume', 'u', '--full-auto']);
  assert.deepEqual(TOOLS.codex.restartArgs([], undefined), ['resume', '--last']);
  assert.deepEqual(TOOLS.gemini.restartArgs(['-r', '2', '-y'], undefined), ['-y', '--resume', 'latest']);
  assert.deepEqual(TOOLS.exec.restartArgs(['a', 'b'], undefined), ['a', 'b']);
  assert.deepEqual(dropOption(['--x', '--y', 'v'], ['--x'], true), ['--y', 'v']);
  const started = TOOLS.claude.startArgs(['--model', 'm']);
  assert.equal(started.args.at(-2), '--session-id');
  assert.equal(started.args.at(-1), started.toolSessionId);
});

test('session ids', () => {
  const id = newSessionId();
  assert.match(id, /^s_[0-9a-f]{16}$/);
  assert.ok(isSessionId(id));
  assert.ok(!isSessionId('s_123'));
});

test('the client sees whether the session left the terminal on the alternate screen', () => {
  const state = new ScreenState();
  state.observe(Buffer.from('hello\x1b[?1049h'));
  assert.equal(state.alternate, true);
  state.observe(Buffer.from('x\x1b[?10'));
  state.observe(Buffer.from('49l\n'));
  assert.equal(state.alternate, false);
  assert.equal(state.atLineStart, true);
  state.observe(Buffer.from('prompt$ '));
  assert.equal(state.atLineStart, false);
});

test('bytes typed into a tmux-backed session are quoted for send-keys -l exactly', () => {
  assert.equal(tmuxQuoteBytes(Buffer.from('ab9Z')), '"ab9Z"');
  assert.equal(tmuxQuoteBytes(Buffer.from('\r$"\\é')), '"\\015\\044\\042\\134\\303\\251"');
});

test('the end marker is cut from output split anywhere; held bytes are never lost', () => {
  const payload = Buffer.from([1, 0, 2, 0, 0, 3, 0]);
  const length = payload.length + new EndMarker().bytes.length;
  for (let split = 1; split < length; split++) {
    const m = new EndMarker();
    const stream = Buffer.concat([payload, m.bytes]);
    const out: Buffer[] = [];
    const emit = (d: Buffer): number => out.push(Buffer.from(d));
    assert.equal(m.feed(stream.subarray(0, split), emit), false);
    assert.equal(m.feed(stream.subarray(split), emit), true);
    assert.deepEqual(Buffer.concat(out), payload, `split at ${split}`);
  }
  const giveUp = new EndMarker();
  const out: Buffer[] = [];
  giveUp.feed(Buffer.from([9, 0, 7]), (d) => out.push(Buffer.from(d)));
  giveUp.release((d) => out.push(Buffer.from(d)));
  assert.deepEqual(Buffer.concat(out), Buffer.from([9, 0, 7]));
});
