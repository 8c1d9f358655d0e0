import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root, so shipped files (policy, prompts, migrations) resolve whatever the cwd. The
 * compiled code runs from dist/src, one level further down than the sources.
 */
function findProjectRoot(): string {
  const above = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  return path.basename(above) === 'dist' ? path.dirname(above) : above;
}

export const projectRoot = findProjectRoot();
