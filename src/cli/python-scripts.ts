import { fileURLToPath } from 'node:url';

/**
 * python/ sits at the repository root, beside dist/, in the repository and in the Docker image (which has no
 * bench/). This module runs as dist/src/cli/python-scripts.js, or as src/cli/python-scripts.ts under tsx.
 */
const ROOT = import.meta.url.endsWith('.ts') ? '../../' : '../../../';

/** The path of a script under python/. */
export function pythonScript(name: string): string {
  return fileURLToPath(new URL(`${ROOT}python/${name}`, import.meta.url));
}
