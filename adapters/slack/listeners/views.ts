import type { App } from '@slack/bolt';
import type { RegisterOutcome } from '../../../src/runtime/port.ts';
import { raceAckBudget } from '../ack-budget.ts';
import { renderReply } from '../blocks.ts';
import { REGISTRATION_CALLBACK_ID, formErrors, messageModal, readRegistration } from '../modal.ts';
import { REASON_REQUIRED, REVIEW_REASON_CALLBACK_ID, readReasonSubmission } from '../review.ts';
import type { SlackRuntime } from '../runtime.ts';
import { WORKING_NOTICE } from '../turns.ts';

// Form submissions (view_submission): the registration form and the reviewer's reason.

const FAILED = "Sorry, something went wrong on my side and the app wasn't registered. Please try again in a moment.";

function resultModal(outcome: RegisterOutcome) {
  if (outcome.ok) return messageModal('Registered', outcome.reply);
  const problems = Object.values(outcome.errors).join(' ');
  return messageModal('Not registered', {
    text: `Some answers need another look: ${problems} Please open the form again.`,
    tone: 'error',
  });
}

/** The picked backup owner with the name Slack shows for them, for the summary and the reviewers. */
async function withBackupOwnerName(input: Record<string, unknown>, slack: SlackRuntime) {
  const backup = input.backupOwner as { platform: string; userId: string } | undefined;
  if (!backup) return input;
  const displayName = await slack.directory.displayName(backup.userId);
  return { ...input, backupOwner: { ...backup, ...(displayName ? { displayName } : {}) } };
}

export function registerViewListeners(app: App, slack: SlackRuntime): void {
  app.view(REGISTRATION_CALLBACK_ID, async ({ ack, body, view }) => {
    let acked = false;
    try {
      const form = readRegistration(view.state, slack.services.policy);
      if (Object.keys(form.errors).length > 0) {
        acked = true;
        await ack({ response_action: 'errors', errors: form.errors });
        return;
      }
      const userId = body.user.id;
      // A second app with the same name is the one mistake only the database knows: say it inline.
      const existing =
        typeof form.input.name === 'string'
          ? await slack.services.findAppByName({ platform: 'slack', userId }, form.input.name)
          : undefined;
      if (existing) {
        acked = true;
        await ack({
          response_action: 'errors',
          errors: {
            name: `You already registered an app with this name (${existing.reference}). Choose another name, or message me *update ${existing.reference}*.`,
          },
        });
        return;
      }
      const work = (async () => {
        const displayName = (await slack.directory.displayName(userId)) ?? body.user.name;
        const owner = { platform: 'slack', userId, ...(displayName ? { displayName } : {}) };
        const input = await withBackupOwnerName(form.input, slack);
        // The form asks for a backup owner: the core says, under it, when the app's tier needs one.
        return slack.services.registerProfile(owner, input, {
          eventId: `slack:view:${view.id}`,
          requireBackupOwner: true,
        });
      })();
      const raced = await raceAckBudget(work);
      let outcome: RegisterOutcome;
      if (raced.done) {
        outcome = raced.value;
        acked = true;
        if (!outcome.ok && outcome.duplicate) await ack();
        else if (!outcome.ok) await ack({ response_action: 'errors', errors: formErrors(outcome.errors) });
        else await ack({ response_action: 'update', view: resultModal(outcome) });
      } else {
        acked = true;
        await ack({
          response_action: 'update',
          view: messageModal('Register an app', { text: `${WORKING_NOTICE} Assessing your app.` }),
        });
        outcome = await raced.later;
        if (!(!outcome.ok && outcome.duplicate))
          await slack.web.views.update({ view_id: view.id, view: resultModal(outcome) });
      }
      if (outcome.ok) {
        // The confirmation also goes to the DM, where the maker can find it later.
        await slack.web.chat.postMessage({ channel: userId, ...renderReply(outcome.reply), unfurl_links: false });
        void slack.services.deliverNow();
      }
    } catch (error) {
      slack.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'registration form failed');
      const apology = messageModal('Not registered', { text: FAILED, tone: 'error' });
      if (!acked) await ack({ response_action: 'update', view: apology }).catch(() => undefined);
      else await slack.web.views.update({ view_id: view.id, view: apology }).catch(() => undefined);
    }
  });

  app.view(REVIEW_REASON_CALLBACK_ID, async ({ ack, body, view }) => {
    const { metadata, reason } = readReasonSubmission(view);
    if (!reason) {
      await ack({ response_action: 'errors', errors: REASON_REQUIRED });
      return;
    }
    await ack();
    if (!metadata) return;
    try {
      await slack.reviews.onReason(metadata, reason, { id: body.user.id, username: body.user.name });
    } catch (error) {
      slack.reviews.logFailure(error);
      await slack.web.chat
        .postEphemeral({
          channel: metadata.channel,
          user: body.user.id,
          text: "Sorry, something went wrong on my side and your decision wasn't saved. Please try again.",
        })
        .catch(() => undefined);
    }
  });
}
