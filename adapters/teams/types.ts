// The parts of Teams' activity payloads Steward reads (channelData is untyped in botbuilder's Activity).
// See https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/subscribe-to-conversation-events

type TeamsEventType =
  | 'teamMemberAdded'
  | 'teamMemberRemoved'
  | 'channelCreated'
  | 'channelRenamed'
  | 'channelDeleted'
  | 'channelRestored'
  | 'teamRenamed'
  | 'teamDeleted'
  | 'teamArchived'
  | 'teamUnarchived'
  | 'teamRestored';

export interface TeamsChannelData {
  /** Set on channel messages (alongside channel/team). */
  teamsChannelId?: string;
  teamsTeamId?: string;
  channel?: { id: string; name?: string };
  /** The team's id is its General channel's id. */
  team?: { id: string; name?: string; aadGroupId?: string };
  tenant?: { id: string };
  eventType?: TeamsEventType | string;
  settings?: { selectedChannel?: { id: string } };
}

/** The value of an `adaptiveCard/action` invoke (Action.Execute). */
export interface AdaptiveCardInvokeValue {
  action?: { type?: string; verb?: string; data?: unknown };
  trigger?: string;
}
