import { CommitmentStateError } from "../errors";

/** How long to wait between two reveals of a commitment that is still too recent. */
export const REVEAL_RETRY_MS = 1_000;

/**
 * Runs `reveal` until it no longer fails with `DatanetCommitmentTooRecent`, for at most `seconds`. A reveal must come
 * in a later block than its commitment; on chains with sub-second blocks the next block may still carry the
 * commitment's timestamp, so the reveal waits for the clock to move on. Any other error is thrown at once.
 */
export async function retryWhileTooRecent<T>(
  reveal: () => Promise<T>,
  seconds: number,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<T> {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    try {
      return await reveal();
    } catch (error) {
      const tooRecent = error instanceof CommitmentStateError && error.errorName === "DatanetCommitmentTooRecent";
      if (!tooRecent || Date.now() >= until) throw error;
      await sleep(REVEAL_RETRY_MS);
    }
  }
}
