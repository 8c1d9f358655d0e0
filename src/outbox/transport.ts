import type { OutboxPayload } from '../chat/outbox-payload.ts';
import type { Reply } from '../chat/reply.ts';

// How an adapter delivers outgoing messages for its platform. The outbox worker owns retries.

export interface OutgoingMessage {
  /** The outbox row's id. */
  id: string;
  platform: string;
  destination: string;
  /** What to send, as parsed from the row: transports switch on payload.kind. */
  payload: OutboxPayload;
  /** payload.reply: what every kind shows. */
  reply: Reply;
  attempt: number;
  /** For an update: the message being edited, with the receipt its delivery stored. */
  original?: { id: string; destination: string; receipt?: Record<string, string> };
}

interface DeliveryReceipt {
  /** Platform ids of the posted message (Slack channel + ts, Teams activity id), to edit it later. */
  receipt?: Record<string, string>;
}

export interface OutboxTransport {
  platform: string;
  deliver(message: OutgoingMessage): Promise<DeliveryReceipt>;
  /**
   * After a crash between posting and recording the post, asks the platform whether this message was
   * in fact posted (e.g. by metadata carrying the outbox id), so it is not posted twice.
   */
  findDelivered?(message: OutgoingMessage): Promise<DeliveryReceipt | undefined>;
}

/** A failed delivery. Retryable ones (timeouts, 5xx, 429) are tried again later; others go to the dead letters. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
    /** The platform may have acted on the request (timeout, dropped connection, 5xx): check before repeating it. */
    readonly uncertain = false,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}
