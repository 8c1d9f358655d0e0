import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, so shipped files (policy, prompts, migrations) resolve whatever the cwd. */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
