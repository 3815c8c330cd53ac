import fs from 'node:fs';
import path from 'node:path';

/** The absolute path `name` runs as from `cwd` with this PATH, like a shell's lookup. */
export function findExecutable(name: string, pathVar: string | undefined, cwd: string): string | undefined {
  if (name.includes('/')) {
    const candidate = path.resolve(cwd, name);
    return isExecutableFile(candidate) ? candidate : undefined;
  }
  for (const dir of (pathVar ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.resolve(cwd, dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
