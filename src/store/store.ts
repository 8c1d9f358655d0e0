import type { PrismaClient } from '../generated/prisma/client.ts';
import type { AdapterStateStore } from './adapter-state.ts';
import { adapterStateStore } from './adapter-state.ts';
import type { AppRepository } from './apps.ts';
import { appRepository } from './apps.ts';
import type { AssessmentRepository } from './assessments.ts';
import { assessmentRepository } from './assessments.ts';
import type { AuditLog } from './audit.ts';
import { auditLog } from './audit.ts';
import type { ConversationRepository } from './conversations.ts';
import type { DashboardRepository } from './dashboard.ts';
import { dashboardRepository } from './dashboard.ts';
import { conversationRepository } from './conversations.ts';
import type { DiscoveryRepository } from './discovery.ts';
import { discoveryRepository } from './discovery.ts';
import type { HandoffRepository } from './handoffs.ts';
import { handoffRepository } from './handoffs.ts';
import type { DatabaseHealth } from './health.ts';
import { databaseHealth } from './health.ts';
import type { OutboxRepository } from './outbox.ts';
import { outboxRepository } from './outbox.ts';
import type { PolicyRepository } from './policies.ts';
import { policyRepository } from './policies.ts';
import type { ProcessedEvents } from './processed-events.ts';
import { processedEvents } from './processed-events.ts';
import type { ReviewRepository } from './reviews.ts';
import { reviewRepository } from './reviews.ts';
import type { LeaverRepository, RecertificationRepository } from './lifecycle.ts';
import { leaverRepository, recertificationRepository } from './lifecycle.ts';
import type { Client } from './types.ts';

// The database as the rest of Steward sees it: one repository per kind of record, and transactions.
// A Store handed to `transaction`'s work writes inside that transaction, all or nothing.

export interface Store {
  apps: AppRepository;
  assessments: AssessmentRepository;
  reviews: ReviewRepository;
  conversations: ConversationRepository;
  outbox: OutboxRepository;
  handoffs: HandoffRepository;
  leavers: LeaverRepository;
  recertifications: RecertificationRepository;
  discovery: DiscoveryRepository;
  policies: PolicyRepository;
  /** Read-only counts and pages for the governance dashboard. */
  dashboard: DashboardRepository;
  audit: AuditLog;
  events: ProcessedEvents;
  adapterState: AdapterStateStore;
  health: DatabaseHealth;
  /** Runs `work` in one transaction; inside one already, it simply joins it. */
  transaction<T>(work: (store: Store) => Promise<T>): Promise<T>;
}

export function createStore(prisma: PrismaClient): Store {
  const inTransaction = <T>(work: (tx: Client) => Promise<T>): Promise<T> => prisma.$transaction((tx) => work(tx));
  const on = (db: Client, transaction: Store['transaction']): Store => ({
    apps: appRepository(db),
    assessments: assessmentRepository(db),
    reviews: reviewRepository(db),
    conversations: conversationRepository(db),
    outbox: outboxRepository(db),
    handoffs: handoffRepository(db),
    leavers: leaverRepository(db),
    recertifications: recertificationRepository(db),
    discovery: discoveryRepository(db),
    policies: policyRepository(db),
    dashboard: dashboardRepository(db),
    audit: auditLog(db),
    events: processedEvents(db),
    adapterState: adapterStateStore(db, (work) => (db === prisma ? inTransaction(work) : work(db))),
    health: databaseHealth(db),
    transaction,
  });
  const transaction: Store['transaction'] = (work) =>
    inTransaction((tx) => {
      const joined: Store = on(tx, (inner) => inner(joined));
      return work(joined);
    });
  return on(prisma, transaction);
}
