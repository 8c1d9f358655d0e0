import type { OutboxTransport } from '../../src/outbox/transport.ts';
import { paint, renderReply } from './render.ts';

/** Prints outgoing escalations and notifications with their destination, e.g. "[#gov-privacy] ...". */
export function createConsoleTransport(
  write: (text: string) => void,
  options: { color?: boolean } = {},
): OutboxTransport {
  return {
    platform: 'console',
    async deliver(message) {
      // Every kind shows its reply; the terminal cannot edit what it printed, so an update is printed anew.
      const body = renderReply(message.reply);
      const tag = paint(`[${message.destination}]`, options.color ?? false, 'magenta');
      write(`${tag} ${body.split('\n').join(`\n${tag} `)}\n`);
      return { receipt: { printedAt: new Date().toISOString() } };
    },
  };
}
