import fs from 'node:fs';
import writeFileAtomic from 'write-file-atomic';
import { ErrorCode, KojoError } from '../shared/errors.js';
import { DEFAULT_CUSTOM_BASE_URL } from './agents/tools.js';

/** The keys `kojo config` knows, with their defaults. */
export const CONFIG_KEYS: Record<string, { default: string; check?: (value: string) => string | undefined }> = {
  'custom-base-url': {
    default: DEFAULT_CUSTOM_BASE_URL,
    check: (value) => (/^https?:\/\/\S+$/.test(value) ? undefined : 'custom-base-url must be an http(s) URL'),
  },
  'output-log': {
    default: 'off',
    check: (value) => (value === 'on' || value === 'off' ? undefined : 'output-log must be on or off'),
  },
  'output-log-max-bytes': {
    default: String(10 * 1024 * 1024),
    check: (value) =>
      /^\d+$/.test(value) && Number(value) >= 1024 && Number.isSafeInteger(Number(value))
        ? undefined
        : 'output-log-max-bytes must be a whole number of bytes, at least 1024',
  },
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
