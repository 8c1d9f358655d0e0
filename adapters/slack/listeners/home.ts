import type { App } from '@slack/bolt';
import { mrkdwnSections } from '../blocks.ts';
import { homeView } from '../home.ts';
import type { SlackRuntime } from '../runtime.ts';

// App Home (app_home_opened on the Home tab): the user's apps, drawn fresh each time it is opened.

export function registerHomeListeners(app: App, slack: SlackRuntime): void {
  app.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    try {
      const apps = await slack.services.appsOf({ platform: 'slack', userId: event.user });
      await slack.web.views.publish({ user_id: event.user, view: homeView(apps) });
    } catch (error) {
      slack.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'could not draw App Home');
      await slack.web.views
        .publish({
          user_id: event.user,
          view: {
            type: 'home',
            blocks: mrkdwnSections(
              "Sorry, I couldn't load your apps just now. Please open this tab again in a moment.",
            ),
          },
        })
        .catch(() => undefined);
    }
  });
}
