import type { App } from '@slack/bolt';
import { registrationModal } from '../modal.ts';
import type { SlackRuntime } from '../runtime.ts';

// The global shortcut "Register an app" opens the registration form.

export const REGISTER_SHORTCUT_ID = 'steward_register_shortcut';

export function registerShortcutListeners(app: App, slack: SlackRuntime): void {
  app.shortcut(REGISTER_SHORTCUT_ID, async ({ ack, shortcut }) => {
    await ack();
    try {
      await slack.web.views.open({ trigger_id: shortcut.trigger_id, view: registrationModal(slack.services.policy) });
    } catch (error) {
      // Without a channel there is nowhere to answer but the DM.
      slack.logger.error(
        { err: error instanceof Error ? error.message : String(error) },
        'could not open the registration form',
      );
      await slack.web.chat
        .postMessage({
          channel: shortcut.user.id,
          text: "Sorry, I couldn't open the registration form. Please try again, or message me *register*.",
        })
        .catch(() => undefined);
    }
  });
}
