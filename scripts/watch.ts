/**
 * The guardian's watcher: follows the reward distributor's proposals, verifies each pending root once (as
 * verify-epoch does) and revokes a root that does not match before its challenge window ends, saying why; a root
 * that matches is left alone.
 *
 *   npm run watch -- --network localhost --account-index 1 [--interval 60] [--once]   (--help for every option)
 */
import type { Signer } from "ethers";
import * as z from "zod";
import { RewardsClient } from "../sdk/src";
import { SIGNER_ENVIRONMENT, SIGNER_OPTIONS, SIGNER_SCHEMA, exitWith, opt, signerChoice } from "./lib/cli";
import type { Command } from "./lib/cli";
import { NETWORK_ENVIRONMENT, NETWORK_OPTIONS, NETWORK_SCHEMA, openNetwork } from "./lib/operator";
import type { OperatorNetwork } from "./lib/operator";
import { chainTime, rootOf } from "./lib/roots";
import { duration, when } from "./lib/ui";
import { verifyEpoch, whyDiffers } from "./verifyEpoch";

/** What the watcher did with a pending root. */
export type WatchVerdict = "none" | "seen" | "matches" | "revoked" | "too-late";

/**
 * One pass: syncs the index, reads the pending root and, unless `seen` holds it (by epoch and root), verifies it;
 * revokes it with `guardian` when it does not match and its window is still open. Returns what it did.
 */
export async function watchOnce(
  network: OperatorNetwork,
  guardian: Signer,
  seen: Set<string>,
  log: (line: string) => void = (line) => console.log(line),
): Promise<WatchVerdict> {
  await network.sync();
  const root = await rootOf(network);
  if (!root || root.state !== "pending") {
    log("No pending root.");
    return "none";
  }
  const key = `${root.epoch}:${root.root}`;
  if (seen.has(key)) return "seen";
  seen.add(key);
  const what = `Epoch ${root.epoch}: pending root ${root.root}`;
  const result = await verifyEpoch(network, root.epoch, root);
  if (result.ok) {
    log(`${what} matches; left alone (acceptable from ${when(root.validAt)}).`);
    return "matches";
  }
  const why = whyDiffers(result);
  const now = await chainTime(network.connection.provider);
  if (now >= root.validAt) {
    log(`${what} does not match (${why}), but its window closed at ${when(root.validAt)}: too late to revoke.`);
    return "too-late";
  }
  log(`${what} does not match: ${why}. Revoking (${duration(root.validAt - now)} left in its window).`);
  const rewards = (await RewardsClient.connect(network.address("rewards"), guardian)).connect(guardian);
  await rewards.revokePendingRoot();
  log(`${what} revoked.`);
  return "revoked";
}

const WATCH_SCHEMA = z.object({
  ...NETWORK_SCHEMA,
  ...SIGNER_SCHEMA,
  interval: opt.integer("interval"),
  once: opt.flag(),
});

/** `npm run watch`: see --help. */
export const watchCommand: Command<z.output<typeof WATCH_SCHEMA>> = {
  name: "watch",
  summary:
    "The guardian's watcher: syncs the index, reads the distributor's pending root, verifies it once as verify-epoch\n" +
    "does, and revokes it (signed by the guardian) before its challenge window ends when it does not match, logging\n" +
    "the field or item that differs; a root that matches is logged and left alone. Runs until stopped, or one pass\n" +
    "with --once (for cron and tests).",
  options: {
    ...NETWORK_OPTIONS,
    ...SIGNER_OPTIONS,
    interval: {
      type: "string",
      value: "<seconds>",
      description: "seconds between passes",
      example: "--interval 60",
      default: "30",
    },
    once: { type: "boolean", description: "one pass, then exit", example: "--once" },
  },
  environment: { ...NETWORK_ENVIRONMENT, ...SIGNER_ENVIRONMENT },
  examples: [
    "npm run watch -- --network localhost --account-index 1",
    "PRIVATE_KEY=0x… npm run watch -- --network testnet --rpc https://rpc.example --once --yes",
  ],
  schema: WATCH_SCHEMA,
  async run(o, context) {
    const network = await openNetwork(context, o);
    try {
      const guardian = await context.signer(network.connection, signerChoice(o));
      const seen = new Set<string>();
      const log = (line: string) => context.info(`${new Date().toISOString()} ${line}`);
      for (;;) {
        await watchOnce(network, guardian, seen, log);
        if (o.once) return;
        await new Promise((done) => setTimeout(done, o.interval * 1000));
      }
    } finally {
      await network.close();
    }
  },
};

if (require.main === module) exitWith(watchCommand);
