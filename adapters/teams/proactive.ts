import { AuthenticationConstants } from 'botframework-connector';
import { TeamsInfo, TurnContext } from 'botbuilder';
import type { Activity, CloudAdapter, ConversationParameters, ConversationReference } from 'botbuilder';
import { DeliveryError } from '../../src/outbox/transport.ts';
import { isLoopbackUrl } from './emulator.ts';
import type { StoredReference, TeamsReferences } from './references.ts';

// Messages Steward starts itself (escalations, notifications, updates of earlier cards), from a
// stored reference, through botbuilder's continueConversationAsync.

export interface PostedMessage {
  conversationId: string;
  activityId: string;
}

export class TeamsProactive {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
    private readonly references: TeamsReferences,
    /** In emulator mode nothing is ever sent off this machine, whatever a stored reference says. */
    private readonly loopbackOnly: boolean,
  ) {}

  /** Posts a new message (a new thread in a channel); a user seen only in channels gets a personal chat first. */
  async post(stored: StoredReference, activity: Partial<Activity>, userAadObjectId?: string): Promise<PostedMessage> {
    if (stored.kind === 'member') return this.openPersonalChat(stored, activity, userAadObjectId);
    return this.inConversation(stored.reference, async (context) => {
      const sent = await context.sendActivity(activity);
      return { conversationId: context.activity.conversation.id, activityId: sent?.id ?? '' };
    });
  }

  /** Replaces a message the bot posted earlier. */
  async update(stored: StoredReference, posted: PostedMessage, activity: Partial<Activity>): Promise<void> {
    const base: Partial<ConversationReference> = stored.kind === 'member' ? memberReference(stored) : stored.reference;
    const reference = {
      ...base,
      conversation: { ...base.conversation, id: posted.conversationId },
    } as Partial<ConversationReference>;
    await this.inConversation(reference, async (context) => {
      await context.updateActivity({ ...activity, id: posted.activityId });
    });
  }

  /** Asks the Bot Connector about a channel's team: 403 BotNotInConversationRoster when the app was removed. */
  async probe(stored: Extract<StoredReference, { kind: 'channel' }>): Promise<void> {
    await this.inConversation(stored.reference, async (context) => {
      await TeamsInfo.getTeamDetails(context, stored.teamId);
    });
  }

  private async inConversation<T>(
    reference: Partial<ConversationReference>,
    work: (context: TurnContext) => Promise<T>,
  ): Promise<T> {
    this.checkServiceUrl(reference.serviceUrl);
    let result: T | undefined;
    await this.adapter.continueConversationAsync(this.appId, reference, async (context) => {
      sendAsNewMessages(context);
      result = await work(context);
    });
    return result as T;
  }

  private async openPersonalChat(
    stored: Extract<StoredReference, { kind: 'member' }>,
    activity: Partial<Activity>,
    aadObjectId?: string,
  ): Promise<PostedMessage> {
    this.checkServiceUrl(stored.serviceUrl);
    let posted: PostedMessage | undefined;
    const parameters: ConversationParameters = {
      isGroup: false,
      bot: stored.bot,
      members: [stored.user],
      ...(stored.tenantId ? { tenantId: stored.tenantId } : {}),
      channelData: stored.tenantId ? { tenant: { id: stored.tenantId } } : {},
    };
    await this.adapter.createConversationAsync(
      this.appId,
      stored.channelId,
      stored.serviceUrl,
      AuthenticationConstants.ToChannelFromBotOAuthScope,
      parameters,
      async (context) => {
        const reference = { ...TurnContext.getConversationReference(context.activity), user: stored.user };
        delete reference.activityId;
        if (aadObjectId) await this.references.saveUser(aadObjectId, { kind: 'personal', reference });
        sendAsNewMessages(context);
        const sent = await context.sendActivity(activity);
        posted = { conversationId: context.activity.conversation.id, activityId: sent?.id ?? '' };
      },
    );
    if (!posted) throw new Error('Teams did not open a personal chat');
    return posted;
  }

  private checkServiceUrl(serviceUrl: string | undefined): void {
    if (this.loopbackOnly && !isLoopbackUrl(serviceUrl)) {
      throw new DeliveryError('TEAMS_EMULATOR is on: refusing to send to a serviceUrl outside this machine', false);
    }
  }
}

/**
 * A proactive turn "replies" to a made-up activity id (a continuation, or the new conversation's id):
 * send new messages instead, which in a channel start a new thread.
 */
function sendAsNewMessages(context: TurnContext): void {
  context.onSendActivities(async (_context, activities, next) => {
    for (const outgoing of activities) delete outgoing.replyToId;
    return next();
  });
}

function memberReference(stored: Extract<StoredReference, { kind: 'member' }>): Partial<ConversationReference> {
  return {
    channelId: stored.channelId,
    serviceUrl: stored.serviceUrl,
    bot: stored.bot,
    user: stored.user,
    conversation: { id: '', isGroup: false, conversationType: 'personal', name: '' },
  };
}
