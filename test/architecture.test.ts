// The architecture as a test: the core's folders form layers that only import downwards, no folder or
// file imports itself round a cycle, and adapters reach the database only through the core.
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../src/paths.ts';
import type { SourceFile } from './support/import-graph.ts';
import { cycles, fileEdges, folderEdges, folderOf, parseImports, readSources } from './support/import-graph.ts';

/** Lowest first. A folder may import its own layer and those below it, never one above. */
const LAYERS = [
  ['src', 'src/chat', 'src/generated'],
  ['src/profile'],
  ['src/policy', 'src/llm'],
  ['src/assessment'],
  ['src/db', 'src/store'],
  ['src/review'],
  ['src/apps', 'src/outbox'],
  ['src/lifecycle', 'src/discover'],
  ['src/handbook'],
  ['src/intake'],
  ['src/conversation'],
  ['src/dashboard'],
  ['src/runtime'],
  ['src/server'],
  ['adapters/shared'],
  ['adapters/console', 'adapters/slack', 'adapters/teams'],
  ['adapters'],
  ['src/cli'],
];

const DATABASE = /^src\/(store|generated|db)\//u;
const DATABASE_PACKAGES = /^(@prisma\/|pg$|@electric-sql\/pglite$|pglite-prisma-adapter$)/u;
/** Prisma and the drivers live here only; the rest of the core goes through the Store's repositories. */
const PERSISTENCE = /^src\/(store|db|generated)\//u;
const GENERATED_CLIENT = /^src\/generated\//u;
/** All an adapter may import from the core: the port, and the platform-neutral vocabulary it speaks. */
const ADAPTER_MAY_IMPORT = /^src\/(runtime\/port\.ts|chat\/[^/]+\.ts|outbox\/transport\.ts|logger\.ts|config\.ts)$/u;

function layerOf(folder: string): number {
  return LAYERS.findIndex((layer) => layer.includes(folder));
}

/**
 * Imports that go up a layer, from an adapter into the database or past the port, or to Prisma from
 * outside src/store and src/db, as "file -> target".
 */
function violations(sources: SourceFile[]): string[] {
  const found: string[] = [];
  for (const source of sources) {
    const from = folderOf(source.file);
    for (const target of source.imports) {
      const to = folderOf(target);
      if (layerOf(from) < 0) found.push(`${source.file}: folder ${from} has no layer`);
      else if (layerOf(to) > layerOf(from)) found.push(`${source.file} -> ${target}`);
      else if (source.file.startsWith('adapters/') && DATABASE.test(target)) found.push(`${source.file} -> ${target}`);
      else if (source.file.startsWith('adapters/') && target.startsWith('src/') && !ADAPTER_MAY_IMPORT.test(target))
        found.push(`${source.file} -> ${target} (adapters reach the core through src/runtime/port.ts)`);
      else if (!PERSISTENCE.test(source.file) && GENERATED_CLIENT.test(target))
        found.push(`${source.file} -> ${target} (Prisma lives in src/store and src/db)`);
    }
    if (!PERSISTENCE.test(source.file)) {
      for (const name of source.packages.filter((name) => DATABASE_PACKAGES.test(name)))
        found.push(`${source.file} -> ${name}`);
    }
  }
  return [...new Set(found)];
}

const sources = readSources(projectRoot, ['src', 'adapters']);

describe('architecture', () => {
  it('imports only go down the layers, adapters reach the core only through its port, and Prisma stays in the store', () => {
    expect(violations(sources)).toEqual([]);
  });

  it('no folder and no file imports itself round a cycle', () => {
    expect(cycles(folderEdges(sources)).map((cycle) => cycle.join(' -> '))).toEqual([]);
    expect(cycles(fileEdges(sources)).map((cycle) => cycle.join(' -> '))).toEqual([]);
  });

  it('the checks themselves catch an upward import, an adapter past the port, Prisma outside the store, and a cycle', () => {
    const file = (path: string, text: string): SourceFile => ({ file: path, ...parseImports(path, text) });
    const synthetic = [
      file('src/profile/a.ts', "import { x } from '../intake/b.ts';"),
      file('src/intake/b.ts', "import type { Y } from '../profile/a.ts';"),
      file(
        'adapters/slack/c.ts',
        "import { PrismaClient } from '@prisma/client';\nimport { apps } from '../../src/store/apps.ts';",
      ),
      file('adapters/teams/d.ts', "import { parseAnswer } from '../../src/intake/questions.ts';"),
      file('src/review/e.ts', "import type { App } from '../generated/prisma/client.ts';\nimport pg from 'pg';"),
    ];
    expect(violations(synthetic)).toEqual([
      'src/profile/a.ts -> src/intake/b.ts',
      'adapters/slack/c.ts -> src/store/apps.ts',
      'adapters/slack/c.ts -> @prisma/client',
      'adapters/teams/d.ts -> src/intake/questions.ts (adapters reach the core through src/runtime/port.ts)',
      'src/review/e.ts -> src/generated/prisma/client.ts (Prisma lives in src/store and src/db)',
      'src/review/e.ts -> pg',
    ]);
    expect(cycles(folderEdges(synthetic))).toEqual([['src/intake', 'src/profile']]);
    expect(cycles(fileEdges(synthetic))).toEqual([['src/intake/b.ts', 'src/profile/a.ts']]);
  });
});
