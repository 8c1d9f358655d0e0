import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../paths.ts';

// Prompts are files in prompts/ so they can be reviewed and changed like policy, without code.

const cache = new Map<string, string>();

/** The text of prompts/<name>.md, read once. */
export function loadPrompt(name: string): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new Error(`invalid prompt name "${name}"`);
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(path.join(projectRoot, 'prompts', `${name}.md`), 'utf8');
    cache.set(name, text);
  }
  return text;
}

/** Replaces each {{key}} in a prompt; a key without a value is an error, not a silent gap. */
export function fillPrompt(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`prompt placeholder {{${key}}} has no value`);
    return value;
  });
}
