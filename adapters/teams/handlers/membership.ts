import { TeamsInfo, TurnContext } from 'botbuilder';
import { channelDataOf, isPersonal, userIdOf } from '../inbound.ts';
import type { TeamsBotDeps } from '../deps.ts';

// Installs, removals and channel changes (conversationUpdate, installationUpdate): they are how Steward
// learns the conversation references it needs to post proactively, so a policy can name a team and channel.

type MembershipDeps = Pick<TeamsBotDeps, 'references' | 'reachability' | 'logger'>;

const TEAM_CHANGES = new Set([
  'channelCreated',
  'channelRenamed',
  'channelDeleted',
  'channelRestored',
  'teamRenamed',
  'teamRestored',
  'teamUnarchived',
]);

export async function handleMembership(context: TurnContext, deps: MembershipDeps): Promise<void> {
  const activity = context.activity;
  const botId = activity.recipient?.id;
  const installed =
    activity.type === 'installationUpdate'
      ? /^add/u.test(activity.action ?? '')
      : Boolean(activity.membersAdded?.some((member) => member.id === botId));
  const uninstalled =
    activity.type === 'installationUpdate'
      ? /^remove/u.test(activity.action ?? '')
      : Boolean(activity.membersRemoved?.some((member) => member.id === botId));

  if (isPersonal(activity)) {
    if (installed && activity.from) {
      const reference = TurnContext.getConversationReference(activity);
      delete reference.activityId;
      await deps.references.saveUser(userIdOf(activity), { kind: 'personal', reference });
      deps.logger.info('Teams: installed in a personal chat');
    }
    return;
  }

  const channelData = channelDataOf(activity);
  const team = channelData.team;
  // Group chats are not policy destinations: nothing to keep.
  if (!team?.id) return;
  if (uninstalled) {
    const removed = await deps.references.removeTeam(team.id);
    deps.logger.warn(
      { team: team.name ?? team.id, channels: removed },
      'Teams: removed from a team; its channels are no longer reachable',
    );
    return;
  }
  if (installed || TEAM_CHANGES.has(channelData.eventType ?? '')) await syncTeam(context, deps, team.id, team.name);
}

/** Stores a reference for every channel of the team, named as Teams names them ("General" has no name). */
async function syncTeam(
  context: TurnContext,
  deps: MembershipDeps,
  teamId: string,
  teamName: string | undefined,
): Promise<void> {
  const activity = context.activity;
  const channelData = channelDataOf(activity);
  let name = teamName;
  let channels: Array<{ id: string; name: string }>;
  try {
    name ??= (await TeamsInfo.getTeamDetails(context, teamId)).name;
    channels = (await TeamsInfo.getTeamChannels(context, teamId)).map((channel) => ({
      id: channel.id ?? teamId,
      name: channel.name ?? 'General',
    }));
  } catch (error) {
    // Without the channel list, keep at least what this activity shows.
    deps.logger.warn(
      { team: name ?? teamId, error: error instanceof Error ? error.message : String(error) },
      "Teams: could not list the team's channels",
    );
    channels = [{ id: teamId, name: 'General' }];
    const channel = channelData.channel;
    if (channel?.id && channel.name && channel.id !== teamId) channels.push({ id: channel.id, name: channel.name });
  }
  if (!name) {
    deps.logger.warn({ teamId }, 'Teams: the team has no name I can use; its channels were not stored');
    return;
  }
  const tenantId = channelData.tenant?.id ?? activity.conversation?.tenantId;
  const destinations = await deps.references.saveTeam({
    team: { id: teamId, name },
    channels,
    serviceUrl: activity.serviceUrl,
    channelId: activity.channelId,
    ...(tenantId ? { tenantId } : {}),
    bot: activity.recipient,
  });
  deps.reachability.installed(destinations);
  deps.logger.info({ team: name, destinations }, 'Teams: stored the channels of a team');
}
