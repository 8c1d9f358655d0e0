import type { AppRow, DiscoveredItemRow } from '../store/types.ts';
import { emailOf } from './parse.ts';

// What was discovered against what is registered. An item is registered when it is linked to an app by
// its platform id; otherwise it may be proposed for an app of the same owner and a name that differs
// only in case, spacing, punctuation or a trailing "v2"/"(copy)", which the owner has to confirm: a
// proposal is still unregistered. An owner may have said it is retired (it then counts nowhere but in
// the report's list of them) or not theirs (it stays unregistered, and is not proposed to them).

const TRAILING_MARKER = /(?:\(\s*(?:copy|\d+)\s*\)|(?<![\p{L}\p{N}])\(?v(?:ersion)?\s*\d+(?:\.\d+)*\)?)\s*$/u;

/** "Expense Tracker  v2", "expense-tracker (Copy)" and "ExpenseTracker" all compare as "expensetracker". */
export function comparableName(name: string): string {
  let text = name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().trim();
  for (let stripped = text.replace(TRAILING_MARKER, '').trim(); stripped !== text && stripped !== '';) {
    text = stripped;
    stripped = text.replace(TRAILING_MARKER, '').trim();
  }
  return text.replace(/[^\p{L}\p{N}]+/gu, '');
}

export type ItemStatus =
  | { kind: 'registered'; app: AppRow; ownerMismatch: boolean }
  | { kind: 'proposed'; app: AppRow }
  | { kind: 'retired' }
  | { kind: 'unregistered' };

/** The item's standing against the register (apps by id). */
export function reconcile(item: DiscoveredItemRow, apps: ReadonlyMap<string, AppRow>): ItemStatus {
  const linked = item.linkedAppId ? apps.get(item.linkedAppId) : undefined;
  if (linked) {
    const appOwner = emailOf(linked.ownerEmail);
    return {
      kind: 'registered',
      app: linked,
      ownerMismatch: !!item.ownerEmail && !!appOwner && item.ownerEmail !== appOwner,
    };
  }
  if (item.answer === 'retired') return { kind: 'retired' };
  if (!item.ownerEmail || item.answer === 'not-mine') return { kind: 'unregistered' };
  const name = comparableName(item.name);
  const candidate = [...apps.values()].find(
    (app) =>
      app.status !== 'retired' && emailOf(app.ownerEmail) === item.ownerEmail && comparableName(app.name) === name,
  );
  return candidate ? { kind: 'proposed', app: candidate } : { kind: 'unregistered' };
}

/** Listed in what discovery counts: present in its source's last import, and not retired by its owner. */
export function counted(item: Pick<DiscoveredItemRow, 'missingSince' | 'answer' | 'linkedAppId'>): boolean {
  return item.missingSince === null && (item.linkedAppId !== null || item.answer !== 'retired');
}
