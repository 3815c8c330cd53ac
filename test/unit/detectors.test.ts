import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { YoloDetector, normaliseForYolo } from '../../src/daemon/agents/yoloDetector.js';
import { ToolSessionIdDetector } from '../../src/daemon/agents/toolSessionIdDetector.js';
import {
  AttachmentDetector,
  findMediaPaths,
  mentionsMedia,
  mimeOf,
} from '../../src/daemon/agents/attachmentDetector.js';
import { replaceAnsi } from '../../src/shared/ansi.js';

const PROMPTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/prompts');
const prompt = (name: string): string =>
  fs.readFileSync(path.join(PROMPTS, `${name}.txt`), 'utf8').replace(/\n/g, '\r\n');

test('ANSI escapes of every kind are removed', () => {
  assert.equal(
    replaceAnsi('\x1b[1;31mred\x1b[0m \x1b]0;title\x07x\x1b]8;;http://a\x1b\\link\x1b]8;;\x1b\\ \x1b(Bok', ''),
    'red xlink ok',
  );
});

test('yolo normalisation: escapes become spaces, CR/CRLF become LF, blanks collapse', () => {
  assert.equal(normaliseForYolo('a\x1b[1mb\r\nc\rd \t  e'), 'a b\nc\nd e');
});

for (const name of ['claude-bash', 'claude-edit', 'claude-create']) {
  test(`yolo matches the real ${name} menu, fed in small pieces, once`, () => {
    const text = prompt(name);
    const yolo = new YoloDetector();
    const matches: string[] = [];
    for (let i = 0; i < text.length; i += 37) {
      const m = yolo.push(text.slice(i, i + 37));
      if (m) matches.push(m);
    }
    assert.equal(matches.length, 1);
    assert.match(matches[0]!, /^Do you [\s\S]*\?[\s\S]*1\. Yes$/);
    // The tail was cleared: the same screen does not match again.
    assert.equal(yolo.push(''), undefined);
  });
}

test('yolo ignores "Do you" without a highlighted 1. Yes option, and options too far from the question', () => {
  const yolo = new YoloDetector();
  assert.equal(yolo.push(prompt('not-a-menu')), undefined);
  assert.equal(yolo.push('Do you want this?' + 'x'.repeat(300) + '\n❯ 1. Yes'), undefined);
  // Options not drawn as a menu (no highlight on their own line) are text, not a menu.
  assert.equal(yolo.push('Do you want this?\n 1.   Yes'), undefined);
  assert.ok(yolo.push('Do you want this?\n ❯ 1.   Yes'));
});

test('yolo looks at the trailing 4 KB only', () => {
  const yolo = new YoloDetector();
  yolo.push('Do you want to proceed?\n');
  yolo.push('y'.repeat(5000));
  assert.equal(yolo.push('\n1. Yes'), undefined);
});

test('the codex session id is captured across a split and inside colour', () => {
  const detector = new ToolSessionIdDetector();
  assert.equal(detector.push('\x1b[2msession id:\x1b[0m 0199a1b2-c3d4'), undefined);
  assert.equal(detector.push('-7e5f-8a9b-0123456789AB\r\n'), '0199a1b2-c3d4-7e5f-8a9b-0123456789ab');
  assert.equal(new ToolSessionIdDetector().push('Session ID: nope'), undefined);
});

test('media paths: unquoted with the allowed starts, quoted with spaces, none from plain words', () => {
  const text = [
    'saved /tmp/a.png and ./b.JPG, ../c.gif; ~/d.webm.',
    'C:\\shots\\e.bmp "/tmp/with space.mov" \'./single q.svg\'',
    'not: shot.png http://x/y.png notes.txt /tmp/file.pngx',
  ].join('\n');
  assert.deepEqual(findMediaPaths(text).sort(), [
    '../c.gif',
    './b.JPG',
    './single q.svg',
    '/tmp/a.png',
    '/tmp/with space.mov',
    'C:\\shots\\e.bmp',
    '~/d.webm',
  ]);
  assert.equal(mimeOf('x.TIF'), 'image/tiff');
  assert.equal(mimeOf('x.ogv'), 'video/ogg');
});

test('attachment detector resolves ~/ and relative paths; the pre-check spots media names only', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kojo-home-'));
  const detector = new AttachmentDetector('/work/dir', home);
  assert.equal(mentionsMedia(Buffer.from('1\r\n2\r\n3 nothing here.\n')), false);
  assert.equal(mentionsMedia(Buffer.from('wrote out/a.PNG\n')), true);
  assert.deepEqual(detector.scan('see ~/x.png and ./y.mp4\n'), [path.join(home, 'x.png'), '/work/dir/y.mp4']);
  fs.rmSync(home, { recursive: true });
});
