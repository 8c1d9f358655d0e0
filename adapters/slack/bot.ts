import type { AuthorizeResult } from '@slack/bolt';
import type { WebClient } from './web.ts';

// Who Steward is in the workspace (auth.test): Bolt needs the bot's ids to ignore its own messages.
// Asked once; a failure is not remembered, so a Slack outage at start heals on the next request.

export interface BotIdentity {
  botUserId: string;
  botId: string;
  userName: string;
  team: string;
}

export class BotAuthorization {
  private known: BotIdentity | undefined;
  private asking: Promise<BotIdentity> | undefined;

  constructor(
    private readonly web: WebClient,
    private readonly botToken: string,
  ) {}

  get identity(): BotIdentity | undefined {
    return this.known;
  }

  async check(): Promise<BotIdentity> {
    if (this.known) return this.known;
    this.asking ??= this.web.auth
      .test()
      .then((result) => {
        this.known = {
          botUserId: String(result.user_id),
          botId: String(result.bot_id ?? ''),
          userName: String(result.user ?? ''),
          team: String(result.team ?? ''),
        };
        return this.known;
      })
      .finally(() => {
        this.asking = undefined;
      });
    return this.asking;
  }

  /** Bolt's authorize hook: the single workspace's bot token and ids. */
  readonly authorize = async (): Promise<AuthorizeResult> => {
    const identity = await this.check();
    return { botToken: this.botToken, botId: identity.botId, botUserId: identity.botUserId };
  };
}
