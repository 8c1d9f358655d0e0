// The project's import graph, read from the source text: which file imports which (relative imports
// and packages), folder cycles and file cycles. The architecture test turns its findings into rules.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

export interface SourceFile {
  /** Path relative to the project root, with forward slashes. */
  file: string;
  /** Project files it imports (relative to the root), and packages by name. */
  imports: string[];
  packages: string[];
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gu;

function filesUnder(root: string, dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = `${dir}/${entry.name}`;
    if (entry.isDirectory())
      return entry.name === 'generated' || entry.name === 'fixtures' ? [] : filesUnder(root, relative);
    return /\.ts$/u.test(entry.name) && !/\.test\.ts$/u.test(entry.name) ? [relative] : [];
  });
}

/** Parses import specifiers from a file's text: relative ones resolved against `file`, the rest as packages. */
export function parseImports(file: string, text: string): { imports: string[]; packages: string[] } {
  const imports: string[] = [];
  const packages: string[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const specifier = match[1] ?? match[2]!;
    if (specifier.startsWith('.'))
      imports.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)));
    else
      packages.push(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!);
  }
  return { imports, packages };
}

export function readSources(root: string, dirs: string[]): SourceFile[] {
  return dirs
    .flatMap((dir) => filesUnder(root, dir))
    .map((file) => ({ file, ...parseImports(file, readFileSync(path.join(root, file), 'utf8')) }));
}

/** Every cycle in a directed graph, each as its nodes in order (found once, from its smallest node). */
export function cycles(edges: Map<string, Set<string>>): string[][] {
  const found = new Map<string, string[]>();
  const nodes = [...edges.keys()].sort();
  for (const start of nodes) {
    // Depth-first from `start` over nodes after it, so each cycle is reported from its smallest node.
    const stack: Array<{ node: string; path: string[] }> = [{ node: start, path: [start] }];
    while (stack.length > 0) {
      const { node, path: trail } = stack.pop()!;
      for (const next of edges.get(node) ?? []) {
        if (next === start) {
          const key = trail.join(' -> ');
          if (!found.has(key)) found.set(key, trail);
        } else if (next > start && !trail.includes(next) && trail.length < 8) {
          stack.push({ node: next, path: [...trail, next] });
        }
      }
    }
  }
  return [...found.values()];
}

/** The folder a file belongs to for layering: `src/intake`, `adapters/slack` (sub-folders fold into it). */
export function folderOf(file: string): string {
  const parts = file.split('/');
  return parts.length > 2 ? parts.slice(0, 2).join('/') : parts[0]!;
}

export function folderEdges(sources: SourceFile[]): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const source of sources) {
    const from = folderOf(source.file);
    const targets = edges.get(from) ?? new Set<string>();
    for (const target of source.imports.map(folderOf)) if (target !== from) targets.add(target);
    edges.set(from, targets);
  }
  return edges;
}

export function fileEdges(sources: SourceFile[]): Map<string, Set<string>> {
  return new Map(sources.map((source) => [source.file, new Set(source.imports)]));
}
