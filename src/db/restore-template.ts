// Restores the embedded database's template (a gzipped tar of a data directory, as PGlite's
// dumpDataDir writes it) straight onto disk, streaming. Handing it to PGlite instead (`loadDataDir`)
// unpacks the whole archive inside its WebAssembly memory first: ~130 MB more at the first start.
import { createReadStream } from 'node:fs';
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { createGunzip } from 'node:zlib';

const BLOCK = 512;

/** The marker Postgres reads first; written last, so a directory without it is an unfinished restore. */
const COMPLETE_MARKER = 'PG_VERSION';

interface Entry {
  name: string;
  type: 'file' | 'directory';
  size: number;
  mode: number;
}

function readString(header: Buffer, offset: number, length: number): string {
  const field = header.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? length : end).toString('utf8');
}

function readOctal(header: Buffer, offset: number, length: number): number {
  const text = readString(header, offset, length).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

/** One ustar header; undefined for the zero block that ends the archive. */
function parseHeader(header: Buffer): Entry | undefined {
  if (header.every((byte) => byte === 0)) return undefined;
  const prefix = readString(header, 345, 155);
  const name = readString(header, 0, 100);
  const flag = String.fromCharCode(header[156] ?? 0);
  if (flag !== '0' && flag !== '\0' && flag !== '5') throw new Error(`Unsupported tar entry type "${flag}"`);
  return {
    name: prefix ? `${prefix}/${name}` : name,
    type: flag === '5' ? 'directory' : 'file',
    size: readOctal(header, 124, 12),
    mode: readOctal(header, 100, 8) & 0o777,
  };
}

/** `entryName` inside `dir`, refusing names that would leave it. */
function destination(dir: string, entryName: string): string {
  const target = path.resolve(dir, `.${path.posix.sep}${entryName.replace(/^\/+/, '')}`);
  if (target !== dir && !target.startsWith(`${dir}${path.sep}`)) {
    throw new Error(`Tar entry "${entryName}" points outside the directory`);
  }
  return target;
}

/** Extracts `template` (.tar.gz) into `dir`, the marker file last. */
export async function restoreTemplate(template: string, dir: string): Promise<void> {
  const root = path.resolve(dir);
  mkdirSync(root, { recursive: true });
  let pending: Buffer = Buffer.alloc(0);
  let entry: Entry | undefined;
  let remaining = 0; // data bytes of the current entry still to come
  let padding = 0; // bytes to skip up to the next block boundary
  let fd: number | undefined;
  let collecting: { target: string; mode: number; chunks: Buffer[] } | undefined; // the marker, held back
  let marker: typeof collecting;
  let ended = false;

  const finishEntry = () => {
    if (fd !== undefined) closeSync(fd);
    if (collecting) marker = collecting;
    fd = undefined;
    collecting = undefined;
    entry = undefined;
  };

  for await (const chunk of createReadStream(template).pipe(createGunzip())) {
    pending = pending.length === 0 ? (chunk as Buffer) : Buffer.concat([pending, chunk as Buffer]);
    while (!ended) {
      if (entry) {
        if (remaining > 0) {
          if (pending.length === 0) break;
          const data = pending.subarray(0, Math.min(remaining, pending.length));
          if (collecting) collecting.chunks.push(Buffer.from(data));
          else if (fd !== undefined) writeSync(fd, data);
          remaining -= data.length;
          pending = pending.subarray(data.length);
          continue;
        }
        if (padding > 0) {
          if (pending.length === 0) break;
          const skipped = Math.min(padding, pending.length);
          padding -= skipped;
          pending = pending.subarray(skipped);
          continue;
        }
        finishEntry();
        continue;
      }
      if (pending.length < BLOCK) break;
      const header = parseHeader(pending.subarray(0, BLOCK));
      pending = pending.subarray(BLOCK);
      if (!header) {
        ended = true;
        break;
      }
      const target = destination(root, header.name);
      if (header.type === 'directory') {
        mkdirSync(target, { recursive: true, mode: header.mode || 0o700 });
        continue;
      }
      mkdirSync(path.dirname(target), { recursive: true });
      entry = header;
      remaining = header.size;
      padding = (BLOCK - (header.size % BLOCK)) % BLOCK;
      if (path.relative(root, target) === COMPLETE_MARKER) {
        collecting = { target, mode: header.mode || 0o600, chunks: [] };
      } else {
        fd = openSync(target, 'w', header.mode || 0o600);
      }
    }
  }
  if (entry && remaining > 0) throw new Error(`The template ${template} ends in the middle of ${entry.name}`);
  finishEntry();
  if (!marker) throw new Error(`The template ${template} has no ${COMPLETE_MARKER}`);
  writeFileSync(marker.target, Buffer.concat(marker.chunks), { mode: marker.mode });
}
