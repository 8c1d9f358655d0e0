// Slack waits 3 seconds for an answer to a slash command or a form submission. Work that may take
// longer (the LLM, a busy database) races this budget: if it wins, its result goes in the ack itself;
// if not, the ack says "working on it" and the result follows (response_url, views.update).

const ACK_BUDGET_MS = 2000;

export type Raced<T> = { done: true; value: T } | { done: false; later: Promise<T> };

export async function raceAckBudget<T>(work: Promise<T>, budgetMs: number = ACK_BUDGET_MS): Promise<Raced<T>> {
  // A rejection after the budget is handled by whoever awaits `later`; never an unhandled rejection.
  work.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), budgetMs);
  });
  try {
    const first = await Promise.race([work.then((value) => ({ value })), late]);
    return first === 'late' ? { done: false, later: work } : { done: true, value: first.value };
  } finally {
    clearTimeout(timer);
  }
}
