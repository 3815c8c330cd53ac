// Escape sequences both ends use to bring a terminal back to a known state.

/** Turns off every mode a session may have switched on in the outer terminal. */
export const RESET_MODES =
  '\x1b[?1l' + // normal cursor keys
  '\x1b>' + // normal keypad
  '\x1b[?2004l' + // no bracketed paste
  '\x1b[?1004l' + // no focus events
  '\x1b[?9l\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1005l\x1b[?1006l\x1b[?1015l' + // no mouse
  '\x1b[?7h' + // wraparound on
  '\x1b[?25h' + // cursor visible
  '\x1b[0m'; // plain attributes

/** Leave the alternate screen, then reset modes. */
export const RESTORE_TERMINAL = '\x1b[?1049l' + RESET_MODES;

/** Before a replay: a clean main screen, cursor home. */
export const CLEAR_FOR_REPLAY = RESTORE_TERMINAL + '\x1b[H\x1b[2J';
