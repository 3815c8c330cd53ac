// The yolo deny rule (config `yolo-deny`): a regex over a tool's input. A
// match is never auto-approved; the session goes to `asking` instead.

/**
 * Recursive forced removal (rm -rf / -fr / -r -f, any path), force pushes,
 * hard resets, making file systems and dd onto a device.
 */
export const DEFAULT_YOLO_DENY = [
  String.raw`\brm\s+(?:-[A-Za-z]*(?:r[A-Za-z]*f|f[A-Za-z]*r)[A-Za-z]*|(?:-[A-Za-z]+\s+)*-[A-Za-z]*[rR][A-Za-z]*\s+(?:-[A-Za-z]+\s+)*-[A-Za-z]*f|(?:-[A-Za-z]+\s+)*-[A-Za-z]*f[A-Za-z]*\s+(?:-[A-Za-z]+\s+)*-[A-Za-z]*[rR]|--recursive\s+--force|--force\s+--recursive)\b`,
  String.raw`\bgit\s+push\b.*?\s(?:--force(?:-with-lease)?|-f)\b`,
  String.raw`\bgit\s+reset\s+--hard\b`,
  String.raw`\bmkfs(?:\.\w+)?\b`,
  String.raw`\bdd\b.*?\bof=/dev/`,
].join('|');

/** Why `value` is not a usable rule, if it is not. */
export function denyRuleProblem(value: string): string | undefined {
  try {
    new RegExp(value, 'i');
    return undefined;
  } catch (error) {
    return `yolo-deny must be a regular expression: ${(error as Error).message}`;
  }
}

/** The text of a tool input the rule is matched against: every string in it, one per line. */
export function toolInputText(input: unknown): string {
  if (typeof input === 'string') return input;
  if (input === null || typeof input !== 'object') return input === undefined ? '' : String(input);
  return Object.values(input as Record<string, unknown>)
    .map(toolInputText)
    .join('\n');
}

export function deniedBy(rule: string, input: unknown): boolean {
  if (!rule) return false;
  try {
    return new RegExp(rule, 'i').test(toolInputText(input));
  } catch {
    // An unusable rule denies everything: safety first.
    return true;
  }
}
