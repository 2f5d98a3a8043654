/**
 * The longest wait between two attempts at a failing batch, whatever INGEST_RETRY_BASE_MS and the
 * attempt: the partition is not held up for long, and the wait stays far below setTimeout's limit
 * of 2^31-1 ms (beyond it a timer fires at once).
 */
export const MAX_RETRY_WAIT_MS = 30_000;

/** The wait after failed attempt `attempt` (1, 2, …): the base doubled each time, capped. */
export function retryWaitMs(attempt: number, baseMs: number): number {
  return Math.min(MAX_RETRY_WAIT_MS, baseMs * 2 ** (attempt - 1));
}
