import type { Express } from 'express';
import type { Logger } from '../../src/logger.ts';
import type { OutboxTransport } from '../../src/outbox/transport.ts';
import type { StewardPort, UnresolvedDestination } from '../../src/runtime/port.ts';

// What every chat platform adapter provides. An adapter verifies and parses the platform's requests,
// calls the core (services), and renders the core's replies; it never holds state of its own.

export interface PlatformAdapter {
  platform: 'slack' | 'teams';
  /** Delivers outbox messages (escalations, notifications, updates of earlier messages) on this platform. */
  transport: OutboxTransport;
  /** Adds the platform's HTTP endpoints to the `npm start` server. */
  mount?(app: Express): void;
  /** Connects what needs connecting (Socket Mode, destination checks) once the server listens. */
  start?(): Promise<void>;
  /** Stops taking new work; in-flight work is finished by the caller's shutdown. */
  stop?(): Promise<void>;
  /** Shown in /healthz, e.g. which configured destinations are unreachable. */
  health?(): Promise<Record<string, unknown>>;
}

export interface AdapterContext {
  services: StewardPort;
  env: Record<string, string | undefined>;
  logger: Logger;
}

export interface AdapterFactory {
  platform: PlatformAdapter['platform'];
  /** Whether the environment turns this platform on; throws a ConfigError naming the variable if it is half-configured. */
  isEnabled(env: Record<string, string | undefined>): boolean;
  create(context: AdapterContext): Promise<PlatformAdapter>;
  /** Which of these destinations (a policy's channels) this platform cannot deliver to; throws when it cannot tell. */
  unresolvedDestinations?(context: AdapterContext, destinations: string[]): Promise<UnresolvedDestination[]>;
}
