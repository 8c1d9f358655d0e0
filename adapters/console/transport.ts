import type { OutboxTransport } from '../../src/outbox/transport.ts';
import { renderReply } from './render.ts';

/** Prints outgoing escalations and notifications with their destination, e.g. "[#gov-privacy] ...". */
export function createConsoleTransport(write: (text: string) => void): OutboxTransport {
  return {
    platform: 'console',
    async deliver(message) {
      const body = message.reply ? renderReply(message.reply) : JSON.stringify(message.payload);
      write(`[${message.destination}] ${body.split('\n').join(`\n[${message.destination}] `)}\n`);
      return { receipt: { printedAt: new Date().toISOString() } };
    },
  };
}
