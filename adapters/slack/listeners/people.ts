import type { App } from '@slack/bolt';
import { z } from 'zod';
import type { SlackRuntime } from '../runtime.ts';

// Slack's user_change event: a deactivated account is a person who left. Their apps go to their backup
// owners or are orphaned (the core decides); a redelivered event changes nothing, as the core records a
// leaver once.

const DeactivatedUserSchema = z.object({
  id: z.string().min(1),
  deleted: z.literal(true),
  real_name: z.string().optional(),
  profile: z.object({ email: z.string().email().optional(), real_name: z.string().optional() }).partial().optional(),
});

export function registerPeopleListeners(app: App, slack: SlackRuntime): void {
  app.event('user_change', async ({ event }) => {
    const user = DeactivatedUserSchema.safeParse((event as { user?: unknown }).user);
    if (!user.success) return; // an ordinary profile change
    const { id, profile } = user.data;
    const name = user.data.real_name ?? profile?.real_name;
    const outcome = await slack.services.personLeft(
      {
        platform: 'slack',
        userId: id,
        ...(profile?.email ? { email: profile.email.toLowerCase() } : {}),
        ...(name ? { displayName: name } : {}),
      },
      'slack:user_change',
    );
    if (outcome.recorded)
      slack.logger.info(
        { userId: id, transferred: outcome.transferred.length, orphaned: outcome.orphaned.length },
        'a deactivated Slack account left its apps to their backups or the orphan queue',
      );
  });
}
