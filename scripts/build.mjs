// Bundles the CLI, the daemon, its emulator thread, the tests and the
// benchmark with esbuild; tsc only type-checks (npm run typecheck).
import { build } from 'esbuild';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
// Test files at any depth under test/{unit,integration,e2e} (rooms have folders).
const testFiles = ['unit', 'integration', 'e2e'].flatMap((dir) =>
  readdirSync(path.join('test', dir), { recursive: true })
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => path.join('test', dir, f)),
);

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  external: ['node-pty'],
  define: { __KOJO_VERSION__: JSON.stringify(version) },
  logLevel: 'warning',
};

// The CLI is CommonJS: Node starts a CommonJS program ~9 ms sooner than an
// ES module one (no ESM loader), and `kojo ls` is mostly start-up.
const commonjs = {
  ...common,
  format: 'cjs',
  define: { ...common.define, 'import.meta.url': '__kojoUrl' },
  banner: { js: "const __kojoUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [
    {
      // The daemon is its own file, loaded only by `kojo daemon run`.
      name: 'daemon-apart',
      setup(build) {
        build.onResolve({ filter: /\/daemon\/entry\.js$/ }, () => ({ path: './daemon.js', external: true }));
        // So is the dashboard, with Ink and React: loaded only by `kojo top`.
        build.onResolve({ filter: /\/top\/run\.js$/ }, () => ({ path: './top.js', external: true }));
      },
    },
  ],
};

// The daemon (with its emulator thread), the tests and the benchmark are ES
// modules: loaded as CommonJS the daemon would hold ~8 MB more.
const esm = {
  ...common,
  format: 'esm',
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
};

rmSync('dist', { recursive: true, force: true });
await Promise.all([
  build({ ...commonjs, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', outExtension: { '.js': '.cjs' } }),
  build({
    ...esm,
    entryPoints: { daemon: 'src/daemon/entry.ts', emulatorWorker: 'src/daemon/emulator/worker.ts' },
    outdir: 'dist',
  }),
  build({
    ...esm,
    entryPoints: { top: 'src/cli/top/run.ts' },
    outdir: 'dist',
    define: { ...esm.define, 'process.env.NODE_ENV': '"production"' },
    plugins: [
      {
        // Ink imports React's devtools bridge only when DEV is set; leave it out.
        name: 'no-devtools',
        setup(build) {
          build.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: 'devtools', namespace: 'empty' }));
          build.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'export default {};' }));
        },
      },
    ],
  }),
  build({
    ...esm,
    entryPoints: [...testFiles, 'bench/bench.ts', 'bench/soak.ts'],
    outdir: 'dist',
    outbase: '.',
    external: ['node-pty', '@xterm/*'],
  }),
]);
