import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppProfileSchema } from '../../../src/profile/schema.ts';
import { blockForErrorKey, readRegistration, registrationModal } from '../../../adapters/slack/modal.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- Slack payloads */

const submission = () =>
  JSON.parse(
    readFileSync(path.join(import.meta.dirname, '..', '..', 'fixtures', 'slack', 'view_submission.json'), 'utf8'),
  );

describe('the registration form', () => {
  it('asks for every profile field within Slack’s limits, each input named after its field', () => {
    const view = registrationModal();
    const inputs = view.blocks.filter((block) => block.type === 'input') as any[];
    expect(inputs.map((block) => block.block_id)).toEqual([
      'name',
      'description',
      'platform',
      'department',
      'audience',
      'userCount',
      'dataCategories',
      'systems',
      'ai.used',
      'ai.generatesContent',
      'ai.decisionImpact',
      'ai.profiling',
      'ai.domains',
      'ai.practices',
      'criticality',
      'externalSharing',
      'backupOwner',
    ]);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(view.title.text.length).toBeLessThanOrEqual(24);
    for (const block of inputs)
      for (const option of block.element.options ?? []) expect(option.text.text.length).toBeLessThanOrEqual(75);
  });

  it('reads a submitted form into a valid profile', () => {
    const { input, errors } = readRegistration(submission().view.state);
    expect(errors).toEqual({});
    expect(AppProfileSchema.parse(input)).toMatchObject({
      name: 'Complaint tracker',
      platform: 'power-apps',
      audience: 'department',
      userCount: 45,
      dataCategories: ['personal'],
      systems: [],
      ai: { used: false },
      criticality: 'medium',
      externalSharing: false,
    });
  });

  it('takes the AI answers only when the app uses AI', () => {
    const state = submission().view.state;
    state.values['ai.used'].answer.selected_option = { value: 'yes' };
    state.values['ai.domains'].answer.selected_options = [{ value: 'employment' }];
    expect(readRegistration(state).input.ai).toEqual({
      used: true,
      generatesContent: false,
      decisionImpact: 'none',
      profiling: false,
      domains: ['employment'],
      practices: [],
    });
    state.values['ai.used'].answer.selected_option = { value: 'no' };
    expect(readRegistration(state).input.ai).toEqual({ used: false });
  });

  it('puts each problem under its input, with the chat’s own hints', () => {
    const state = submission().view.state;
    state.values.systems.answer.value = 'Salesforce';
    state.values.name.answer.value = '<b>Tracker</b>';
    state.values.userCount.answer.value = '-3';
    state.values.criticality.answer.selected_option = null;
    expect(readRegistration(state).errors).toEqual({
      systems: 'Does it read from or write to Salesforce? Say it for each system, for example: Salesforce (read).',
      name: 'Please write the name as plain text, without HTML or markup.',
      userCount: 'The number of users cannot be negative. Roughly how many people will use it?',
      criticality: 'Choose how bad a day without it would be.',
    });
  });

  it('maps the core’s error keys to input blocks', () => {
    expect(blockForErrorKey('systems.0.name')).toBe('systems');
    expect(blockForErrorKey('ai.decisionImpact')).toBe('ai.decisionImpact');
    expect(blockForErrorKey('ai')).toBe('ai.used');
    expect(blockForErrorKey('profile')).toBe('name');
  });
});
