// codex runs its `notify` program with one JSON argument after each turn:
// {"type":"agent-turn-complete","thread-id":…,"turn-id":…,"cwd":…,
//  "input-messages":[…],"last-assistant-message":…}
// (https://github.com/openai/codex/blob/main/docs/config.md#notify). Set per
// launch with `-c notify=[…]` (a TOML array; JSON strings are TOML strings).

/** `-c notify=[…]` first: a global option, valid before any subcommand such as `resume`. */
export function withCodexNotify(args: string[], argv: string[]): string[] {
  return ['-c', `notify=${JSON.stringify(argv)}`, ...args];
}
