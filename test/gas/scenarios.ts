import { ethers } from "hardhat";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse, Signer } from "ethers";
import { DEFAULT_EPOCH_LENGTH } from "../../deploy/settlement";
import { DEFAULT_REWARD_PERIOD } from "../../deploy/staking";
import { economyFixture, MODEL_PRICE } from "../fixtures/economy";
import { GOVERNOR_SETTINGS, TIMELOCK_DELAY, governorFixture, timelockFixture } from "../fixtures/governance";
import { PRICE, modelSpec, registeredModelFixture } from "../fixtures/models";
import {
  CALLS_THRESHOLD,
  CONTRIBUTOR_SHARES,
  GOVERNANCE,
  HARD_CAP,
  PROSPECTUS_HASH,
  PROSPECTUS_URI,
  SALE_DURATION,
  SOFT_CAP,
  connectOffering,
  launchableFixture,
  offeringTerms,
  versionSpec,
} from "../fixtures/offering";
import { CHALLENGE_WINDOW, contentHash, datanetFixture, defaultPolicy, rewardsFixture } from "../fixtures/protocol";
import { MODEL_GOVERNANCE, modelGovernanceFixture } from "../fixtures/shares";
import { COOLDOWN, stakingFixture } from "../fixtures/staking";
import { impersonate } from "../helpers/impersonate";
import { signPermit } from "../helpers/permit";
import { foldProof, leafOf, rewardTree, syntheticHashes } from "../helpers/rewards";
import { commitSubmission } from "../helpers/submission";

/**
 * Measures one transaction under `name`, "<Contract>.<function> / <scenario>" (the function by its signature when
 * the contract overloads it), and returns its gas used, the 21,000 base included.
 */
export type RecordGas = (name: string, tx: Promise<ContractTransactionResponse>) => Promise<bigint>;

/** Scenarios that share one fixture; each group starts from a fresh chain, so no group depends on another. */
export interface GasGroup {
  title: string;
  run(record: RecordGas): Promise<void>;
}

const E18 = 10n ** 18n;
const HOUR = 3_600n;
const DAY = 86_400n;
const LOG_URI = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi/epoch-0001/batch-000001.jsonl";
const REPORT_URI = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi/epoch.json";
/** Depth of a reward tree over about a million accounts. */
const DEPTH = 20;

/** A deterministic salt, so that every run commits to the same bytes. */
const salt = (n: number) => ethers.id(`gas salt ${n}`);

/** `count` deterministic addresses no signer uses: accounts that hold no OPEN and never claimed. */
function freshAccounts(count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    ethers.getAddress(ethers.dataSlice(ethers.id(`gas account ${i}`), 12)),
  );
}

/** The offering's window for contributors' claims (the contract's `CONTRIBUTOR_CLAIM_WINDOW`). */
const CONTRIBUTOR_CLAIM_WINDOW = 365n * DAY;

/** What signing a delegation needs of a token: OPEN and every model's shares alike. */
interface VotesToken {
  nonces(owner: string): Promise<bigint>;
  eip712Domain(): Promise<[string, string, string, bigint, string, string, bigint[]]>;
}

/** Signs an ERC-5805 delegation of `signer`'s votes to `delegatee` against the token's own EIP-712 domain. */
async function signDelegation(token: VotesToken, signer: Signer, delegatee: string, expiry: bigint) {
  const [, name, version, chainId, verifyingContract] = await token.eip712Domain();
  const nonce = await token.nonces(await signer.getAddress());
  const types = {
    Delegation: [
      { name: "delegatee", type: "address" },
      { name: "nonce", type: "uint256" },
      { name: "expiry", type: "uint256" },
    ],
  };
  const signature = await signer.signTypedData({ name, version, chainId, verifyingContract }, types, {
    delegatee,
    nonce,
    expiry,
  });
  const { v, r, s } = ethers.Signature.from(signature);
  return { nonce, v, r, s };
}

/** What {@link measureOwnership} needs of an Ownable contract. */
interface Ownable {
  connect(runner: Signer): {
    transferOwnership(to: string): Promise<ContractTransactionResponse>;
    renounceOwnership(): Promise<ContractTransactionResponse>;
  };
}

/** Measures `owner` handing `contract` to `next`, then `next` renouncing it: an operator's ownership functions. */
async function measureOwnership(record: RecordGas, name: string, contract: Ownable, owner: Signer, next: Signer) {
  await record(
    `${name}.transferOwnership / to another account`,
    contract.connect(owner).transferOwnership(await next.getAddress()),
  );
  await record(`${name}.renounceOwnership / by the new owner`, contract.connect(next).renounceOwnership());
}

/** A week from the latest block: a permit's or signature's deadline. */
async function deadline(): Promise<bigint> {
  return BigInt(await time.latest()) + 7n * DAY;
}

export const GAS_GROUPS: GasGroup[] = [
  {
    title: "Datanet registry",
    async run(record) {
      const { datanets, owner, v1, v2, v3, alice, bob, carol, outsider, datanetId } = await loadFixture(datanetFixture);
      let n = 0;
      const commit = async (who = alice, content = n) => {
        const pending = await commitSubmission(datanets, who, datanetId, contentHash(content), {
          size: 4_096,
          uri: `ipfs://c${content}`,
          salt: salt(n++),
        });
        return pending;
      };
      const vote = (content: number, validator = v1, accept = true) =>
        datanets.connect(validator).vote(datanetId, contentHash(content), accept);

      await record(
        "DatanetRegistry.createDatanet / a Datanet with three validators",
        datanets
          .connect(carol)
          .createDatanet("ipfs://datanet-2", defaultPolicy(), [v1.address, v2.address, v3.address]),
      );
      const first = await commit(alice, 0);
      await record("DatanetRegistry.submit / contributor's first in this Datanet", first.reveal());
      const pending = await commitSubmission(datanets, alice, datanetId, contentHash(1), {
        size: 4_096,
        uri: "ipfs://c1",
        salt: salt(100),
      });
      await record(
        "DatanetRegistry.commit / a submission's commitment",
        datanets.connect(bob).commit(await datanets.commitmentOf(bob.address, datanetId, contentHash(50), salt(101))),
      );
      await record("DatanetRegistry.submit / steady state, bond pulled from the wallet", pending.reveal());
      await record("DatanetRegistry.vote / not deciding", vote(0));
      await record("DatanetRegistry.vote / deciding accept, the Datanet's first digest and credit", vote(0, v2));
      await vote(1);
      const fromCredit = await commit(alice, 2);
      await record("DatanetRegistry.vote / deciding accept (digest, reputation, bond credit)", vote(1, v2));
      await record("DatanetRegistry.submit / steady state, bond paid from bond credit", fromCredit.reveal());
      await record(
        "DatanetRegistry.withdrawBondCredit / part of the caller's credit",
        datanets.connect(alice).withdrawBondCredit(alice.address, E18 / 2n),
      );
      await vote(2, v1, false);
      await record("DatanetRegistry.vote / deciding reject, the Datanet's first slash", vote(2, v2, false));
      await (await commit(alice, 3)).reveal();
      await vote(3, v1, false);
      await record("DatanetRegistry.vote / deciding reject (bond slashed to the treasury)", vote(3, v2, false));
      await record(
        "DatanetRegistry.publishVersion / a version of two accepted contributions",
        datanets.connect(owner).publishVersion(datanetId),
      );
      await (await commit(bob, 4)).reveal();
      await time.increase(DAY + 1n);
      await record(
        "DatanetRegistry.reclaimBond / an expired contribution's bond back to its contributor",
        datanets.connect(outsider).reclaimBond(datanetId, contentHash(4)),
      );
      await record(
        "DatanetRegistry.withdrawTreasury / part of the slashed bonds",
        datanets.connect(owner).withdrawTreasury(datanetId, owner.address, E18),
      );
      await record(
        "DatanetRegistry.setPolicy / a new bond (new terms version)",
        datanets.connect(owner).setPolicy(datanetId, defaultPolicy({ bond: 2n * E18 })),
      );
      await record(
        "DatanetRegistry.setValidators / three validators replaced by two",
        datanets.connect(owner).setValidators(datanetId, [v1.address, v3.address]),
      );
      await record(
        "DatanetRegistry.setDatanetURI / a new URI",
        datanets.connect(owner).setDatanetURI(datanetId, "ipfs://datanet-1b"),
      );
      await record(
        "DatanetRegistry.setModelAccess / approve a model developer",
        datanets.connect(owner).setModelAccess(datanetId, outsider.address, true),
      );
      await record(
        "DatanetRegistry.approve / approve an operator for Datanet 1",
        datanets.connect(owner).approve(carol.address, datanetId),
      );
      await record(
        "DatanetRegistry.setApprovalForAll / approve an operator for all",
        datanets.connect(owner).setApprovalForAll(carol.address, true),
      );
      await record(
        "DatanetRegistry.transferFrom / Datanet 1 to a new owner",
        datanets.connect(owner).transferFrom(owner.address, bob.address, datanetId),
      );
      await record(
        "DatanetRegistry.safeTransferFrom(address,address,uint256) / Datanet 1 to an account",
        datanets.connect(bob)["safeTransferFrom(address,address,uint256)"](bob.address, alice.address, datanetId),
      );
      await record(
        "DatanetRegistry.safeTransferFrom(address,address,uint256,bytes) / Datanet 1 to an account",
        datanets
          .connect(alice)
          ["safeTransferFrom(address,address,uint256,bytes)"](alice.address, owner.address, datanetId, "0x"),
      );
    },
  },
  {
    title: "Model registry",
    async run(record) {
      const { models, developer, buyer, recipient, publishedDatanet } = await loadFixture(registeredModelFixture);
      const trainedOn = [{ datanetId: 1n, version: 2n }];
      for (let i = 0; i < 3; i++) trainedOn.push({ datanetId: await publishedDatanet(), version: 1n });
      const uri = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi/model.json";
      const register = (sets: number) =>
        models
          .connect(developer)
          .registerModel(uri, modelSpec({ trainedOn: trainedOn.slice(0, sets) }), PRICE, recipient.address);
      await record("ModelRegistry.registerModel / 1 training set", register(1));
      await record("ModelRegistry.registerModel / 4 training sets", register(4));
      await record(
        "ModelRegistry.addModelVersion / 1 training set",
        models.connect(developer).addModelVersion(1n, modelSpec({ trainedOn: trainedOn.slice(0, 1) })),
      );
      await record(
        "ModelRegistry.addModelVersion / 4 training sets",
        models.connect(developer).addModelVersion(1n, modelSpec({ trainedOn })),
      );
      await record("ModelRegistry.setPrice / a new price", models.connect(developer).setPrice(1n, PRICE * 2n));
      await record("ModelRegistry.setModelURI / a new URI", models.connect(developer).setModelURI(1n, `${uri}?v=2`));
      await record(
        "ModelRegistry.setRevenueRecipient / a new recipient",
        models.connect(developer).setRevenueRecipient(1n, buyer.address),
      );
      await record(
        "ModelRegistry.approve / approve an operator for model 1",
        models.connect(developer).approve(buyer.address, 1n),
      );
      await record(
        "ModelRegistry.setApprovalForAll / approve an operator for all",
        models.connect(developer).setApprovalForAll(buyer.address, true),
      );
      await record(
        "ModelRegistry.transferFrom / model 1 to a buyer",
        models.connect(developer).transferFrom(developer.address, buyer.address, 1n),
      );
      await record(
        "ModelRegistry.safeTransferFrom(address,address,uint256) / model 1 to an account",
        models.connect(buyer)["safeTransferFrom(address,address,uint256)"](buyer.address, recipient.address, 1n),
      );
      await record(
        "ModelRegistry.safeTransferFrom(address,address,uint256,bytes) / model 1 to an account",
        models
          .connect(recipient)
          ["safeTransferFrom(address,address,uint256,bytes)"](recipient.address, developer.address, 1n, "0x"),
      );
    },
  },
  {
    title: "Settlement and epoch clock",
    async run(record) {
      const { settlement, clock, open, deployer, payer, outsider } = await loadFixture(economyFixture);
      let batch = 0;
      const settle = (calls: bigint) =>
        settlement.connect(payer).settle(1n, calls, MODEL_PRICE * calls, ethers.id(`batch ${++batch}`), LOG_URI);
      await record("InferenceSettlement.settle / first ever on the deployed protocol", settle(1_000n));
      await record("InferenceSettlement.settle / steady state (same epoch, recipients hold OPEN)", settle(1_000n));
      await time.increase(DEFAULT_EPOCH_LENGTH);
      await record("InferenceSettlement.settle / first in an epoch (new ledger, asks the clock)", settle(1_000n));
      await record("InferenceSettlement.settle / steady state, 5,000,000 calls", settle(5_000_000n));
      await record(
        "InferenceSettlement.setFeeSplit / a new split",
        settlement
          .connect(deployer)
          .setFeeSplit({ treasuryBps: 500, modelBps: 2500, stakersBps: 2000, contributorsBps: 5000 }),
      );
      await record(
        "InferenceSettlement.setTreasury / a new treasury",
        settlement.connect(deployer).setTreasury(outsider.address),
      );
      await open.connect(deployer).transfer(await settlement.getAddress(), E18);
      await record(
        "InferenceSettlement.recoverExcess / OPEN sent to the contract by mistake",
        settlement.connect(deployer).recoverExcess(deployer.address),
      );
      await measureOwnership(record, "InferenceSettlement", settlement, deployer, outsider);
      await record(
        "EpochClock.setEpochLength / schedules a new segment",
        clock.connect(deployer).setEpochLength(3_600n),
      );
      await record(
        "EpochClock.setEpochLength / replaces the pending change",
        clock.connect(deployer).setEpochLength(7_200n),
      );
      await measureOwnership(record, "EpochClock", clock, deployer, outsider);
    },
  },
  {
    title: "Staking pool",
    async run(record) {
      const { pool, open, owner, notifier, alice, bob, outsider, notify, poolAddress } =
        await loadFixture(stakingFixture);
      /** Sends the next transaction `seconds` after the latest block, so that the stream has moved. */
      const after = (seconds: bigint) => time.increase(seconds - 1n);
      await record(
        "StakingPool.stake / first ever (the pool's OPEN balance created)",
        pool.connect(alice).stake(100n * E18),
      );
      await record("StakingPool.stake / an account's first", pool.connect(bob).stake(50n * E18));
      await notify(3n * E18);
      await time.increaseTo(await pool.periodEnd());
      await after(HOUR);
      await record(
        "StakingPool.stake / first rewards credited, first update of the period",
        pool.connect(alice).stake(10n * E18),
      );
      await notify(2n * E18);
      await after(HOUR);
      await record(
        "StakingPool.stake / steady state (rewards credited before and now)",
        pool.connect(alice).stake(10n * E18),
      );
      await open.connect(notifier).transfer(poolAddress, 7n * E18 + 12_345n);
      await record("StakingPool.notifyReward / steady state", pool.connect(notifier).notifyReward(7n * E18 + 12_345n));
      await time.increaseTo((await pool.periodEnd()) + HOUR);
      await record(
        "StakingPool.requestUnstake / first (rewards credited, first update of the period)",
        pool.connect(alice).requestUnstake(40n * E18),
      );
      await after(HOUR);
      await record(
        "StakingPool.requestUnstake / again (restarts the cooldown)",
        pool.connect(alice).requestUnstake(10n * E18),
      );
      await time.increase(COOLDOWN);
      await record("StakingPool.withdraw / after the cooldown", pool.connect(alice).withdraw());
      await record("StakingPool.claimRewards / credited and new rewards", pool.connect(alice).claimRewards());
      await notify(5n * E18);
      await time.increaseTo((await pool.periodEnd()) + HOUR);
      await record(
        "StakingPool.claimRewards / first claim, first update of the period",
        pool.connect(bob).claimRewards(),
      );
      await after(HOUR);
      await record("StakingPool.claimRewards / steady state (new rewards only)", pool.connect(alice).claimRewards());
      await time.increase(DEFAULT_REWARD_PERIOD);
      await record(
        "StakingPool.sweepUndistributed / to the owner",
        pool.connect(owner).sweepUndistributed(owner.address),
      );
      await open.connect(notifier).transfer(poolAddress, E18);
      await record(
        "StakingPool.recoverExcess / OPEN sent to the pool by mistake",
        pool.connect(owner).recoverExcess(owner.address),
      );
      await record("StakingPool.setCooldown / a shorter cooldown", pool.connect(owner).setCooldown(COOLDOWN / 2n));
      await record(
        "StakingPool.setRewardNotifier / a new notifier",
        pool.connect(owner).setRewardNotifier(outsider.address),
      );
      await measureOwnership(record, "StakingPool", pool, owner, outsider);
    },
  },
  {
    title: "Reward distributor",
    async run(record) {
      const { rewards, open, admin, attestor, guardian, funder, alice, dave, relayer, outsider } =
        await loadFixture(rewardsFixture);
      await record("RewardDistributor.fund / first funding", rewards.connect(funder).fund(100_000n * E18));
      await record("RewardDistributor.fund / steady state", rewards.connect(funder).fund(E18));
      const propose = (root: string, total: bigint, epoch: bigint) =>
        rewards.connect(attestor).proposeRoot(root, total, epoch, ethers.id(`report ${epoch}`), REPORT_URI);
      const accept = async () => {
        await time.increase(CHALLENGE_WINDOW);
        return rewards.acceptRoot();
      };
      // A depth-20 tree without a million leaves: each claimant's leaf folded with 20 arbitrary siblings.
      const siblings = syntheticHashes(DEPTH, "depth-20 siblings");
      const rootOf = (account: string, amount: bigint) => foldProof(leafOf(account, amount), siblings);
      const claim = (account: string, amount: bigint) => rewards.connect(relayer).claim(account, amount, siblings);

      await record(
        "RewardDistributor.proposeRoot / first ever",
        propose(rootOf(alice.address, 10n * E18), 1_000n * E18, 1n),
      );
      await record("RewardDistributor.acceptRoot / first ever (current-root slots created)", accept());
      await record(
        "RewardDistributor.claim / depth 20, account's first claim, holds OPEN",
        claim(alice.address, 10n * E18),
      );
      await record(
        "RewardDistributor.proposeRoot / steady state",
        propose(rootOf(alice.address, 25n * E18), 2_000n * E18, 2n),
      );
      await record("RewardDistributor.acceptRoot / steady state", accept());
      await record(
        "RewardDistributor.claim / depth 20, steady state (claimed before, holds OPEN)",
        claim(alice.address, 25n * E18),
      );
      await propose(rootOf(dave.address, 5n * E18), 3_000n * E18, 3n);
      await accept();
      await record(
        "RewardDistributor.claim / depth 20, account's first claim and first OPEN",
        claim(dave.address, 5n * E18),
      );

      // 64 accounts in a tree of depth 6 hung under 14 arbitrary siblings: every proof has 20 hashes.
      const accounts = freshAccounts(64);
      const extra = syntheticHashes(DEPTH - 6, "claimMany siblings");
      for (const [epoch, perAccount, what] of [
        [4n, E18, "first claims"],
        [5n, 3n * E18, "steady state"],
      ] as const) {
        const tree = rewardTree(accounts.map((a, i) => [a, perAccount * BigInt(i + 1)]));
        await propose(foldProof(tree.root, extra), 10_000n * E18 * epoch, epoch);
        await accept();
        for (const batch of [accounts.slice(0, 1), accounts.slice(1, 11)]) {
          const requests = batch.map((account) => {
            const i = accounts.indexOf(account);
            return { account, cumulativeAmount: perAccount * BigInt(i + 1), proof: [...tree.getProof(i), ...extra] };
          });
          await record(
            `RewardDistributor.claimMany / ${batch.length} account${batch.length > 1 ? "s" : ""}, depth 20, ${what}`,
            rewards.connect(relayer).claimMany(requests),
          );
        }
      }
      await propose(ethers.id("wrong root"), 60_000n * E18, 6n);
      await record(
        "RewardDistributor.revokePendingRoot / a pending root",
        rewards.connect(guardian).revokePendingRoot(),
      );
      await open.connect(funder).transfer(await rewards.getAddress(), E18);
      await record(
        "RewardDistributor.recoverExcess / OPEN sent to the distributor by mistake",
        rewards.connect(admin).recoverExcess(admin.address),
      );
      await record(
        "RewardDistributor.setChallengeWindow / a shorter window",
        rewards.connect(admin).setChallengeWindow(HOUR),
      );
      const role = await rewards.GUARDIAN_ROLE();
      await record(
        "RewardDistributor.grantRole / a second guardian",
        rewards.connect(admin).grantRole(role, outsider.address),
      );
      await record(
        "RewardDistributor.revokeRole / the second guardian",
        rewards.connect(admin).revokeRole(role, outsider.address),
      );
      await record(
        "RewardDistributor.renounceRole / the guardian steps down",
        rewards.connect(guardian).renounceRole(role, guardian.address),
      );
    },
  },
  {
    title: "OPEN token",
    async run(record) {
      const { open, alice, bob, carol } = await loadFixture(governorFixture);
      await record(
        "OpenToken.transfer / to an account that holds OPEN",
        open.connect(alice).transfer(bob.address, E18),
      );
      await record("OpenToken.approve / a finite allowance", open.connect(alice).approve(carol.address, 10n * E18));
      await record(
        "OpenToken.transferFrom / within a finite allowance",
        open.connect(carol).transferFrom(alice.address, carol.address, E18),
      );
      const expiry = await deadline();
      const sig = await signPermit(open, bob, carol.address, 5n * E18, expiry);
      await record(
        "OpenToken.permit / a signed allowance, sent by the spender",
        open.connect(carol).permit(bob.address, carol.address, 5n * E18, expiry, sig.v, sig.r, sig.s),
      );
      await record("OpenToken.delegate / to self, first delegation", open.connect(alice).delegate(alice.address));
      const delegation = await signDelegation(open, carol, alice.address, expiry);
      await record(
        "OpenToken.delegateBySig / a signed delegation, sent by the delegatee",
        open
          .connect(alice)
          .delegateBySig(alice.address, delegation.nonce, expiry, delegation.v, delegation.r, delegation.s),
      );
      await record(
        "OpenToken.transfer / between delegates (two checkpoints)",
        open.connect(alice).transfer(bob.address, E18),
      );
    },
  },
  {
    title: "Protocol governance",
    async run(record) {
      const { open, rewards, governor, timelock, alice, bob, outsider } = await loadFixture(governorFixture);
      await open.connect(alice).delegate(alice.address);
      await open.connect(bob).delegate(bob.address);
      const target = await rewards.getAddress();
      const proposal = (hours: bigint, description: string) =>
        [[target], [0n], [rewards.interface.encodeFunctionData("setChallengeWindow", [hours * HOUR])], description] as [
          string[],
          bigint[],
          string[],
          string,
        ];
      const [targets, values, calldatas, description] = proposal(1n, "Set the challenge window to one hour");
      const args = [targets, values, calldatas, ethers.id(description)] as const;
      await record(
        "OpenGovernor.propose / setChallengeWindow",
        governor.connect(alice).propose(...proposal(1n, description)),
      );
      const id = await governor.hashProposal(...args);
      const cancelled = proposal(2n, "Set the challenge window to two hours");
      await governor.connect(alice).propose(...cancelled);
      await record(
        "OpenGovernor.cancel / the proposer withdraws a pending proposal",
        governor.connect(alice).cancel(cancelled[0], cancelled[1], cancelled[2], ethers.id(cancelled[3])),
      );
      await mine(GOVERNOR_SETTINGS.votingDelay + 1);
      await record("OpenGovernor.castVote / first vote", governor.connect(alice).castVote(id, 1));
      await record(
        "OpenGovernor.castVoteWithReason / second vote",
        governor.connect(bob).castVoteWithReason(id, 0, "too short"),
      );
      await mine(GOVERNOR_SETTINGS.votingPeriod);
      await record("OpenGovernor.queue / a passed proposal", governor.connect(outsider).queue(...args));
      await time.increase(TIMELOCK_DELAY);
      await record(
        "OpenGovernor.execute / setChallengeWindow through the timelock",
        governor.connect(outsider).execute(...args),
      );

      const direct = await loadFixture(timelockFixture);
      const data = direct.rewards.interface.encodeFunctionData("setChallengeWindow", [HOUR]);
      const at = await direct.rewards.getAddress();
      const zero = ethers.ZeroHash;
      await record(
        "TimelockController.schedule / setChallengeWindow",
        direct.timelock.connect(direct.proposer).schedule(at, 0, data, zero, zero, TIMELOCK_DELAY),
      );
      await record(
        "TimelockController.scheduleBatch / two setChallengeWindow calls",
        direct.timelock
          .connect(direct.proposer)
          .scheduleBatch([at, at], [0, 0], [data, data], zero, ethers.id("batch"), TIMELOCK_DELAY),
      );
      await record(
        "TimelockController.schedule / a call to be cancelled",
        direct.timelock.connect(direct.proposer).schedule(at, 0, data, zero, ethers.id("cancel"), TIMELOCK_DELAY),
      );
      await record(
        "TimelockController.cancel / a scheduled call",
        direct.timelock
          .connect(direct.proposer)
          .cancel(await direct.timelock.hashOperation(at, 0, data, zero, ethers.id("cancel"))),
      );
      await time.increase(TIMELOCK_DELAY);
      await record(
        "TimelockController.execute / setChallengeWindow",
        direct.timelock.connect(direct.executor).execute(at, 0, data, zero, zero),
      );
      await record(
        "TimelockController.executeBatch / two setChallengeWindow calls",
        direct.timelock.connect(direct.executor).executeBatch([at, at], [0, 0], [data, data], zero, ethers.id("batch")),
      );
      await record(
        "TimelockController.renounceRole / the executor steps down",
        direct.timelock
          .connect(direct.executor)
          .renounceRole(await direct.timelock.EXECUTOR_ROLE(), direct.executor.address),
      );
    },
  },
  {
    title: "Offering",
    async run(record) {
      const f = await loadFixture(launchableFixture);
      const { offeringFactory, open, developer, deployer, payer, outsider, tree, alice } = f;
      const [first, second, third] = f.buyers;
      const saleEnd = BigInt(await time.latest()) + SALE_DURATION;
      const terms = offeringTerms(saleEnd, tree.root);
      const args = [1n, "Ham filter shares", "HAM", terms, GOVERNANCE, PROSPECTUS_HASH, PROSPECTUS_URI] as const;
      const contracts = await offeringFactory.connect(developer).launch.staticCall(...args);
      await record(
        "OfferingFactory.launch / model 1, three milestones",
        offeringFactory.connect(developer).launch(...args),
      );
      const { offering, shares, controller } = connectOffering(contracts, developer);
      const address = await offering.getAddress();
      // Finite allowances, so that every buy also updates one, as after an exact approval.
      for (const buyer of f.buyers) await open.connect(buyer).approve(address, 10n * HARD_CAP);
      await record(
        "ModelOffering.buy / the sale's first (the offering's OPEN balance created)",
        offering.connect(first).buy(4_000n * E18),
      );
      await record("ModelOffering.buy / steady state", offering.connect(second).buy(4_000n * E18));
      await offering.connect(third).buy(4_000n * E18);
      await time.increaseTo(saleEnd);
      await record("ModelOffering.finalize / oversubscribed success", offering.finalize());
      await record("ModelOffering.settle / shares and refund", offering.settle(first.address));
      await offering.settle(second.address);
      await record(
        "ModelOffering.claimContributorShares / a contributor's whole leaf",
        offering.claimContributorShares(
          alice.address,
          CONTRIBUTOR_SHARES.alice,
          tree.getProof([alice.address, CONTRIBUTOR_SHARES.alice]),
        ),
      );

      await record("ModelShares.delegate / to self, first delegation", shares.connect(first).delegate(first.address));
      await shares.connect(second).delegate(second.address);
      await record("ModelShares.transfer / between delegates", shares.connect(first).transfer(second.address, E18));
      await record(
        "ModelShares.approve / a finite allowance",
        shares.connect(second).approve(third.address, 10n * E18),
      );
      await record(
        "ModelShares.transferFrom / within a finite allowance",
        shares.connect(third).transferFrom(second.address, third.address, E18),
      );
      const expiry = await deadline();
      const permit = await signPermit(shares, first, third.address, 5n * E18, expiry);
      await record(
        "ModelShares.permit / a signed allowance, sent by the spender",
        shares.connect(third).permit(first.address, third.address, 5n * E18, expiry, permit.v, permit.r, permit.s),
      );
      const delegation = await signDelegation(shares, third, second.address, expiry);
      await record(
        "ModelShares.delegateBySig / a signed delegation, sent by the delegatee",
        shares
          .connect(second)
          .delegateBySig(second.address, delegation.nonce, expiry, delegation.v, delegation.r, delegation.s),
      );

      const { pricePerCall } = await f.models.terms(1n);
      await f.settlement
        .connect(payer)
        .settle(1n, CALLS_THRESHOLD, pricePerCall * CALLS_THRESHOLD, ethers.id("gas"), LOG_URI);
      await record("ModelOffering.release / settled-calls milestone", offering.release(0, 0));
      await record("ModelShares.syncRevenue / revenue arrived", shares.syncRevenue());
      await open.connect(deployer).transfer(first.address, E18);
      await record("ModelShares.claimRevenue / revenue synced, holder holds OPEN", shares.claimRevenue(first.address));

      const timelock = await impersonate(await controller.timelock());
      await record(
        "ModelController.addModelVersion / registered by the holders' timelock",
        controller.connect(timelock).addModelVersion(versionSpec(1, 1n)),
      );
      await record("ModelOffering.release / settled-fees milestone", offering.release(2, 0));
      await record(
        "ModelController.setPrice / by the holders' timelock",
        controller.connect(timelock).setPrice(MODEL_PRICE * 2n),
      );
      await record(
        "ModelController.setModelURI / by the holders' timelock",
        controller.connect(timelock).setModelURI("ipfs://ham-filter-lora-2"),
      );

      await time.increaseTo(BigInt(terms.milestones[1].deadline) + 1n);
      await record(
        "ModelOffering.claimVested / the creator's vested shares",
        offering.connect(developer).claimVested(),
      );
      await record("ModelOffering.openEndVote / a missed milestone", offering.openEndVote(1));
      await record("ModelOffering.castEndVote / first vote", offering.connect(first).castEndVote(true));
      await offering.connect(second).castEndVote(true);
      await time.increaseTo((await offering.endVote())[2] + 1n);
      await record("ModelOffering.closeEndVote / ends the offering", offering.closeEndVote());
      await record("ModelOffering.redeem / a buyer's part of the unreleased raise", offering.redeem(first.address));
      await record("ModelOffering.settle / a buyer who waited until the end", offering.settle(third.address));
      await time.increase(CONTRIBUTOR_CLAIM_WINDOW);
      await record("ModelOffering.sweepContributorShares / after the claim window", offering.sweepContributorShares());
      await record(
        "ModelController.setRevenueRecipient / by the holders' timelock",
        controller.connect(timelock).setRevenueRecipient(outsider.address),
      );

      await record("OfferingFactory.setProtocolFee / a new fee", offeringFactory.connect(deployer).setProtocolFee(200));
      await record(
        "OfferingFactory.setProtocolTreasury / a new treasury",
        offeringFactory.connect(deployer).setProtocolTreasury(outsider.address),
      );
      await measureOwnership(record, "OfferingFactory", offeringFactory, deployer, outsider);
    },
  },
  {
    title: "Failed offering",
    async run(record) {
      const f = await loadFixture(launchableFixture);
      const { offering, deadline: saleEnd } = await f.launch();
      const [buyer] = f.buyers;
      await f.open.connect(buyer).approve(await offering.getAddress(), SOFT_CAP);
      await offering.connect(buyer).buy(SOFT_CAP / 2n);
      await time.increaseTo(saleEnd);
      await record("ModelOffering.finalize / failed sale (model returned, unsold shares burned)", offering.finalize());
      await record("ModelOffering.settle / failed sale, the whole deposit refunded", offering.settle(buyer.address));
    },
  },
  {
    title: "Model governance",
    async run(record) {
      const { governor, controller, alice, bob } = await loadFixture(modelGovernanceFixture);
      const target = await controller.getAddress();
      const proposal = (price: bigint): [string[], bigint[], string[], string] => [
        [target],
        [0n],
        [controller.interface.encodeFunctionData("setPrice", [price])],
        `Set the price to ${price}`,
      ];
      const [targets, values, calldatas, description] = proposal(2n * MODEL_PRICE);
      const args = [targets, values, calldatas, ethers.id(description)] as const;
      await record(
        "ModelGovernor.propose / a new price",
        governor.connect(alice).propose(targets, values, calldatas, description),
      );
      const id = await governor.hashProposal(...args);
      const [t2, v2, c2, d2] = proposal(3n * MODEL_PRICE);
      await governor.connect(alice).propose(t2, v2, c2, d2);
      await record(
        "ModelGovernor.cancel / the proposer withdraws a pending proposal",
        governor.connect(alice).cancel(t2, v2, c2, ethers.id(d2)),
      );
      await time.increase(MODEL_GOVERNANCE.votingDelay + 1n);
      await record("ModelGovernor.castVote / first vote", governor.connect(alice).castVote(id, 1));
      await record(
        "ModelGovernor.castVoteWithReason / second vote",
        governor.connect(bob).castVoteWithReason(id, 0, "too dear"),
      );
      await time.increase(MODEL_GOVERNANCE.votingPeriod);
      await record("ModelGovernor.queue / a passed proposal", governor.queue(...args));
      await time.increase(MODEL_GOVERNANCE.timelockDelay);
      await record("ModelGovernor.execute / setPrice through the model's timelock", governor.execute(...args));
    },
  },
];

/** The deployed contracts whose every state-changing function has a scenario or an exclusion below. */
export const GAS_CONTRACTS = [
  "DatanetRegistry",
  "ModelRegistry",
  "InferenceSettlement",
  "StakingPool",
  "RewardDistributor",
  "EpochClock",
  "OfferingFactory",
  "ModelOffering",
  "ModelShares",
  "ModelController",
  "ModelGovernor",
  "ModelTimelock",
  "OpenGovernor",
  "TimelockController",
  "OpenToken",
];

const ONLY_GOVERNANCE =
  "onlyGovernance: only the timelock calls it, inside a passed proposal's execute (measured as the Governor's execute)";
const TOKEN_CALLBACK = "a token's receipt callback, called by token contracts, never sent by an account";
const VOTE_VARIANT =
  "OpenZeppelin's Governor, unchanged: castVote's counting plus a signature check or the params' calldata";
const FACTORY_ONLY = "the factory calls it once, inside OfferingFactory.launch (measured there)";
const SELF_ONLY = "only the timelock itself, inside an executed operation (measured as its execute)";
const GOVERNOR_ONLY =
  "its only proposer and canceller is the model's Governor: called inside ModelGovernor.queue, execute and cancel";

/** State-changing functions without a scenario of their own, and why. */
export const GAS_EXCLUSIONS: Record<string, string> = {
  "ModelOffering.initialize": FACTORY_ONLY,
  "ModelShares.initialize": FACTORY_ONLY,
  "ModelController.initialize": FACTORY_ONLY,
  "ModelGovernor.initialize": FACTORY_ONLY,
  "ModelTimelock.initialize": FACTORY_ONLY,
  "ModelShares.burn": "only the offering burns shares, inside finalize and closeEndVote (measured there)",
  "ModelController.returnModel": "only the offering calls it, inside a failed sale's finalize (measured there)",
  ...Object.fromEntries(
    ["OpenGovernor", "ModelGovernor"].flatMap((governor) => [
      ...[
        "relay",
        "setVotingDelay",
        "setVotingPeriod",
        "setProposalThreshold",
        "updateQuorumNumerator",
        "updateTimelock",
      ].map((fn) => [`${governor}.${fn}`, ONLY_GOVERNANCE]),
      ...["castVoteBySig", "castVoteWithReasonAndParams", "castVoteWithReasonAndParamsBySig"].map((fn) => [
        `${governor}.${fn}`,
        VOTE_VARIANT,
      ]),
      ...["onERC721Received", "onERC1155Received", "onERC1155BatchReceived"].map((fn) => [
        `${governor}.${fn}`,
        TOKEN_CALLBACK,
      ]),
    ]),
  ),
  ...Object.fromEntries(
    ["onERC721Received", "onERC1155Received", "onERC1155BatchReceived"].flatMap((fn) => [
      [`TimelockController.${fn}`, TOKEN_CALLBACK],
      [`ModelTimelock.${fn}`, TOKEN_CALLBACK],
    ]),
  ),
  "TimelockController.updateDelay": SELF_ONLY,
  "TimelockController.grantRole": SELF_ONLY,
  "TimelockController.revokeRole": SELF_ONLY,
  ...Object.fromEntries(
    ["schedule", "scheduleBatch", "execute", "executeBatch", "cancel"].map((fn) => [
      `ModelTimelock.${fn}`,
      GOVERNOR_ONLY,
    ]),
  ),
  "ModelTimelock.updateDelay": SELF_ONLY,
  "ModelTimelock.grantRole": SELF_ONLY,
  "ModelTimelock.revokeRole": SELF_ONLY,
  "ModelTimelock.renounceRole": "the model's timelock has no admin and its roles belong to its Governor and anyone",
};
