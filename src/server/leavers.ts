import { createHash, timingSafeEqual } from 'node:crypto';
import express from 'express';
import type { Express, Request } from 'express';
import { z } from 'zod';
import { readPerson } from '../lifecycle/people.ts';
import type { Person } from '../lifecycle/people.ts';
import type { Services } from '../runtime/services.ts';
import { methodNotAllowed, sendError } from './errors.ts';

// POST /api/leavers: HR or an identity workflow says who left. Authenticated with the bearer token in
// STEWARD_ADMIN_TOKEN; without that setting every request is refused, so the endpoint is never open.
//
//   { "leavers": ["pat@example.com", "slack:U123", { "platform": "teams", "userId": "<id>", "email": "..." }] }
// answers { "results": [{ "person", "recorded", "transferred", "orphaned", "backupCleared" }] }.

const LEAVERS_PATH = '/api/leavers';

const PersonSchema = z.union([
  z.string().trim().min(1).max(320),
  z
    .object({
      platform: z.enum(['slack', 'teams', 'console', 'email']),
      userId: z.string().trim().min(1).max(320),
      email: z.string().trim().toLowerCase().email().optional(),
      displayName: z.string().trim().min(1).max(200).optional(),
    })
    .strict(),
]);

const BodySchema = z.object({ leavers: z.array(PersonSchema).min(1).max(1000) }).strict();

/** Compares digests, so neither the token's length nor its first wrong character shows in the timing. */
function sameToken(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function bearerOf(req: Request): string | undefined {
  return /^Bearer\s+(\S+)$/iu.exec(req.header('authorization') ?? '')?.[1];
}

export function mountLeavers(app: Express, services: Services): void {
  const token = services.config.STEWARD_ADMIN_TOKEN;
  app.post(LEAVERS_PATH, async (req, res, next) => {
    // Authenticated before the body is read: an unauthenticated caller costs nothing and learns nothing.
    const given = bearerOf(req);
    if (!token || !given || !sameToken(given, token)) {
      (res.locals.log as Services['logger']).warn(
        { configured: Boolean(token) },
        'refused an unauthenticated leavers request',
      );
      res.set('www-authenticate', 'Bearer');
      return sendError(res, {
        status: 401,
        code: 'unauthorized',
        message: token
          ? 'Send the admin token as "Authorization: Bearer <token>".'
          : 'The admin API is off: set STEWARD_ADMIN_TOKEN to use it.',
      });
    }
    express.json({ limit: '256kb' })(req, res, async (error?: unknown) => {
      if (error) return next(error);
      const parsed = BodySchema.safeParse(req.body);
      if (!parsed.success)
        return sendError(res, {
          status: 400,
          code: 'invalid-leavers',
          message: parsed.error.issues
            .slice(0, 3)
            .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
            .join('; '),
        });
      const people: Person[] = [];
      for (const [index, entry] of parsed.data.leavers.entries()) {
        const person = typeof entry === 'string' ? readPerson(entry) : { ...entry };
        if (!person)
          return sendError(res, {
            status: 400,
            code: 'invalid-leavers',
            message: `leavers.${index}: expected an e-mail address or platform:userId (slack:U123, teams:<id>)`,
          });
        people.push(person);
      }
      try {
        const results = [];
        for (const person of people) {
          const outcome = await services.personLeft(person, 'api');
          results.push({ person: `${person.platform}:${person.userId}`, ...outcome });
        }
        res.json({ results });
      } catch (failure) {
        next(failure);
      }
    });
  });
  app.all(LEAVERS_PATH, methodNotAllowed(['POST']));
}
