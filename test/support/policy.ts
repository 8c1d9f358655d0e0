// The shipped policy with reviewers filled in, as an admin would before going live.
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { DEFAULT_POLICY_PATH, loadPolicyFromText } from '../../src/policy/load.ts';
import type { Policy } from '../../src/policy/schema.ts';

const REVIEWERS = {
  privacy: { slack: ['UPRIVACY1'], teams: ['aad-privacy-1'] },
  security: { slack: ['USECURITY1', 'SSECGROUP'], teams: ['aad-security-1'] },
  'ai-governance': { slack: ['UAIGOV1'], teams: ['aad-ai-1'] },
  architecture: { slack: ['UARCH1'], teams: ['aad-arch-1'] },
  compliance: { slack: ['UCOMPLY1'], teams: ['aad-comply-1'] },
} as const;

function testPolicyText(edit: (doc: ReturnType<typeof parseDocument>) => void = () => undefined): string {
  const doc = parseDocument(readFileSync(DEFAULT_POLICY_PATH, 'utf8'));
  for (const [team, reviewers] of Object.entries(REVIEWERS))
    doc.setIn(['teams', team, 'reviewers'], doc.createNode(reviewers));
  doc.setIn(['leads', 'reviewers'], doc.createNode({ slack: ['ULEAD1'], teams: ['aad-lead-1'] }));
  edit(doc);
  return doc.toString();
}

export function testPolicy(edit?: (doc: ReturnType<typeof parseDocument>) => void): Policy {
  return loadPolicyFromText(testPolicyText(edit), 'test-policy.yaml');
}

/** Writes the test policy into `dir` (with the default handbook folder next to it, if the policy names one). */
export async function writeTestPolicy(
  dir: string,
  edit?: (doc: ReturnType<typeof parseDocument>) => void,
): Promise<string> {
  const file = path.join(dir, 'policy.yaml');
  await writeFile(file, testPolicyText(edit));
  return file;
}

/** The rule of the example: an app that writes to SAP is high, for architecture and compliance. */
export const SAP_WRITE_RULE = {
  id: 'SAP-WRITE',
  title: 'Writes to SAP',
  tier: 'high',
  teams: ['architecture', 'compliance'],
  source: 'Finance controls',
  explanation: 'The app writes to SAP, which finance controls cover.',
  when: {
    field: 'systems',
    some: {
      all: [
        { field: 'access', is: 'write' },
        { field: 'name', mentionsAny: ['SAP'] },
      ],
    },
  },
};
