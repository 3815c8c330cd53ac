// The daemon's program: `kojo daemon run`, and what autostart spawns (without
// the CLI's code, so the long-lived process holds none of it).
import { runDaemon } from './main.js';

process.exitCode = await runDaemon();
