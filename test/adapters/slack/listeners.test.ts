import { describe, expect, it } from 'vitest';
import { parseSubcommand } from '../../../adapters/slack/listeners/commands.ts';

describe('/steward subcommands', () => {
  it.each([
    ['', { kind: 'core', text: 'help' }],
    ['help', { kind: 'core', text: 'help' }],
    ['register', { kind: 'register' }],
    ['REGISTER', { kind: 'register' }],
    ['apps', { kind: 'core', text: 'my apps' }],
    ['status', { kind: 'core', text: 'status' }],
    ['status APP-0042', { kind: 'core', text: 'status APP-0042' }],
    ['ask Can I use Zapier with HR data?', { kind: 'core', text: 'ask Can I use Zapier with HR data?' }],
  ])('"%s" goes to the core as %j', (text, expected) => {
    expect(parseSubcommand(text)).toEqual(expected);
  });

  it('answers an unknown subcommand, or ask without a question, with the help and a line saying why', () => {
    expect(parseSubcommand('delete everything')).toEqual({
      kind: 'core',
      text: 'help',
      preface: { text: "I don't know `/steward delete`. Here's what I can do:", tone: 'info' },
    });
    expect(parseSubcommand('ask')).toMatchObject({
      kind: 'core',
      text: 'help',
      preface: { text: expect.stringContaining('What would you like to know?') },
    });
  });
});
