import fs from 'node:fs';
import path from 'node:path';
import { describeWriteError, writeFileAtomicSync } from './atomicWrite.js';
import { ErrorCode, KojoError } from '../shared/errors.js';
import { DEFAULT_CUSTOM_BASE_URL } from './agents/tools.js';
import { DEFAULT_YOLO_DENY, denyRuleProblem } from './agents/denyRule.js';

/** The keys `kojo config` knows, with their defaults. */
export const CONFIG_KEYS: Record<string, { default: string; check?: (value: string) => string | undefined }> = {
  'custom-base-url': {
    default: DEFAULT_CUSTOM_BASE_URL,
    check: (value) => (/^https?:\/\/\S+$/.test(value) ? undefined : 'custom-base-url must be an http(s) URL'),
  },
  // The CLI reads this one itself (kojo attach, new -a, kojo tmux); docker's format.
  'detach-keys': {
    default: 'ctrl-\\',
    check: (value) =>
      /^(ctrl-[a-z@[\\\]^_]|[^,]{1})(,(ctrl-[a-z@[\\\]^_]|[^,]{1}))*$/i.test(value)
        ? undefined
        : 'detach-keys must be keys like ctrl-\\ or ctrl-a,d (single characters or ctrl-<a-z @ [ \\ ] ^ _>, comma-separated)',
  },
  // Off: variables named like *KEY*, *TOKEN*, *SECRET*, *PASSWORD* never reach sessions.json.
  'persist-secrets': {
    default: 'off',
    check: (value) => (value === 'on' || value === 'off' ? undefined : 'persist-secrets must be on or off'),
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

/** config.json (see StatePaths.config): a flat object of string values. */
export class Config {
  private values: Record<string, string> = {};

  /** `legacyFile`, where config.json used to live, is read once and moved to `file`. */
  constructor(
    private readonly file: string,
    legacyFile?: string,
  ) {
    if (legacyFile && !fs.existsSync(file) && fs.existsSync(legacyFile)) this.migrate(legacyFile);
    this.read(fs.existsSync(file) ? file : (legacyFile ?? file));
  }

  private migrate(legacyFile: string): void {
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
      fs.copyFileSync(legacyFile, this.file, fs.constants.COPYFILE_EXCL);
      fs.chmodSync(this.file, 0o600);
      fs.rmSync(legacyFile, { force: true });
    } catch {
      // Not moved: it is still read where it is.
    }
  }

  private read(file: string): void {
    try {
      const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
      let text: string;
      try {
        text = fs.readFileSync(fd, 'utf8');
      } finally {
        fs.closeSync(fd);
      }
      const data: unknown = JSON.parse(text);
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
    const values = { ...this.values, [key]: value };
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
      writeFileAtomicSync(this.file, JSON.stringify(values, null, 2) + '\n');
    } catch (error) {
      throw new KojoError(ErrorCode.Internal, `cannot save the config ${this.file}: ${describeWriteError(error)}`);
    }
    this.values = values;
  }
}

function unknownKey(key: string): KojoError {
  return new KojoError(
    ErrorCode.BadConfigKey,
    `unknown config key: ${key} (known: ${Object.keys(CONFIG_KEYS).join(', ')})`,
  );
}
