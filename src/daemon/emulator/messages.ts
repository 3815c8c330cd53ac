// Messages between the daemon's main thread and its emulator thread.
import type { Capture } from '../../shared/protocol/terminalIo.js';

export type ToEmulator =
  | { type: 'open'; id: string; cols: number; rows: number; scrollback: number }
  | { type: 'data'; id: string; data: Uint8Array }
  /** Rebuild from the raw ring after the thread fell too far behind; modes are kept. */
  | { type: 'reset'; id: string; data: Uint8Array }
  | { type: 'resize'; id: string; cols: number; rows: number }
  /** The screen with its scrollback and modes (fitted to a larger viewer), or the modes alone. */
  | {
      type: 'serialize';
      id: string;
      request: number;
      what: 'screen' | 'modes';
      viewer?: { cols: number; rows: number };
    }
  | { type: 'close'; id: string }
  /** The screen as lines of text (`kojo capture`). */
  | { type: 'capture'; id: string; request: number; scrollback: number; escapes: boolean };

export type FromEmulator =
  | { type: 'parsed'; id: string; bytes: number }
  | { type: 'serialized'; request: number; data: string; alternate: boolean }
  /** An operation threw; the screen carries on without it. */
  | { type: 'failed'; id: string; message: string }
  | { type: 'captured'; request: number; capture: Capture };
