// Draws the Teams app icons into adapters/teams/appPackage/ (the PNGs are committed; rerun after a
// design change): color.png, 192x192, a white check in a ring on the accent colour; outline.png,
// 32x32, the same shape in white on transparent, as Teams requires. PNG written with node:zlib only.
//
// Usage: node --import tsx scripts/make-teams-icons.ts
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { projectRoot } from '../src/paths.ts';

const PACKAGE_DIR = path.join(projectRoot, 'adapters', 'teams', 'appPackage');
/** The manifest's accentColor, #2E7D5B. */
const ACCENT = [0x2e, 0x7d, 0x5b] as const;
/** Samples per pixel side, for smooth edges. */
const SUPERSAMPLE = 4;

type Point = readonly [number, number];

/** The mark, in a unit square: a ring and a check inside it. */
function inMark(x: number, y: number): boolean {
  const ring = Math.abs(Math.hypot(x - 0.5, y - 0.5) - 0.36) <= 0.035;
  const check: Point[] = [
    [0.33, 0.51],
    [0.45, 0.63],
    [0.68, 0.39],
  ];
  return ring || nearPolyline(x, y, check, 0.045);
}

function nearPolyline(x: number, y: number, points: Point[], halfWidth: number): boolean {
  for (let i = 0; i + 1 < points.length; i += 1) {
    const [ax, ay] = points[i]!;
    const [bx, by] = points[i + 1]!;
    const t = Math.max(
      0,
      Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)),
    );
    if (Math.hypot(x - (ax + t * (bx - ax)), y - (ay + t * (by - ay))) <= halfWidth) return true;
  }
  return false;
}

/** How much of the pixel the mark covers, 0..1. */
function coverage(px: number, py: number, size: number): number {
  let hits = 0;
  for (let sy = 0; sy < SUPERSAMPLE; sy += 1) {
    for (let sx = 0; sx < SUPERSAMPLE; sx += 1) {
      if (inMark((px + (sx + 0.5) / SUPERSAMPLE) / size, (py + (sy + 0.5) / SUPERSAMPLE) / size)) hits += 1;
    }
  }
  return hits / SUPERSAMPLE ** 2;
}

/** RGBA pixels, row by row. */
function draw(size: number, pixel: (cover: number) => readonly [number, number, number, number]): Buffer {
  const rgba = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) rgba.set(pixel(coverage(x, y, size)), (y * size + x) * 4);
  }
  return rgba;
}

export function encodePng(width: number, height: number, rgba: Buffer): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits per channel, RGBA, deflate, no filter method, no interlace
  // Each scanline starts with its filter type (0: none).
  const raw = Buffer.alloc(height * (width * 4 + 1));
  for (let y = 0; y < height; y += 1) rgba.copy(raw, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const blend = (cover: number, channel: number) => Math.round(channel + (255 - channel) * cover);

const color = draw(192, (cover) => [blend(cover, ACCENT[0]), blend(cover, ACCENT[1]), blend(cover, ACCENT[2]), 255]);
const outline = draw(32, (cover) => [255, 255, 255, Math.round(255 * cover)]);
writeFileSync(path.join(PACKAGE_DIR, 'color.png'), encodePng(192, 192, color));
writeFileSync(path.join(PACKAGE_DIR, 'outline.png'), encodePng(32, 32, outline));
console.log(`Wrote color.png (192x192) and outline.png (32x32) to ${path.relative(process.cwd(), PACKAGE_DIR) || '.'}`);
