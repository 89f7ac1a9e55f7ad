import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { CHALLENGE_WINDOW, rewardsFixture } from "../fixtures/protocol";
import { foldProof, leafOf, rewardTree, syntheticHashes } from "../helpers/rewards";
import { gasOf, gasTable } from "../helpers/gas";

/** Goals from the rewards issue: a steady-state claim with a depth-20 proof, and a root proposal. */
const CLAIM_GOAL = 75_000n;
const PROPOSE_GOAL = 80_000n;
/** Depth of a tree over about a million accounts. */
const DEPTH = 20;
const E18 = 10n ** 18n;

/** `count` deterministic addresses no signer uses: accounts that hold no OPEN and never claimed. */
function freshAccounts(count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    ethers.getAddress(ethers.dataSlice(ethers.id(`gas account ${i}`), 12)),
  );
}

describe("RewardDistributor gas", function () {
  const measured = gasTable();

  async function scenario() {
    const f = await loadFixture(rewardsFixture);
    const { rewards, funder, attestor } = f;
    await rewards.connect(funder).fund(100_000n * E18);
    const propose = (root: string, total: bigint, epoch: bigint) =>
      gasOf(
        rewards
          .connect(attestor)
          .proposeRoot(
            root,
            total,
            epoch,
            ethers.id(`report ${epoch}`),
            `ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi/epoch-${epoch}.json`,
          ),
      );
    const accept = async () => {
      await time.increase(CHALLENGE_WINDOW);
      return gasOf(rewards.acceptRoot());
    };
    return { ...f, propose, accept };
  }

  it("keeps a steady-state claim with a depth-20 proof within 75,000 gas and a proposal within 80,000", async function () {
    const { rewards, alice, dave, relayer, propose, accept } = await scenario();
    // A depth-20 tree without a million leaves: fold each claimant's leaf with 20 arbitrary siblings, the way
    // MerkleProof does (sorted pairs). alice already holds OPEN; dave holds none.
    const siblings = syntheticHashes(DEPTH, "depth-20 siblings");
    const rootOf = (account: string, amount: bigint) => foldProof(leafOf(account, amount), siblings);
    const claim = (account: string, amount: bigint) => gasOf(rewards.connect(relayer).claim(account, amount, siblings));

    const firstPropose = await propose(rootOf(alice.address, 10n * E18), 1_000n * E18, 1n);
    measured.push(["proposeRoot: first ever", firstPropose]);
    measured.push(["acceptRoot: first ever (current-root slots created)", await accept()]);
    measured.push(["claim, depth 20: first claim, account holds OPEN", await claim(alice.address, 10n * E18)]);

    const steadyPropose = await propose(rootOf(alice.address, 25n * E18), 2_000n * E18, 2n);
    measured.push(["proposeRoot: steady state", steadyPropose]);
    measured.push(["acceptRoot: steady state", await accept()]);
    const steadyClaim = await claim(alice.address, 25n * E18);
    measured.push(["claim, depth 20: steady state (claimed before, holds OPEN)", steadyClaim]);

    await propose(rootOf(dave.address, 5n * E18), 3_000n * E18, 3n);
    await accept();
    measured.push(["claim, depth 20: first claim, account holds no OPEN", await claim(dave.address, 5n * E18)]);

    expect(steadyClaim).to.be.lessThanOrEqual(CLAIM_GOAL);
    expect(firstPropose).to.be.lessThanOrEqual(PROPOSE_GOAL);
    expect(steadyPropose).to.be.lessThanOrEqual(PROPOSE_GOAL);
  });

  it("measures a revocation and a funding", async function () {
    const { rewards, funder, guardian, propose } = await scenario();
    await propose(ethers.id("root"), 1n, 1n);
    measured.push(["revokePendingRoot", await gasOf(rewards.connect(guardian).revokePendingRoot())]);
    measured.push([
      "fund (funder's balance and allowance already set)",
      await gasOf(rewards.connect(funder).fund(E18)),
    ]);
  });

  it("measures claimMany of 1, 10 and 50 accounts with depth-20 proofs, first and steady-state claims", async function () {
    const { rewards, relayer, propose, accept } = await scenario();
    // 64 accounts in an OpenZeppelin tree (depth 6) hung under 14 arbitrary siblings: every proof has 20 hashes.
    // In epoch 1 the accounts hold no OPEN and never claimed (two fresh slots per claim); in epoch 2 they have both.
    const accounts = freshAccounts(64);
    const extra = syntheticHashes(DEPTH - 6, "claimMany siblings");
    const batches = [accounts.slice(0, 1), accounts.slice(1, 11), accounts.slice(11, 61)];

    for (const [epoch, perAccount, what] of [
      [1n, E18, "first claims"],
      [2n, 3n * E18, "steady state"],
    ] as const) {
      const tree = rewardTree(accounts.map((a, i) => [a, perAccount * BigInt(i + 1)]));
      const root = foldProof(tree.root, extra);
      await propose(root, 10_000n * E18 * epoch, epoch);
      await accept();
      const gas: bigint[] = [];
      for (const batch of batches) {
        const requests = batch.map((account) => {
          const i = accounts.indexOf(account);
          const proof = [...tree.getProof(i), ...extra];
          expect(proof).to.have.length(DEPTH);
          return { account, cumulativeAmount: perAccount * BigInt(i + 1), proof };
        });
        const used = await gasOf(rewards.connect(relayer).claimMany(requests));
        gas.push(used);
        measured.push([`claimMany of ${batch.length}, ${what}`, used]);
      }
      measured.push([`  per extra claim, 1 -> 10, ${what}`, (gas[1] - gas[0]) / 9n]);
      measured.push([`  per extra claim, 10 -> 50, ${what}`, (gas[2] - gas[1]) / 40n]);
    }
  });
});
