import { createHmac, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';

// Values kept in the browser (the dashboard's session, a sign-in in progress), signed with
// SESSION_SECRET so they cannot be altered, and carrying their own expiry. They hold no tokens.

/** Signed for one purpose (`session`, `login`): a value signed for one is never read as the other. */
function mac(secret: string, purpose: string, data: string): string {
  return createHmac('sha256', secret).update(`${purpose}.${data}`).digest('base64url');
}

/** `payload.signature`, the payload being base64url JSON with `exp` (ms since epoch). */
export function signValue(secret: string, purpose: string, payload: object, ttlMs: number, now = Date.now()): string {
  const data = Buffer.from(JSON.stringify({ ...payload, exp: now + ttlMs })).toString('base64url');
  return `${data}.${mac(secret, purpose, data)}`;
}

/** The payload if the signature holds, it parses, and it has not expired; otherwise undefined. */
export function readSignedValue<T>(
  secret: string,
  purpose: string,
  value: string | undefined,
  schema: z.ZodType<T>,
  now = Date.now(),
): T | undefined {
  if (!value) return undefined;
  const [data, signature, extra] = value.split('.');
  if (!data || !signature || extra !== undefined) return undefined;
  const expected = Buffer.from(mac(secret, purpose, data));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  try {
    const decoded = JSON.parse(Buffer.from(data, 'base64url').toString('utf8')) as { exp?: unknown };
    if (typeof decoded.exp !== 'number' || decoded.exp <= now) return undefined;
    const parsed = schema.safeParse(decoded);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The cookies of a request, by name (the first of each). */
export function cookiesOf(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at <= 0) continue;
    const name = part.slice(0, at).trim();
    if (cookies.has(name)) continue;
    // Another site's cookie on this host may hold a stray "%": it is skipped, not fatal.
    try {
      cookies.set(name, decodeURIComponent(part.slice(at + 1).trim()));
    } catch {
      continue;
    }
  }
  return cookies;
}

/** A Set-Cookie value: HttpOnly and SameSite=Lax always, Secure always (browsers accept it on localhost too). */
export function cookie(name: string, value: string, options: { path: string; maxAgeMs: number }): string {
  return [
    `${name}=${encodeURIComponent(value)}`,
    `Path=${options.path}`,
    `Max-Age=${Math.max(0, Math.floor(options.maxAgeMs / 1000))}`,
    'HttpOnly',
    'Secure',
    'SameSite=Lax',
  ].join('; ');
}
