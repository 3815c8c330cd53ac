import { YOLO_TAIL_BYTES } from '../../shared/limits.js';
import { replaceAnsi } from '../../shared/ansi.js';

// An approval menu drawn as a menu (SPEC §5, §10): "Do you …?", then within
// 200 characters a line of its own (a box border allowed) whose highlighted
// option (❯ or ›) is "1. Yes". Text such as "Do you like tea? 1. Yes please"
// in a transcript or an input box has no highlighted option line.
const APPROVAL_MENU = /Do you \S[^\n]*\?[\s\S]{0,200}?\n[^\S\n]*(?:│[^\S\n]*)?[❯›][^\S\n]*1\.[^\S\n]*Yes\b/i;
// Any highlighted option line: a menu whose highlight is elsewhere (claude's
// API-key dialog highlights "2. No") is never answered.
const HIGHLIGHTED = /\n[^\S\n]*(?:│[^\S\n]*)?[❯›][^\S\n]*(\d+)\.[^\S\n]*(\S+)/g;

/** Normalises output as SPEC §5 says before matching. */
export function normaliseForYolo(text: string): string {
  return replaceAnsi(text, ' ')
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+/g, ' ');
}

/** The approval menu in normalised text whose highlighted option is a yes, if there is one. */
export function findApprovalMenu(normalised: string): string | undefined {
  const match = APPROVAL_MENU.exec(normalised);
  if (!match) return undefined;
  // The last highlight drawn after the question is the one the user sees.
  let last: string | undefined;
  for (const option of normalised.slice(match.index).matchAll(HIGHLIGHTED)) last = option[2];
  if (!last || !/^yes\b/i.test(last)) return undefined;
  return match[0].replace(/\n[^\S\n]*│?[^\S\n]*[❯›][^\S\n]*(?=1\.)/, '\n');
}

/**
 * Keeps the trailing 4 KB of output and reports an approval menu once: the
 * tail is cleared on a match, so one menu is never approved twice.
 */
export class YoloDetector {
  private tail = '';

  /** Append output (decoded); returns the matched prompt text, if any. */
  push(text: string): string | undefined {
    this.tail = (this.tail + text).slice(-YOLO_TAIL_BYTES);
    // A new match ends in "Yes", so it ends in what just arrived: if that has
    // no "yes" (allowing for a split), there is nothing new to find.
    if (!/yes/i.test(this.tail.slice(-(text.length + 2)))) return undefined;
    const match = findApprovalMenu(normaliseForYolo(this.tail));
    if (!match) return undefined;
    this.tail = '';
    return match;
  }
}
