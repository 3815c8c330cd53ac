// Settings the CLI reads itself, straight from config.json: cheaper than a
// round trip to the daemon, and right even before the daemon migrated the file.
import fs from 'node:fs';
import { statePaths } from '../shared/paths.js';
import { DEFAULT_DETACH_KEYS } from './detachKeys.js';

function readConfig(): Record<string, unknown> {
  const paths = statePaths();
  for (const file of [paths.config, paths.legacyConfig]) {
    if (!file) continue;
    try {
      const data: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
      return typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      return {}; // Unreadable: the defaults, as the daemon does.
    }
  }
  return {};
}

/** `--detach-keys` when not given: config `detach-keys`, else ctrl-\. */
export function defaultDetachKeys(): string {
  const value = readConfig()['detach-keys'];
  return typeof value === 'string' && value !== '' ? value : DEFAULT_DETACH_KEYS;
}
