// The Teams app package: the manifest against Microsoft's JSON schema, the icons, and `npm run teams:package`.
//
// The schema (/work/shared/schemas/teams-manifest.schema.json) declares draft-04 but uses `const`
// (draft-06), as Microsoft's published Teams schemas do. Ajv 8 has no draft-04 build (that needs the
// ajv-draft-04 package, which is not installed), so the schema is compiled with Ajv's default draft-07
// build after dropping its `$schema`; the first test checks the two draft-04 constructs that would read
// differently in draft-07 (boolean exclusiveMinimum/Maximum, `id` as a schema id) are absent, so the
// result is the same. Every `$ref` in it is local ("#/..."), also checked: nothing is fetched.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import AdmZip from 'adm-zip';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../../src/paths.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- JSON documents are walked generically */

const SCHEMA_PATH = '/work/shared/schemas/teams-manifest.schema.json';
const PACKAGE_DIR = path.join(projectRoot, 'adapters', 'teams', 'appPackage');
const ZIP = path.join(projectRoot, 'dist', 'steward-teams.zip');

const manifest = () => JSON.parse(readFileSync(path.join(PACKAGE_DIR, 'manifest.json'), 'utf8'));

/** Every [key, value, JSON pointer] in a document. */
function* entries(node: any, pointer = '#'): Generator<[string, any, string]> {
  if (Array.isArray(node)) {
    for (const [index, item] of node.entries()) yield* entries(item, `${pointer}/${index}`);
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      yield [key, value, pointer];
      yield* entries(value, `${pointer}/${key}`);
    }
  }
}

let validate: ValidateFunction;

beforeAll(() => {
  const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));
  expect(schema.$schema).toBe('http://json-schema.org/draft-04/schema#');
  delete schema.$schema;
  // strictTypes only lints schema style ("additionalProperties without type: object"); unknown keywords still fail.
  const ajv = new Ajv({ allErrors: true, strictTypes: false, strictTuples: false });
  // ajv-formats is CommonJS: under NodeNext its default import is module.exports, which carries .default.
  addFormats.default(ajv);
  validate = ajv.compile(schema);
});

describe('Teams app manifest', () => {
  it('is checked with a schema that means the same in draft-07 and needs no network', () => {
    const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));
    const all = [...entries(schema)];
    expect(
      all.filter(
        ([key, value]) => (key === 'exclusiveMinimum' || key === 'exclusiveMaximum') && typeof value === 'boolean',
      ),
    ).toEqual([]);
    expect(all.filter(([key, value]) => key === 'id' && typeof value === 'string')).toEqual([]);
    const refs = all.filter(([key]) => key === '$ref').map(([, value]) => String(value));
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.filter((ref) => !ref.startsWith('#'))).toEqual([]);
  });

  it('is valid against the Teams manifest schema', () => {
    const valid = validate(manifest());
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(manifest().manifestVersion).toBe('1.29');
  });

  it('is refused when broken, so the check above means something', () => {
    const broken = manifest();
    broken.bots[0].botId = 'steward-bot';
    delete broken.developer.privacyUrl;
    expect(validate(broken)).toBe(false);
    expect(validate.errors?.map((error) => `${error.instancePath} ${error.message}`)).toEqual(
      expect.arrayContaining([
        "/developer must have required property 'privacyUrl'",
        expect.stringMatching(/^\/bots\/0\/botId must match pattern/u),
      ]),
    );
  });

  it('offers the bot in personal chats and teams, with its commands', () => {
    const [bot] = manifest().bots;
    expect(bot.scopes).toEqual(['personal', 'team']);
    expect(bot.commandLists[0].commands.map((command: any) => command.title)).toEqual(
      expect.arrayContaining(['register', 'my apps', 'status', 'help']),
    );
  });
});

describe('Teams app icons', () => {
  it.each([
    ['color.png', 192],
    ['outline.png', 32],
  ])('%s is a %ipx square PNG', (file, size) => {
    const png = readPng(path.join(PACKAGE_DIR, file));
    expect([png.width, png.height]).toEqual([size, size]);
  });

  it('outline.png is white on transparent', () => {
    const png = readPng(path.join(PACKAGE_DIR, 'outline.png'));
    expect(png.colorType).toBe(6);
    const pixels = rgba(png);
    let drawn = 0;
    let transparent = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      if (pixels[i + 3] === 0) transparent += 1;
      else {
        drawn += 1;
        expect([pixels[i], pixels[i + 1], pixels[i + 2]]).toEqual([255, 255, 255]);
      }
    }
    expect(drawn).toBeGreaterThan(50);
    expect(transparent).toBeGreaterThan(drawn);
  });

  it('color.png is opaque', () => {
    const pixels = rgba(readPng(path.join(PACKAGE_DIR, 'color.png')));
    for (let i = 3; i < pixels.length; i += 4) expect(pixels[i]).toBe(255);
  });
});

describe('npm run teams:package', () => {
  it('zips exactly the manifest and the two icons, with the bot id from MICROSOFT_APP_ID', async () => {
    const appId = '3f2a1b0c-1234-4cde-9f00-1234567890ab';
    const result = await npm(['run', '-s', 'teams:package'], { MICROSOFT_APP_ID: appId });
    expect(result.code, result.output).toBe(0);
    const zip = new AdmZip(ZIP);
    expect(
      zip
        .getEntries()
        .map((entry) => entry.entryName)
        .sort(),
    ).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const packaged = JSON.parse(zip.readAsText('manifest.json'));
    expect(packaged.bots[0].botId).toBe(appId);
    expect(validate(packaged)).toBe(true);
    expect(zip.readFile('color.png')).toEqual(readFileSync(path.join(PACKAGE_DIR, 'color.png')));
  });

  it('keeps the placeholder bot id without MICROSOFT_APP_ID, and says to replace it', async () => {
    const result = await npm(['run', '-s', 'teams:package'], {});
    expect(result.code).toBe(0);
    expect(result.output).toContain('placeholder 00000000-0000-0000-0000-000000000000');
    expect(JSON.parse(new AdmZip(ZIP).readAsText('manifest.json')).bots[0].botId).toBe(
      '00000000-0000-0000-0000-000000000000',
    );
  });

  it('refuses a MICROSOFT_APP_ID that is not a GUID', async () => {
    const result = await npm(['run', '-s', 'teams:package'], { MICROSOFT_APP_ID: 'my-bot' });
    expect(result.code).toBe(1);
    expect(result.output).toContain('MICROSOFT_APP_ID: must be');
  });
});

function npm(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', args, {
      cwd: projectRoot,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

interface Png {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  data: Buffer;
}

/** The IHDR header and the concatenated, still compressed IDAT data of a PNG. */
function readPng(file: string): Png {
  const bytes = readFileSync(file);
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(bytes.toString('latin1', 12, 16)).toBe('IHDR');
  const idat: Buffer[] = [];
  for (let offset = 8; offset < bytes.length;) {
    const length = bytes.readUInt32BE(offset);
    if (bytes.toString('latin1', offset + 4, offset + 8) === 'IDAT')
      idat.push(bytes.subarray(offset + 8, offset + 8 + length));
    offset += length + 12;
  }
  return {
    width: bytes.readUInt32BE(16),
    height: bytes.readUInt32BE(20),
    bitDepth: bytes[24]!,
    colorType: bytes[25]!,
    data: Buffer.concat(idat),
  };
}

function predictor(filter: number, left: number, up: number, upLeft: number): number {
  if (filter === 1) return left;
  if (filter === 2) return up;
  if (filter === 3) return (left + up) >> 1;
  if (filter === 4) {
    const p = left + up - upLeft;
    const [a, b, c] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
    return a <= b && a <= c ? left : b <= c ? up : upLeft;
  }
  return 0;
}

/** Decodes an 8-bit RGBA PNG's pixels (all five scanline filters). */
function rgba(png: Png): Buffer {
  expect([png.bitDepth, png.colorType]).toEqual([8, 6]);
  const raw = inflateSync(png.data);
  const stride = png.width * 4;
  const out = Buffer.alloc(stride * png.height);
  for (let y = 0; y < png.height; y += 1) {
    const filter = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x += 1) {
      const value = raw[y * (stride + 1) + 1 + x]!;
      const left = x >= 4 ? out[y * stride + x - 4]! : 0;
      const up = y > 0 ? out[(y - 1) * stride + x]! : 0;
      const upLeft = x >= 4 && y > 0 ? out[(y - 1) * stride + x - 4]! : 0;
      out[y * stride + x] = (value + predictor(filter, left, up, upLeft)) & 0xff;
    }
  }
  return out;
}
