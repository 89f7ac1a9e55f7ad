import type { RewardEntry } from "../../sdk/src";
import { seededRandom } from "./random";

/**
 * `count` seeded accounts with amounts up to ~10^9 OPEN, as an epoch report read from JSON gives them: lower-case
 * hex in flat strings (concatenated strings would make every library pay for flattening them first). The last four
 * bytes of the i-th account are i + 1, so the accounts are distinct.
 */
export function rewardEntries(count: number, seed = count): RewardEntry[] {
  const random = seededRandom(seed);
  const hex = () =>
    Math.floor(random() * 2 ** 32)
      .toString(16)
      .padStart(8, "0");
  const accounts: string[] = JSON.parse(
    JSON.stringify(
      Array.from(
        { length: count },
        (_, i) => "0x" + hex() + hex() + hex() + hex() + (i + 1).toString(16).padStart(8, "0"),
      ),
    ),
  );
  return accounts.map((account) => ({ account, amount: BigInt(Math.floor(random() * 2 ** 53)) * 10n ** 11n }));
}
