// Error codes carried in JSON-RPC error objects. Messages are written for the
// person at the shell: the CLI prints them as `kojo: <message>`.

export const ErrorCode = {
  // JSON-RPC 2.0 reserved codes.
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  Internal: -32603,
  // kojo's own.
  SessionNotFound: 1001,
  AmbiguousSession: 1002,
  NameTaken: 1003,
  BadWorkDir: 1004,
  UnsupportedTool: 1005,
  ToolNotFound: 1006,
  SessionRunning: 1007,
  SessionNotRunning: 1008,
  HasRunningChildren: 1009,
  NotTerminal: 1010,
  NoTmuxId: 1011,
  UnknownAction: 1012,
  BadConfigKey: 1013,
  SpawnFailed: 1014,
  ShuttingDown: 1015,
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An error meant for the user: its message is the whole story. */
export class KojoError extends Error {
  constructor(
    readonly code: ErrorCodeValue,
    message: string,
  ) {
    super(message);
    this.name = 'KojoError';
  }
}
