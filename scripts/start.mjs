// `npm start`: compile only when a source is newer than the last build, then run the server in this process
// (no npm or shell between it and the signals, so SIGTERM reaches close-with-grace directly).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const SOURCES = ['src', 'routes', 'workers', 'python/calibration.json', 'tsconfig.json', 'package-lock.json'];
const STAMP = 'dist/.build-stamp';
const SERVER = 'dist/src/server.js';

function newestMtimeMs(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtimeMs(join(path, name))));
}

const builtAt = existsSync(STAMP) && existsSync(SERVER) ? statSync(STAMP).mtimeMs : 0;
if (Math.max(...SOURCES.map(newestMtimeMs)) > builtAt) {
  console.error(builtAt ? 'sources changed since the last build: compiling' : 'first start: compiling (about 15 s)');
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { stdio: 'inherit' });
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
}

await import(pathToFileURL(SERVER).href);
