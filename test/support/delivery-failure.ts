import { expect } from 'vitest';
import { DeliveryError } from '../../src/outbox/transport.ts';

/** The DeliveryError a delivery rejects with (failing the test when it resolves or rejects otherwise). */
export async function deliveryFailure(run: Promise<unknown>): Promise<DeliveryError> {
  const error = await run.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}
