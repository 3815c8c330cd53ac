// Bundles the CLI, the daemon's emulator thread, the tests and the benchmark
// with esbuild; tsc only type-checks (npm run typecheck).
import { build } from 'esbuild';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
const testFiles = ['unit', 'integration', 'e2e'].flatMap((dir) =>
  readdirSync(path.join('test', dir))
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => path.join('test', dir, f)),
);

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  external: ['node-pty'],
  define: { __KOJO_VERSION__: JSON.stringify(version) },
  // Bundled CommonJS dependencies call require() for Node built-ins.
  banner: {
    js: [
      "import { createRequire as __kojoRequire } from 'node:module';",
      "import { fileURLToPath as __kojoPath } from 'node:url';",
      'const require = __kojoRequire(import.meta.url);',
      'const __filename = __kojoPath(import.meta.url);',
      "const __dirname = __kojoPath(new URL('.', import.meta.url));",
    ].join(' '),
  },
  logLevel: 'warning',
};

rmSync('dist', { recursive: true, force: true });
await Promise.all([
  build({
    ...common,
    entryPoints: { cli: 'src/cli/main.ts', emulatorWorker: 'src/daemon/emulatorWorker.ts' },
    outdir: 'dist',
    splitting: true,
    chunkNames: '[name]-[hash]',
  }),
  build({
    ...common,
    entryPoints: [...testFiles, 'bench/bench.ts'],
    outdir: 'dist',
    outbase: '.',
    external: ['node-pty', '@xterm/*'],
  }),
]);
