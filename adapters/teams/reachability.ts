import type { Logger } from '../../src/logger.ts';
import { escalationTargets } from '../../src/runtime/port.ts';
import type { Policy } from '../../src/runtime/port.ts';
import { TIERS, teamIds } from '../../src/runtime/port.ts';
import { connectorFailure } from './errors.ts';
import type { TeamsProactive } from './proactive.ts';
import type { StoredReference, TeamsReferences } from './references.ts';
import type { DeliveryObserver } from './transport.ts';

// Which of the policy's Teams destinations ("Team/Channel") Steward cannot post to: those it has no
// stored reference for (the app was never added to that team, or the names differ), and those whose
// team answers 403 BotNotInConversationRoster (the app was removed). Checked at start, kept up to date
// by installs and deliveries, and shown in /healthz.

export interface UnreachableDestination {
  destination: string;
  reason: string;
}

const PROBE_TIMEOUT_MS = 5000;
export const NO_REFERENCE =
  'no stored conversation reference: add the Steward app to this team (the team and channel names must match the policy)';

export class TeamsReachability implements DeliveryObserver {
  /** Destinations (lower-cased) a probe or a delivery found unreachable, with why. */
  private readonly refused = new Map<string, UnreachableDestination>();

  constructor(
    private readonly deps: {
      /** Read at each check: a policy published since the start counts. */
      inForce: { readonly policy: Policy };
      references: TeamsReferences;
      proactive: TeamsProactive;
      logger: Logger;
    },
  ) {}

  /** Every Teams destination the policy can escalate to, whatever the tier. */
  destinations(): string[] {
    const { policy } = this.deps.inForce;
    const all = TIERS.flatMap((tier) => escalationTargets({ tier, teams: teamIds(policy) }, policy));
    return [...new Set(all.filter((target) => target.platform === 'teams').map((target) => target.destination))];
  }

  /** The start-time check: looks up every destination and asks the Bot Connector about each stored team. */
  async check(): Promise<UnreachableDestination[]> {
    const teams = new Map<string, { stored: Extract<StoredReference, { kind: 'channel' }>; destinations: string[] }>();
    for (const destination of this.destinations()) {
      const stored = await this.deps.references.find(destination);
      if (stored?.kind !== 'channel') continue;
      const entry = teams.get(stored.teamId) ?? { stored, destinations: [] };
      entry.destinations.push(destination);
      teams.set(stored.teamId, entry);
    }
    await Promise.all([...teams.values()].map((team) => this.probe(team.stored, team.destinations)));
    const unreachable = await this.report();
    if (unreachable.length > 0) {
      this.deps.logger.warn(
        { unreachable },
        `Teams: ${unreachable.length} of ${this.destinations().length} policy destinations are not reachable; escalations to them will fail: ${unreachable.map((entry) => entry.destination).join(', ')}`,
      );
    } else {
      this.deps.logger.info({ destinations: this.destinations() }, 'Teams: every policy destination is reachable');
    }
    return unreachable;
  }

  /** For /healthz: stored references are re-read, so a team added since the start counts at once. */
  async report(): Promise<UnreachableDestination[]> {
    const stored = new Set(
      (await this.deps.references.channelDestinations()).map((destination) => destination.toLowerCase()),
    );
    return this.destinations().flatMap((destination) => {
      if (!stored.has(destination.toLowerCase())) return [{ destination, reason: NO_REFERENCE }];
      const refused = this.refused.get(destination.toLowerCase());
      return refused ? [refused] : [];
    });
  }

  delivered(destination: string): void {
    this.refused.delete(destination.toLowerCase());
  }

  unreachable(destination: string, reason: string): void {
    const configured = this.destinations().find((candidate) => candidate.toLowerCase() === destination.toLowerCase());
    if (configured) this.refused.set(configured.toLowerCase(), { destination: configured, reason });
  }

  /** The app was (re)added to a team: its channels are reachable again. */
  installed(destinations: string[]): void {
    for (const destination of destinations) this.refused.delete(destination.toLowerCase());
  }

  private async probe(stored: Extract<StoredReference, { kind: 'channel' }>, destinations: string[]): Promise<void> {
    try {
      await withTimeout(this.deps.proactive.probe(stored), PROBE_TIMEOUT_MS);
      for (const destination of destinations) this.refused.delete(destination.toLowerCase());
    } catch (error) {
      const { status, code } = connectorFailure(error);
      if (status === 403 || status === 404) {
        const reason = `${status}${code ? ` ${code}` : ''}: Steward is no longer in team "${stored.teamName}"; add the app to it again`;
        for (const destination of destinations) this.unreachable(destination, reason);
        return;
      }
      // Not conclusive (network, 5xx, timeout): say so, but do not call the destination unreachable.
      this.deps.logger.warn({ team: stored.teamName, status, code }, 'Teams: could not check a team at start');
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
