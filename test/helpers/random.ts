// The SDK's generator (mulberry32), so that every run of a random test makes the same choices.
export { seededRandom } from "../../sdk/src/internal/random";

/** Fisher–Yates shuffle driven by a seeded PRNG (e.g. `seededRandom`); returns a new array. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
