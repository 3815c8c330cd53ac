import fs from 'node:fs';
import writeFileAtomic from 'write-file-atomic';
import { ErrorCode, KojoError } from '../shared/errors.js';
import { DEFAULT_CUSTOM_BASE_URL } from './agents/tools.js';
import { DEFAULT_YOLO_DENY, denyRuleProblem } from './agents/denyRule.js';

/** The keys `kojo config` knows, with their defaults. */
export const CONFIG_KEYS: Record<string, { default: string; check?: (value: string) => string | undefined }> = {
  'custom-base-url': {
    default: DEFAULT_CUSTOM_BASE_URL,
    check: (value) => (/^https?:\/\/\S+$/.test(value) ? undefined : 'custom-base-url must be an http(s) URL'),
  },
  // Seconds of quiet after which a screen-watched session counts as idle.
  'idle-after': {
    default: '2',
    check: (value) =>
      /^\d+(\.\d+)?$/.test(value) && Number(value) > 0 ? undefined : 'idle-after must be a number of seconds',
  },
  'yolo-deny': { default: DEFAULT_YOLO_DENY, check: denyRuleProblem },
  // Run (sh -c) when a session needs attention; empty: nothing.
  'notify-command': { default: '' },
};

/** config.json in the state directory: a flat object of string values. */
export class Config {
  private values: Record<string, string> = {};

  constructor(private readonly file: string) {
    try {
      const data: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (typeof data === 'object' && data !== null) {
        for (const [key, value] of Object.entries(data)) {
          if (key in CONFIG_KEYS && typeof value === 'string') this.values[key] = value;
        }
      }
    } catch {
      // Missing or unreadable: defaults.
    }
  }

  get(key: string): string {
    const spec = CONFIG_KEYS[key];
    if (!spec) throw unknownKey(key);
    return this.values[key] ?? spec.default;
  }

  set(key: string, value: string): void {
    const spec = CONFIG_KEYS[key];
    if (!spec) throw unknownKey(key);
    const problem = spec.check?.(value);
    if (problem) throw new KojoError(ErrorCode.InvalidParams, problem);
    this.values[key] = value;
    writeFileAtomic.sync(this.file, JSON.stringify(this.values, null, 2) + '\n', { mode: 0o600 });
  }
}

function unknownKey(key: string): KojoError {
  return new KojoError(
    ErrorCode.BadConfigKey,
    `unknown config key: ${key} (known: ${Object.keys(CONFIG_KEYS).join(', ')})`,
  );
}
