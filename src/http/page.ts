import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { BATCH_EXAMPLE } from './batch.js';
import { EXAMPLE_PROFILE, ProfileSchema } from '../advisor/profile.js';

/** public/ at the top of the package: two folders up from src/http/ under tsx, three from dist/src/http/. */
const PUBLIC_DIR = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../../public/' : '../../../public/', import.meta.url));

const require = createRequire(import.meta.url);
const CHART_DIR = dirname(require.resolve('chart.js'));
const HIGHLIGHT_DIR = dirname(require.resolve('@highlightjs/cdn-assets/package.json'));

/**
 * The files the page loads from the package's own dependencies, by the path it asks for: an allowlist, so
 * nothing else under node_modules is served. Chart.js's UMD build, because its ES build imports a bare
 * module name a browser cannot resolve without an import map (an inline script the CSP would refuse).
 */
const VENDOR_FILES: Record<string, [dir: string, file: string]> = {
  'chart.umd.min.js': [CHART_DIR, 'chart.umd.min.js'],
  'highlight/core.min.js': [HIGHLIGHT_DIR, 'es/core.min.js'],
  'highlight/python.min.js': [HIGHLIGHT_DIR, 'es/languages/python.min.js'],
  'highlight/typescript.min.js': [HIGHLIGHT_DIR, 'es/languages/typescript.min.js'],
  'highlight/github.min.css': [HIGHLIGHT_DIR, 'styles/github.min.css'],
};

/** The README's profiles, one click away on the page; a test holds each to the README's text. */
export const PAGE_EXAMPLES = [
  { label: 'Mixed: 500 tasks, 100 ms CPU + 200 ms wait', profile: EXAMPLE_PROFILE },
  { label: 'CPU-bound: 64 tasks of 200 ms', profile: { tasks: 64, cpuMsPerTask: 200, waitMsPerTask: 0, cores: 8 } },
  { label: 'Long CPU tasks: 200 of 400 ms', profile: { tasks: 200, cpuMsPerTask: 400, waitMsPerTask: 5, cores: 8 } },
  { label: 'Node: 10,000 API calls, 50 at once', profile: BATCH_EXAMPLE.profiles[1] },
] as const;

/**
 * What the page's form is built from: the profile's JSON Schema as a request takes it (bounds, defaults,
 * descriptions for the help texts) and the examples. Smaller than the OpenAPI document (about 6 kB, not 150).
 */
const FORM_REPLY = {
  // The schema's id puts it under $defs; the page wants the object itself.
  profile: (z.toJSONSchema(ProfileSchema, { io: 'input', target: 'draft-2020-12' }) as { $defs: Record<string, unknown> }).$defs.Profile,
  examples: PAGE_EXAMPLES,
};

/**
 * The page at `/`: plain HTML, an ES module and CSS from public/, the charting and highlighting libraries
 * from node_modules, and the form's schema. Nothing is inline, so the content security policy holds as it is.
 */
export const pagePlugin: FastifyPluginAsync = async (app) => {
  // wildcard: false serves the files found at start-up, each on its own route, so an unknown path still
  // gets the API's JSON 404 rather than a static one.
  await app.register(fastifyStatic, { root: PUBLIC_DIR, wildcard: false, index: 'index.html' });

  for (const [path, [dir, file]] of Object.entries(VENDOR_FILES)) {
    app.get(`/vendor/${path}`, { schema: { hide: true } }, (_request, reply) => reply.sendFile(file, dir));
  }
  app.get('/profile-form.json', { schema: { hide: true } }, async () => FORM_REPLY);
};

