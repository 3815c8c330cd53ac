// ANSI escape sequences (CSI, OSC, DCS/SOS/PM/APC strings, and two-byte
// escapes), for the detectors that read output as text.
const ANSI =
  /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[PX^_][^\x1b]*(?:\x1b\\)?|\x1b[@-Z\\-_]|\x1b[ -/]+[0-~]|\x9b[0-?]*[ -/]*[@-~]/g;

export function replaceAnsi(text: string, replacement: string): string {
  return text.replace(ANSI, replacement);
}
