import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// The interactive chat's line history (arrow keys), kept in a small file so it survives a restart.
// Lines that look like secrets or card numbers are never kept, in memory or on disk.

export const HISTORY_SIZE = 500;

const SECRET_PATTERNS: RegExp[] = [
  /\b(?:sk|pk|rk)-[\w-]{16,}/u, // OpenAI-style and other API keys
  /\bxox[abposr]-[\w-]{10,}|\bxapp-[\w-]{10,}/u, // Slack tokens
  /\bgh[pousr]_\w{20,}|\bgithub_pat_\w{20,}/u, // GitHub tokens
  /\bA(?:KIA|SIA)[0-9A-Z]{16}\b/u, // AWS access keys
  /\beyJ[\w-]{10,}\.[\w-]{10,}\./u, // JWTs
  /-----BEGIN [A-Z ]*PRIVATE KEY/u,
  /\b(?:password|passwd|pwd|secret|token|api[_-]?key|client[_-]?secret)\s*[:=]\s*\S+/iu,
  /\/\/[^/\s:@]+:[^/\s@]+@/u, // credentials in a URL
  /\b(?:\d[ -]?){12,18}\d\b/u, // 13 to 19 digits: a card number
];

/** A long unbroken run of letters and digits mixing both, like a key or a token. */
function looksLikeToken(line: string): boolean {
  return (line.match(/[\w+=-]{32,}/gu) ?? []).some((run) => /\d/u.test(run) && /[a-z]/iu.test(run));
}

export function looksSecret(line: string): boolean {
  return SECRET_PATTERNS.some((pattern) => pattern.test(line)) || looksLikeToken(line);
}

/** What may be recalled with the arrow keys: newest first, as readline keeps it. */
export function keepable(history: readonly string[], size = HISTORY_SIZE): string[] {
  return history.filter((line) => line.trim() !== '' && !line.includes('\n') && !looksSecret(line)).slice(0, size);
}

/** Reads the history file (oldest line first, like a shell's) into readline's order (newest first). */
export function loadHistory(file: string | undefined, size = HISTORY_SIZE): string[] {
  if (!file) return [];
  try {
    return keepable(readFileSync(file, 'utf8').split('\n').reverse(), size);
  } catch {
    return [];
  }
}

/** Writes readline's history (newest first) to the file, oldest line first; readable by its owner only. */
export function saveHistory(file: string | undefined, history: readonly string[], size = HISTORY_SIZE): void {
  if (!file) return;
  const lines = keepable(history, size).reverse();
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, lines.length > 0 ? `${lines.join('\n')}\n` : '', { mode: 0o600 });
}
