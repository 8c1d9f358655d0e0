import { AppProfileSchema, type AiUse, type AppProfile, type AppProfileInput } from '../../src/profile/schema.ts';

export type ProfileOverrides = Partial<Omit<AppProfileInput, 'ai'>> & { ai?: Partial<AiUse> };

/**
 * A valid profile that no default rule fires on (an internal team tool without AI), changed by
 * `overrides`; `ai` is merged field by field.
 */
export function riskProfile(overrides: ProfileOverrides = {}): AppProfile {
  const { ai, ...rest } = overrides;
  return AppProfileSchema.parse({
    name: 'Office supplies tracker',
    description: 'Tracks stationery orders for the office.',
    platform: 'power-apps',
    department: 'Facilities',
    audience: 'team',
    userCount: 8,
    dataCategories: ['internal'],
    systems: [],
    criticality: 'low',
    externalSharing: false,
    ...rest,
    ai: { used: false, ...ai },
  });
}
