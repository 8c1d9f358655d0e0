// The baseline: a bare Bolt app that acknowledges each DM and answers it with one chat.postMessage,
// with no database and no logic. Run as its own process, like Steward, under the same load.
//   SLACK_SIGNING_SECRET=... SLACK_BOT_TOKEN=... SLACK_API_URL=... PORT=... node --import tsx bench/support/bare-bolt.ts
import { App, HTTPReceiver } from '@slack/bolt';

const receiver = new HTTPReceiver({
  signingSecret: process.env.SLACK_SIGNING_SECRET!,
  endpoints: '/slack/events',
  processBeforeResponse: false,
});
const app = new App({
  token: process.env.SLACK_BOT_TOKEN!,
  receiver,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL!, retryConfig: { retries: 0 } },
  tokenVerificationEnabled: false,
  botId: 'B0BARE',
  botUserId: 'U0BARE',
});
app.message(async ({ message, client }) => {
  if (!('channel' in message)) return;
  await client.chat.postMessage({ channel: message.channel, text: 'Got it.' });
});
await app.start(Number(process.env.PORT ?? 3999));
console.log(JSON.stringify({ msg: 'bare bolt listening', port: Number(process.env.PORT ?? 3999) }));
