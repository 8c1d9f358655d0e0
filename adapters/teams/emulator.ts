import { isIP } from 'node:net';
import type { RequestHandler } from 'express';

// TEAMS_EMULATOR=true turns authentication off (for the Bot Framework Emulator and local tests). The
// bot answers at the activity's serviceUrl and trusts its `from`, so without a token anyone could make
// it post anywhere or act as anyone: in that mode only activities whose serviceUrl is on this machine
// are accepted.

/** True for http(s) URLs whose host is 127.0.0.0/8, ::1 or localhost. */
export function isLoopbackUrl(value: unknown): boolean {
  if (typeof value !== 'string' || !URL.canParse(value)) return false;
  const url = new URL(value);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const host = url.hostname.replace(/^\[|\]$/gu, '').toLowerCase();
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  // URL gives IPv6 in canonical form: ::1, and IPv4-mapped 127.x.y.z as ::ffff:7fxx:yyzz.
  if (isIP(host) === 6) return host === '::1' || /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/u.test(host);
  return false;
}

/** Refuses (403) any activity whose serviceUrl is not on loopback, before botbuilder sees it. */
export function loopbackOnly(onRefused: (serviceUrl: string) => void): RequestHandler {
  return (req, res, next) => {
    const serviceUrl: unknown = (req.body as { serviceUrl?: unknown } | undefined)?.serviceUrl;
    if (isLoopbackUrl(serviceUrl)) return next();
    onRefused(typeof serviceUrl === 'string' ? serviceUrl.slice(0, 200) : String(serviceUrl));
    // The same shape as every other error answer of the server (src/server/errors.ts), with its own words.
    res.status(403).json({
      error: {
        code: 'forbidden',
        message: 'TEAMS_EMULATOR accepts activities only from a loopback serviceUrl (127.0.0.0/8, ::1, localhost).',
      },
      requestId: String(res.locals.requestId ?? ''),
    });
  };
}
