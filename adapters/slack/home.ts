import type { types } from '@slack/bolt';
import type { Reply } from '../../src/chat/reply.ts';
import type { Block } from './blocks.ts';
import { ACTION_IDS, escapeText, mrkdwnSections, plain } from './blocks.ts';

// The App Home tab: the maker's apps with status and risk tier, and a button to register a new one.

/** Home tabs hold at most 100 blocks; past this many apps, the list points to "my apps" in the DM. */
const MAX_LISTED_APPS = 80;

/** The Home tab for the user's apps, as the core lists them (a field per app). */
export function homeView(list: Reply): types.HomeView {
  const apps = list.fields ?? [];
  const blocks: Block[] = [
    { type: 'header', text: plain('Steward', 150) },
    ...mrkdwnSections(
      'Register the apps you build (Power Apps, flows, Zaps, custom GPTs, macros…) and see which guardrails apply. You can also message me: say *register*, *my apps* or *help*.',
    ),
    {
      type: 'actions',
      block_id: 'steward_home',
      elements: [
        {
          type: 'button',
          action_id: ACTION_IDS.openRegistration,
          text: plain('Register an app'),
          style: 'primary',
          value: 'register',
        },
      ],
    },
    { type: 'divider' },
    { type: 'header', text: plain('Your apps', 150) },
  ];
  if (apps.length === 0) {
    blocks.push(...mrkdwnSections(escapeText(list.text)));
  } else {
    for (const field of (list.fields ?? []).slice(0, MAX_LISTED_APPS)) {
      blocks.push({
        type: 'section',
        text: { type: 'mrkdwn', text: `*${escapeText(field.label)}*\n${escapeText(field.value)}` },
      });
    }
    if (apps.length > MAX_LISTED_APPS) {
      blocks.push({
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: `…and ${apps.length - MAX_LISTED_APPS} more: say *my apps* in a message to me.` },
        ],
      });
    }
  }
  return { type: 'home', blocks };
}
