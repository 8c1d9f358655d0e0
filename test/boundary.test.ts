// The core is platform-neutral: nothing under src/ may import a Slack or Teams SDK.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../src/paths.ts';

const PLATFORM_SDK =
  /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"](@slack\/[^'"]+|botbuilder[^'"]*|botframework-[^'"]+|@microsoft\/teams[^'"]*)['"]/u;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(full);
    return /\.(ts|js|mts|mjs)$/u.test(entry.name) ? [full] : [];
  });
}

export function platformImports(dir: string): string[] {
  return sourceFiles(dir).flatMap((file) => {
    const match = PLATFORM_SDK.exec(readFileSync(file, 'utf8'));
    return match ? [`${path.relative(projectRoot, file)} imports ${match[1]}`] : [];
  });
}

describe('core boundary', () => {
  it('src/ imports no Slack or Teams SDK', () => {
    expect(platformImports(path.join(projectRoot, 'src'))).toEqual([]);
  });

  it('the check itself catches such an import', () => {
    expect(PLATFORM_SDK.test("import { App } from '@slack/bolt';")).toBe(true);
    expect(PLATFORM_SDK.test("import { CloudAdapter } from 'botbuilder';")).toBe(true);
    expect(PLATFORM_SDK.test("const x = await import('botbuilder-core');")).toBe(true);
    expect(PLATFORM_SDK.test("import { z } from 'zod';")).toBe(false);
  });
});
