import { expect } from "chai";
import { revertTable, runCampaign } from "./System.campaign";

/*
 * The system-wide campaign of issue 24 (System.campaign.ts) at the small depth `npm test` can afford on Hardhat:
 * seeded sequences over the protocol as the deployment code deploys it, every invariant checked by chain reads after
 * every step. A failure shrinks the sequence and prints the seed and the path to replay it.
 */

const SEED = 24_024;
const SEQUENCES = Number(process.env.CAMPAIGN_SEQUENCES ?? 10);
const STEPS = 50;

describe("System campaign", function () {
  it("keeps OPEN conserved, every payout within what is owed, every bond settled once and the pools solvent after every step of seeded sequences", async function () {
    this.timeout(600_000);
    const result = await runCampaign({
      seed: SEED,
      sequences: SEQUENCES,
      steps: STEPS,
      limitSeconds: Number(process.env.CAMPAIGN_LIMIT_SECONDS ?? 300),
    });
    console.log(
      `      ${SEQUENCES} sequences × ${STEPS} steps: ${result.calls} state-changing calls in ${result.seconds.toFixed(1)} s ` +
        `(${(result.calls / result.seconds).toFixed(0)} calls/s; ${result.requests} JSON-RPC requests)`,
    );
    for (const row of revertTable(result.counts)) console.log(`      ${row}`);
    expect(result.calls).to.be.greaterThan(SEQUENCES * STEPS);
  });
});
