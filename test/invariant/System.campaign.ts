import fc from "fast-check";
import hre, { ethers, network } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionResponse } from "ethers";
import { deployProtocol } from "../../deploy/protocol";
import type { ProtocolDeployment } from "../../deploy/protocol";
import type { ModelController, ModelOffering, ModelShares } from "../../typechain-types";
import { GOVERNANCE, connectOffering } from "../fixtures/offering";
import { defaultPolicy } from "../fixtures/protocol";
import { BACK_RUN_FEES, FRONT_RUN_FEES, ORDINARY_FEES } from "../helpers/blocks";
import { impersonate } from "../helpers/impersonate";
import { entryOf, rewardTree, totalOf } from "../helpers/rewards";
import type { RewardTree } from "../helpers/rewards";
import { ANY_BOND } from "../helpers/submission";

/*
 * The system-wide invariant campaign of issue 24 (the actions and invariants of the campaign spec shared with the
 * forge implementation), on Hardhat's in-process network, over the protocol deployed by the real deployment code
 * (`deployProtocol` with a Governor-driven timelock that owns every parameter, and the offering factory).
 *
 * Actors: the deployer (treasury, holds what the users were not given), the attestor, the guardian and six users, who
 * play contributors, validators, Datanet and model owners, payers, stakers, buyers and holders. Deployment defaults
 * throughout (weekly epochs, a one-day challenge window, a seven-day cooldown, a one-day reward period, a nine-day
 * timelock delay). Governance changes go through the timelock's proposer path as a prank of the Governor (the
 * timelock's only proposer): the Governor's vote itself (a week of blocks per proposal) is left to the governance
 * tests; the timelock's delay and execution are the real ones.
 *
 * Every action draws its choices as plain numbers that the runner maps onto what is valid in the chain's state at
 * that step (an existing id, a validator who has not voted, a size the day still allows), so that most calls succeed
 * and fast-check can still shrink a failing sequence. The targeted attack actions replay the attacks of SECURITY.md,
 * mined in one block in the order a block builder picks where the order matters; the attacker's gain must be zero.
 *
 * After every step the invariants are checked with chain reads (the runner's own bookkeeping only says which accounts
 * and ids exist): see {@link SystemCampaign.checkInvariants}.
 */

const E18 = 10n ** 18n;
const DAY = 86_400n;
const GAS = 3_000_000n;
const LAUNCH_GAS = 12_000_000n;
/** OPEN each user starts with. */
export const USER_FUNDS = 1_000_000n * E18;
/** Model prices the campaign registers: 0.01 to 1 OPEN per call. */
const PRICES = [E18 / 100n, E18 / 10n, E18];
const SALE = { softCap: 100n * E18, hardCap: 1_000n * E18 };
const SPLIT = { sale: 600_000n * E18, creator: 200_000n * E18, contributors: 150_000n * E18, treasury: 50_000n * E18 };
/** The offerings' one milestone: 1,000 OPEN of fees; faking it costs at least 600 OPEN (model share ≤ 40%), above its 495-OPEN tranche. */
const FEES_MILESTONE = 1_000n * E18;
const MAX_MODEL_BPS = 4_000;
/** The most calls one settlement pays for. */
const MAX_CALLS = 2n ** 64n - 1n;
/** ModelShares' REVENUE_SCALE. */
const REVENUE_SCALE = 10n ** 27n;

type Pick = number;

/** One step of a sequence: an action's name and the numbers it maps onto valid choices. */
export type Action =
  | { kind: "submit"; who: Pick; datanet: Pick; size: Pick; again: boolean }
  | { kind: "vote"; pick: Pick; validator: Pick; accept: boolean }
  | { kind: "expire"; pick: Pick; credit: boolean }
  | { kind: "publishVersion"; datanet: Pick }
  | { kind: "registerModel"; who: Pick; datanet: Pick; price: Pick; newVersion: boolean; model: Pick }
  | { kind: "settle"; who: Pick; model: Pick; calls: Pick }
  | { kind: "staking"; op: "stake" | "requestUnstake" | "withdraw" | "claimRewards"; who: Pick; amount: Pick }
  | { kind: "roots"; op: "propose" | "revoke" | "accept"; split: Pick[]; grow: Pick }
  | { kind: "claim"; op: "claim" | "claimMany" | "stale"; who: Pick }
  | {
      kind: "offering";
      op:
        | "launch"
        | "buy"
        | "finalize"
        | "settleBuyer"
        | "release"
        | "transfer"
        | "claimRevenue"
        | "redeem"
        | "claimContributorShares"
        | "claimVested"
        | "delegate"
        | "endVote";
      offering: Pick;
      who: Pick;
      to: Pick;
      amount: Pick;
    }
  | { kind: "governance"; param: Pick; value: Pick }
  | { kind: "warp"; target: WarpTarget; offset: number }
  | { kind: "attack"; name: AttackName; who: Pick; amount: Pick };

/** The offering actions, in the order {@link SystemCampaign} falls back through (those that move time last). */
const OFFERING_OPS = [
  "launch",
  "buy",
  "delegate",
  "transfer",
  "claimRevenue",
  "settleBuyer",
  "claimContributorShares",
  "claimVested",
  "release",
  "redeem",
  "endVote",
  "finalize",
] as const;

const STAKING_OPS = ["stake", "requestUnstake", "claimRewards", "withdraw"] as const;

type WarpTarget = "second" | "hour" | "day" | "week" | "utcDay" | "epoch" | "rootValidAt" | "governance" | "saleEnd";

/** The attacks of SECURITY.md that the campaign replays, each named as its file in test/security/. */
export const ATTACKS = [
  "settlePriceFrontRun",
  "lateRootRevocation",
  "stakingJustInTime",
  "revenueSniping",
  "sharesEscrowReentry",
  "rootEpochBinding",
  "submitTermsFrontRun",
  "governanceStakeDrain",
  "cheapSettlement",
  "contentSquatting",
  "dailyBudgetSybils",
  "milestoneFaking",
  "offeringCreatorCapture",
  "saleBotFrontRun",
  "settlementLedgerOverflow",
  "sharesLateBuyerRevenue",
] as const;
type AttackName = (typeof ATTACKS)[number];

const pick = fc.nat({ max: 1_000_000 });
const fraction = fc.nat({ max: 999 });

/** One action, weighted towards what moves money. */
export const actionArbitrary: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant("submit" as const),
      who: pick,
      datanet: pick,
      size: fraction,
      again: fc.boolean(),
    }),
  },
  {
    weight: 10,
    arbitrary: fc.record({
      kind: fc.constant("vote" as const),
      pick,
      validator: pick,
      accept: fc.nat(3).map((n) => n > 0),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("expire" as const), pick, credit: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("publishVersion" as const), datanet: pick }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("registerModel" as const),
      who: pick,
      datanet: pick,
      price: pick,
      newVersion: fc.boolean(),
      model: pick,
    }),
  },
  {
    weight: 10,
    arbitrary: fc.record({ kind: fc.constant("settle" as const), who: pick, model: pick, calls: fraction }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant("staking" as const),
      op: fc.constantFrom(...STAKING_OPS),
      who: pick,
      amount: fraction,
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("roots" as const),
      op: fc.constantFrom("propose" as const, "propose" as const, "revoke" as const, "accept" as const),
      split: fc.array(fraction, { minLength: 6, maxLength: 6 }),
      grow: fraction,
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("claim" as const),
      op: fc.constantFrom("claim" as const, "claim" as const, "claimMany" as const, "stale" as const),
      who: pick,
    }),
  },
  {
    weight: 14,
    arbitrary: fc.record({
      kind: fc.constant("offering" as const),
      op: fc.constantFrom(...OFFERING_OPS, "buy" as const),
      offering: pick,
      who: pick,
      to: pick,
      amount: fraction,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("governance" as const), param: pick, value: pick }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("warp" as const),
      target: fc.constantFrom<WarpTarget>(
        "second",
        "hour",
        "day",
        "week",
        "utcDay",
        "epoch",
        "epoch",
        "rootValidAt",
        "governance",
        "saleEnd",
      ),
      offset: fc.constantFrom(-1, 0, 1),
    }),
  },
  // Sixteen attacks share this weight: at 8, each still comes up a few times in the 500 steps of `npm test`.
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant("attack" as const),
      name: fc.constantFrom(...ATTACKS),
      who: pick,
      amount: fraction,
    }),
  },
);

/**
 * Sequences of exactly `steps` actions that still shrink to shorter ones: generated by a fixed-length array, shrunk by
 * an array of 1 to `steps` actions (the same kind of arbitrary, so its shrinker reads the other's context).
 */
class SequenceArbitrary extends fc.Arbitrary<Action[]> {
  private readonly fixed: fc.Arbitrary<Action[]>;
  private readonly shrinking: fc.Arbitrary<Action[]>;

  constructor(steps: number) {
    super();
    this.fixed = fc.array(actionArbitrary, { minLength: steps, maxLength: steps });
    this.shrinking = fc.array(actionArbitrary, { minLength: 1, maxLength: steps });
  }

  generate(random: fc.Random, biasFactor: number | undefined): fc.Value<Action[]> {
    return this.fixed.generate(random, biasFactor);
  }

  canShrinkWithoutContext(value: unknown): value is Action[] {
    return this.shrinking.canShrinkWithoutContext(value);
  }

  shrink(value: Action[], context: unknown): fc.Stream<fc.Value<Action[]>> {
    return this.shrinking.shrink(value, context);
  }
}

/** A sequence of `steps` actions (shrinking to fewer). */
export const sequenceArbitrary = (steps: number): fc.Arbitrary<Action[]> => new SequenceArbitrary(steps);

/**
 * The system as the deployment code deploys it, with the Governor-driven timelock owning every parameter and distinct
 * attestor and guardian; six users funded with {@link USER_FUNDS} who approved the registry, settlement and the
 * staking pool; two Datanets (user 0's: validators users 1–3, quorum 2, 1 OPEN bond, one-day window; user 1's: users
 * 3–5, quorum 1, a 2.5 OPEN bond that surges past a tight day, two-hour window); Datanet 1 holds one accepted
 * contribution and its version 1, on which user 0 registered model 1 (0.01 OPEN per call).
 */
export async function systemFixture() {
  const signers = await ethers.getSigners();
  const [deployer, attestor, guardian] = signers;
  const users = signers.slice(3, 9);
  const deployment = await deployProtocol(deployer, {
    attestor: attestor.address,
    guardian: guardian.address,
    governance: { governor: {} },
  });
  const { open, datanets, settlement, staking, models } = deployment;
  const spenders = await Promise.all([datanets, settlement, staking].map((c) => c.getAddress()));
  for (const user of users) {
    await open.transfer(user.address, USER_FUNDS);
    for (const spender of spenders) await open.connect(user).approve(spender, ethers.MaxUint256);
  }
  await datanets
    .connect(users[0])
    .createDatanet("ipfs://datanet-1", defaultPolicy(), [users[1].address, users[2].address, users[3].address]);
  await datanets.connect(users[1]).createDatanet(
    "ipfs://datanet-2",
    defaultPolicy({
      bond: ethers.parseEther("2.5"),
      quorum: 1,
      reviewWindow: 2 * 3600,
      maxFileBytes: 5_000n,
      contributorDailyFiles: 3,
      contributorDailyBytes: 12_000n,
      datanetDailyBytes: 16_000n,
    }),
    [users[3].address, users[4].address, users[5].address],
  );
  const hash = ethers.sha256(ethers.toUtf8Bytes("system campaign seed contribution"));
  const salt = ethers.id("seed salt");
  await datanets.connect(users[4]).commit(await datanets.commitmentOf(users[4].address, 1n, hash, salt));
  await datanets
    .connect(users[4])
    .submit(
      { datanetId: 1n, contentHash: hash, size: 1_000n, termsVersion: 1n, maxBond: ANY_BOND, salt },
      "ipfs://seed",
    );
  await datanets.connect(users[1]).vote(1n, hash, true);
  await datanets.connect(users[2]).vote(1n, hash, true);
  await datanets.connect(users[0]).publishVersion(1n);
  await models.connect(users[0]).registerModel("ipfs://model-1", modelSpec(1, 1n, 1n), PRICES[0], users[0].address);
  return { ...deployment, deployer, attestor, guardian, users, seedContent: { datanetId: 1n, hash } };
}

type SystemFixture = Awaited<ReturnType<typeof systemFixture>>;

function modelSpec(n: number, datanetId: bigint, version: bigint) {
  return {
    baseModel: "meta-llama/Llama-3.1-8B-Instruct",
    adapterKind: 1,
    adapterHash: ethers.id(`campaign adapter ${n}`),
    trainingConfigHash: ethers.id(`campaign config ${n}`),
    trainedOn: [{ datanetId, version }],
  };
}

/** The commitment `who` sends before revealing `hash` to a Datanet (DatanetRegistry.commitmentOf). */
function commitmentOf(who: string, datanetId: bigint, hash: string, salt: string): string {
  return ethers.keccak256(
    ethers.AbiCoder.defaultAbiCoder().encode(
      ["address", "uint256", "bytes32", "bytes32"],
      [who, datanetId, hash, salt],
    ),
  );
}

/** The campaign's offering terms: a sale to `deadline`, the upfront half and one fees milestone of `threshold`. */
function offeringTermsOf(deadline: bigint, contributorsRoot: string, threshold: bigint) {
  return {
    split: SPLIT,
    sale: { ...SALE, deadline, upfrontBps: 5_000 },
    vesting: { cliff: DAY, duration: 30n * DAY },
    endVote: { quorumBps: 2_000, votingPeriod: 3n * DAY },
    milestones: [
      {
        kind: 2,
        trancheBps: 5_000,
        deadline: deadline + 20n * DAY,
        datanetId: 0n,
        datanetVersion: 0n,
        threshold,
      },
    ],
    contributorsRoot,
    creatorKeepsVersions: false,
  };
}

/** The factory's `launch` arguments for `modelId` under `terms`. */
function launchArgs(modelId: bigint, terms: ReturnType<typeof offeringTermsOf>) {
  return [
    modelId,
    `Model ${modelId} shares`,
    `M${modelId}`,
    terms,
    GOVERNANCE,
    ethers.id(`prospectus ${modelId}`),
    "ipfs://prospectus",
  ] as const;
}

/** Calls sent per action: every transaction, those that reverted, and those that reverted as the action intended. */
export interface ActionCount {
  calls: number;
  reverted: number;
  intended: number;
}

interface Content {
  datanetId: bigint;
  hash: string;
  contributor: string;
  attempt: bigint;
  /** The last status read from the chain, for the "settled once" check. */
  status: bigint;
}

interface Launched {
  modelId: bigint;
  offering: ModelOffering;
  shares: ModelShares;
  controller: ModelController;
  address: string;
  sharesAddress: string;
  treasury: string;
  creator: string;
  deadline: bigint;
  contributors: RewardTree;
  /** Revenue claimed by each account, from its OPEN balance around each claim. */
  paid: Map<string, bigint>;
  /** Successful transactions that may have rounded a revenue credit down by a wei. */
  roundings: bigint;
}

interface Scheduled {
  target: string;
  data: string;
  salt: string;
  readyAt: bigint;
}

/** A failed invariant: its name and what the chain showed. */
export class InvariantError extends Error {}

function check(ok: boolean, invariant: string, detail: () => string): void {
  if (!ok) throw new InvariantError(`${invariant}: ${detail()}`);
}

/** The campaign's runner over one fixture: runs actions, counts calls, checks the invariants. */
export class SystemCampaign {
  readonly counts = new Map<string, ActionCount>();
  private readonly f: SystemFixture;
  private readonly users: HardhatEthersSigner[];
  private contents: Content[] = [];
  private fresh = 0;
  private trees = new Map<string, RewardTree>();
  private pendingTree?: RewardTree;
  private launched: Launched[] = [];
  private scheduled: Scheduled[] = [];
  private ghostClaimed = new Map<string, bigint>();
  private staked = new Map<string, { in: bigint; out: bigint; rewards: bigint }>();
  private notified = 0n;
  private governor!: HardhatEthersSigner;
  private timelock!: HardhatEthersSigner;
  private addresses!: {
    open: string;
    registry: string;
    settlement: string;
    staking: string;
    rewards: string;
    system: string[];
  };

  constructor(f: SystemFixture) {
    this.f = f;
    this.users = f.users;
  }

  /** Reads the fixture's addresses and the seed contribution; call once before the first action. */
  async init(): Promise<void> {
    const f = this.f;
    const [open, registry, settlement, staking, rewards, factory, timelock, governor] = await Promise.all(
      [f.open, f.datanets, f.settlement, f.staking, f.rewards, f.offeringFactory, f.timelock!, f.governor!].map((c) =>
        c.getAddress(),
      ),
    );
    this.addresses = {
      open,
      registry,
      settlement,
      staking,
      rewards,
      system: [
        open,
        registry,
        settlement,
        staking,
        rewards,
        factory,
        timelock,
        governor,
        await f.models.getAddress(),
        await f.clock.getAddress(),
      ],
    };
    this.governor = await impersonate(governor);
    this.timelock = await impersonate(timelock);
    const c = await f.datanets.getContribution(f.seedContent.datanetId, f.seedContent.hash);
    this.contents.push({ ...f.seedContent, contributor: c.contributor, attempt: c.attempt, status: c.status });
    for (const user of this.users) this.staked.set(user.address, { in: 0n, out: 0n, rewards: 0n });
  }

  private count(action: string): ActionCount {
    let c = this.counts.get(action);
    if (!c) this.counts.set(action, (c = { calls: 0, reverted: 0, intended: 0 }));
    return c;
  }

  /** Sends one transaction for `action`; true when it succeeded. `intended`: the action means it to revert. */
  private async send(
    action: string,
    tx: () => Promise<ContractTransactionResponse>,
    intended = false,
  ): Promise<boolean> {
    const c = this.count(action);
    c.calls++;
    try {
      await tx();
      if (intended) throw new InvariantError(`${action}: a call that must revert succeeded`);
      return true;
    } catch (error) {
      if (error instanceof InvariantError) throw error;
      c.reverted++;
      if (intended) c.intended++;
      return false;
    }
  }

  /**
   * Mines what `queue` sends in one block, as a block builder orders it (highest tip first), with automine off and
   * turned back on whatever happens; returns each queued transaction's success, in the order they were sent.
   */
  private async oneBlock(
    action: string,
    queue: { tx: () => Promise<ContractTransactionResponse>; intended?: boolean }[],
    timestamp?: bigint,
  ): Promise<boolean[]> {
    const c = this.count(action);
    const hashes: string[] = [];
    await network.provider.send("evm_setAutomine", [false]);
    try {
      for (const { tx } of queue) hashes.push((await tx()).hash);
      if (timestamp !== undefined) await network.provider.send("evm_setNextBlockTimestamp", [Number(timestamp)]);
      await network.provider.send("evm_mine");
    } finally {
      await network.provider.send("evm_setAutomine", [true]);
    }
    const receipts = await Promise.all(hashes.map((h) => ethers.provider.getTransactionReceipt(h)));
    return receipts.map((receipt, i) => {
      const ok = receipt!.status === 1;
      c.calls++;
      if (!ok) c.reverted++;
      if (queue[i].intended === true) {
        if (ok) throw new InvariantError(`${action}: a transaction that must revert succeeded`);
        c.intended++;
      }
      return ok;
    });
  }

  private isUser(address: string): boolean {
    return this.users.some((u) => u.address === address);
  }

  private user(p: Pick): HardhatEthersSigner {
    return this.users[p % this.users.length];
  }

  private async now(): Promise<bigint> {
    return BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
  }

  private async warpTo(timestamp: bigint): Promise<void> {
    const now = await this.now();
    await network.provider.send("evm_setNextBlockTimestamp", [Number(timestamp > now ? timestamp : now + 1n)]);
    await network.provider.send("evm_mine");
  }

  /** Steps run per action kind, and those that found nothing to call in the chain's state (no call sent). */
  readonly steps = new Map<string, { steps: number; idle: number }>();

  /** Runs one action. */
  async run(action: Action): Promise<void> {
    const sent = () => [...this.counts.values()].reduce((x, c) => x + c.calls, 0);
    const before = sent();
    await this.dispatch(action);
    const key = action.kind === "attack" ? `attack.${action.name}` : action.kind;
    const s = this.steps.get(key) ?? { steps: 0, idle: 0 };
    this.steps.set(key, { steps: s.steps + 1, idle: s.idle + (sent() === before ? 1 : 0) });
  }

  private async dispatch(action: Action): Promise<void> {
    switch (action.kind) {
      case "submit":
        return this.submit(action);
      case "vote":
        return this.vote(action);
      case "expire":
        return this.expire(action);
      case "publishVersion":
        return this.publishVersion(action.datanet);
      case "registerModel":
        return this.registerModel(action);
      case "settle":
        return this.settle(action);
      case "staking":
        return this.staking(action);
      case "roots":
        return this.roots(action);
      case "claim":
        return this.claim(action);
      case "offering":
        return this.offering(action);
      case "governance":
        return this.governance(action);
      case "warp":
        return this.warp(action);
      case "attack":
        return this.attack(action);
    }
  }

  /* DATANETS */

  private async submit(a: Extract<Action, { kind: "submit" }>): Promise<void> {
    const { datanets } = this.f;
    const who = this.user(a.who);
    const count = await datanets.datanetCount();
    const datanetId = (BigInt(a.datanet) % count) + 1n;
    const terms = await datanets.currentTermsVersion(datanetId);
    const room = await this.roomToday(datanetId, who);
    if (room <= 0n) return;
    const size = 1n + ((room - 1n) * BigInt(a.size)) / 1_000n;
    // Expired content may come back at once; otherwise new content.
    const expired = this.contents.filter((c) => c.datanetId === datanetId && c.status === 4n);
    const hash =
      a.again && expired.length > 0
        ? expired[a.who % expired.length].hash
        : ethers.sha256(ethers.toUtf8Bytes(`campaign content ${++this.fresh}`));
    const salt = ethers.id(`campaign salt ${this.fresh} ${a.who}`);
    const registry = datanets.connect(who);
    const commitment = commitmentOf(who.address, datanetId, hash, salt);
    if (!(await this.send("submit", () => registry.commit(commitment, { gasLimit: GAS })))) return;
    const ok = await this.send("submit", () =>
      registry.submit(
        { datanetId, contentHash: hash, size, termsVersion: terms, maxBond: ANY_BOND, salt },
        `ipfs://${hash}`,
        {
          gasLimit: GAS,
        },
      ),
    );
    if (ok) await this.track(datanetId, hash);
  }

  /** Records submitted content (or its new attempt) for the votes, the expiries and the bond checks. */
  private async track(datanetId: bigint, hash: string): Promise<void> {
    const c = await this.f.datanets.getContribution(datanetId, hash);
    const known = this.contents.find((k) => k.datanetId === datanetId && k.hash === hash);
    if (known) Object.assign(known, { contributor: c.contributor, attempt: c.attempt, status: c.status });
    else this.contents.push({ datanetId, hash, contributor: c.contributor, attempt: c.attempt, status: c.status });
  }

  /** The bytes `who` may still submit to `datanetId` today in one file (0 when its files for the day are used). */
  private async roomToday(datanetId: bigint, who: HardhatEthersSigner): Promise<bigint> {
    const { datanets } = this.f;
    const policy = await datanets.getPolicy(datanetId, await datanets.currentTermsVersion(datanetId));
    const [files, used] = await datanets.contributorUsageToday(datanetId, who.address);
    if (files >= policy.contributorDailyFiles) return 0n;
    const left = policy.contributorDailyBytes - used;
    return left < policy.maxFileBytes ? left : policy.maxFileBytes;
  }

  private pending(): Content[] {
    return this.contents.filter((c) => c.status === 1n);
  }

  private async vote(a: Extract<Action, { kind: "vote" }>): Promise<void> {
    const { datanets } = this.f;
    const now = await this.now();
    const open: { content: Content; voters: string[] }[] = [];
    for (const content of this.pending()) {
      const c = await datanets.getContribution(content.datanetId, content.hash);
      const deadline = await datanets.reviewDeadline(content.datanetId, content.hash);
      if (deadline <= now) continue;
      const validators = await datanets.getValidators(content.datanetId, c.termsVersion);
      const voted = c.acceptMask | c.rejectMask;
      const voters = validators.filter((v, i) => v !== c.contributor && (voted & (1n << BigInt(i))) === 0n);
      if (voters.length > 0) open.push({ content, voters });
    }
    // Nothing to review: a contributor submits something instead, for the next votes.
    if (open.length === 0)
      return this.submit({ kind: "submit", who: a.pick, datanet: a.validator, size: 500, again: false });
    const { content, voters } = open[a.pick % open.length];
    const validator = await ethers.getSigner(voters[a.validator % voters.length]);
    await this.send("vote", () =>
      datanets.connect(validator).vote(content.datanetId, content.hash, a.accept, { gasLimit: GAS }),
    );
    await this.refresh(content);
  }

  private async refresh(content: Content): Promise<void> {
    const c = await this.f.datanets.getContribution(content.datanetId, content.hash);
    content.status = c.status;
    content.attempt = c.attempt;
    content.contributor = c.contributor;
  }

  private async expire(a: Extract<Action, { kind: "expire" }>): Promise<void> {
    const { datanets } = this.f;
    const pending = this.pending();
    if (pending.length === 0) {
      // Nothing to expire: a contributor withdraws bond credit, or a Datanet owner its treasury, instead.
      const who = this.user(a.pick);
      const credit = await datanets.bondCredit(who.address);
      if (a.credit && credit > 0n) {
        await this.send("expire", () =>
          datanets.connect(who).withdrawBondCredit(who.address, credit, { gasLimit: GAS }),
        );
        return;
      }
      for (const id of [1n, 2n]) {
        const balance = await datanets.treasuryBalance(id);
        if (balance === 0n) continue;
        const owner = await ethers.getSigner(await datanets.ownerOf(id));
        await this.send("expire", () =>
          datanets.connect(owner).withdrawTreasury(id, owner.address, balance, { gasLimit: GAS }),
        );
        return;
      }
      return;
    }
    const content = pending[a.pick % pending.length];
    const deadline = await datanets.reviewDeadline(content.datanetId, content.hash);
    await this.warpTo(deadline + 1n);
    const anyone = this.user(a.pick + 1);
    await this.send("expire", () =>
      datanets.connect(anyone).reclaimBond(content.datanetId, content.hash, { gasLimit: GAS }),
    );
    await this.refresh(content);
  }

  private async publishVersion(p: Pick): Promise<void> {
    const { datanets } = this.f;
    for (let i = 0; i < 2; i++) {
      const id = BigInt((p + i) % 2) + 1n;
      const [count] = await datanets.currentDigest(id);
      const versions = await datanets.versionCount(id);
      const last = versions === 0n ? 0n : (await datanets.getVersion(id, versions)).count;
      if (count === last) continue;
      const owner = await ethers.getSigner(await datanets.ownerOf(id));
      await this.send("publishVersion", () => datanets.connect(owner).publishVersion(id, { gasLimit: GAS }));
      return;
    }
  }

  /* MODELS AND SETTLEMENT */

  private async registerModel(a: Extract<Action, { kind: "registerModel" }>): Promise<void> {
    const { datanets, models } = this.f;
    const published: [bigint, bigint][] = [];
    for (const id of [1n, 2n]) {
      const versions = await datanets.versionCount(id);
      if (versions > 0n) published.push([id, versions]);
    }
    const [datanetId, version] = published[a.datanet % published.length];
    const modelCount = await models.modelCount();
    if (a.newVersion) {
      // The model's owner retrains it; launched models belong to their controller, whose holders decide.
      const mine: bigint[] = [];
      for (let id = 1n; id <= modelCount; id++) {
        if (this.isUser(await models.ownerOf(id))) mine.push(id);
      }
      if (mine.length > 0) {
        const id = mine[a.model % mine.length];
        const owner = await ethers.getSigner(await models.ownerOf(id));
        await this.send("registerModel", () =>
          models
            .connect(owner)
            .addModelVersion(id, modelSpec(Number(modelCount) + a.model, datanetId, version), { gasLimit: GAS }),
        );
        return;
      }
    }
    const who = this.user(a.who);
    await this.send("registerModel", () =>
      models
        .connect(who)
        .registerModel(
          `ipfs://model-${modelCount + 1n}`,
          modelSpec(Number(modelCount) + 1, datanetId, version),
          PRICES[a.price % PRICES.length],
          who.address,
          {
            gasLimit: GAS,
          },
        ),
    );
  }

  private async settle(a: Extract<Action, { kind: "settle" }>): Promise<void> {
    const { models, settlement } = this.f;
    const modelId = (BigInt(a.model) % (await models.modelCount())) + 1n;
    const payer = this.user(a.who);
    const calls = 1n + BigInt(a.calls);
    const fee = (await models.terms(modelId)).pricePerCall * calls;
    const logRoot = ethers.id(`campaign log ${++this.fresh}`);
    if (
      await this.send("settle", () =>
        settlement.connect(payer).settle(modelId, calls, fee, logRoot, "ipfs://log", { gasLimit: GAS }),
      )
    ) {
      this.notified += (fee * (await settlement.feeSplit()).stakersBps) / 10_000n;
      this.touchModel(modelId);
    }
  }

  private touchModel(modelId: bigint): void {
    for (const l of this.launched) if (l.modelId === modelId) l.roundings += 1n;
  }

  /* STAKING */

  /** Runs staking action `a.op`, or when it does not apply the next that does (staking always does). */
  private async staking(a: Extract<Action, { kind: "staking" }>): Promise<void> {
    const start = STAKING_OPS.indexOf(a.op);
    for (let i = 0; i < STAKING_OPS.length; i++) {
      if (await this.stakingOp({ ...a, op: STAKING_OPS[(start + i) % STAKING_OPS.length] })) return;
    }
  }

  /** One staking action; false when it does not apply (nothing sent). */
  private async stakingOp(a: Extract<Action, { kind: "staking" }>): Promise<boolean> {
    const { staking, open } = this.f;
    const who = this.user(a.who);
    const ghost = this.staked.get(who.address)!;
    const pool = staking.connect(who);
    const position = await staking.position(who.address);
    const balance = () => open.balanceOf(who.address);
    switch (a.op) {
      case "stake": {
        const amount = 1n + (((await balance()) / 10n) * BigInt(a.amount)) / 1_000n;
        if (await this.send("stake", () => pool.stake(amount, { gasLimit: GAS }))) ghost.in += amount;
        return true;
      }
      case "requestUnstake": {
        if (position.staked === 0n) return false;
        const amount = 1n + ((position.staked - 1n) * BigInt(a.amount)) / 1_000n;
        await this.send("requestUnstake", () => pool.requestUnstake(amount, { gasLimit: GAS }));
        return true;
      }
      case "withdraw": {
        if (position.unstaking === 0n) return false;
        if (position.unstakeReadyAt > (await this.now())) await this.warpTo(position.unstakeReadyAt);
        const before = await balance();
        if (await this.send("withdraw", () => pool.withdraw({ gasLimit: GAS })))
          ghost.out += (await balance()) - before;
        return true;
      }
      case "claimRewards": {
        if ((await staking.earned(who.address)) === 0n) return false;
        const before = await balance();
        if (await this.send("claimRewards", () => pool.claimRewards({ gasLimit: GAS })))
          ghost.rewards += (await balance()) - before;
        return true;
      }
    }
  }

  /* REWARD ROOTS AND CLAIMS */

  private currentTree(root: string): RewardTree | undefined {
    return this.trees.get(root);
  }

  private async roots(a: Extract<Action, { kind: "roots" }>): Promise<void> {
    const { rewards, clock, attestor, guardian } = this.f;
    const pending = await rewards.pendingRoot();
    const now = await this.now();
    if (a.op === "revoke" && pending.validAt > now) {
      await this.send("revokePendingRoot", () => rewards.connect(guardian).revokePendingRoot({ gasLimit: GAS }));
      return;
    }
    if (pending.validAt !== 0n) {
      if (a.op !== "revoke") await this.warpTo(pending.validAt);
      const relayer = this.user(a.grow);
      if (await this.send("acceptRoot", () => rewards.connect(relayer).acceptRoot({ gasLimit: GAS }))) {
        this.trees.set(pending.root, this.pendingTree!);
      }
      return;
    }
    const current = await rewards.currentRoot();
    const epoch = current.epoch + 1n;
    // The epoch has not ended yet: time passes until it has.
    if (epoch >= (await clock.currentEpoch())) await this.warpTo(await clock.epochStart(epoch + 1n));
    // Every account's cumulative amount only grows; the new total stays within what the distributor was funded.
    const previous = this.currentTree(current.root);
    const room = (await rewards.totalFunded()) - current.total;
    const grow = (room * BigInt(a.grow)) / 1_000n;
    const weights = a.split.map(BigInt);
    const sum = weights.reduce((x, y) => x + y, 0n);
    let given = 0n;
    const entries: [string, bigint][] = this.users.map((u, i) => {
      const before = previous ? entryOf(previous, u.address).amount : 0n;
      const extra = sum === 0n ? 0n : (grow * weights[i]) / sum;
      given += extra;
      return [u.address, before + extra];
    });
    const tree = rewardTree(entries);
    const total = totalOf(tree);
    if (given > grow) throw new InvariantError("campaign: a tree outgrew its funding");
    if (
      await this.send("proposeRoot", () =>
        rewards
          .connect(attestor)
          .proposeRoot(tree.root, total, epoch, ethers.id(`report ${epoch}`), "ipfs://report", { gasLimit: GAS }),
      )
    ) {
      this.pendingTree = tree;
    }
  }

  private async claim(a: Extract<Action, { kind: "claim" }>): Promise<void> {
    const { rewards } = this.f;
    const current = await rewards.currentRoot();
    const tree = this.currentTree(current.root);
    // No root yet: the attestor proposes one (and a later step accepts it).
    if (!tree)
      return this.roots({ kind: "roots", op: "propose", split: [1, 2, 3, 4, 5, 6], grow: 500 + (a.who % 500) });
    const relayer = this.user(a.who + 3);
    if (a.op === "claimMany") {
      const claims = this.users.map((u) => ({
        account: u.address,
        cumulativeAmount: entryOf(tree, u.address).amount,
        proof: entryOf(tree, u.address).proof,
      }));
      await this.send("claimMany", () => rewards.connect(relayer).claimMany(claims, { gasLimit: GAS }));
      return;
    }
    const claimed = await Promise.all(this.users.map((u) => rewards.claimed(u.address)));
    const owed = this.users.filter((u, i) => entryOf(tree, u.address).amount > claimed[i]);
    const who = a.op === "stale" || owed.length === 0 ? this.user(a.who) : owed[a.who % owed.length];
    const entry = entryOf(tree, who.address);
    if (a.op === "stale" || owed.length === 0) {
      // A proof of an older root, or the current one with another amount: refused, nothing paid.
      const older = [...this.trees.values()].filter((t) => t.root !== tree.root);
      const old = older.length > 0 ? entryOf(older[a.who % older.length], who.address) : entry;
      const stale = old.amount !== entry.amount ? old : { ...entry, amount: entry.amount + 1n };
      await this.send(
        "claimStale",
        () => rewards.connect(relayer).claim(who.address, stale.amount, stale.proof, { gasLimit: GAS }),
        true,
      );
      return;
    }
    await this.send("claim", () =>
      rewards.connect(relayer).claim(who.address, entry.amount, entry.proof, { gasLimit: GAS }),
    );
  }

  /* OFFERINGS */

  /**
   * Runs offering action `a.op`, or when it does not apply in this state the next one that does (in the order of
   * {@link OFFERING_OPS}, those that move time last), so that the step still calls something.
   */
  private async offering(a: Extract<Action, { kind: "offering" }>): Promise<void> {
    const start = OFFERING_OPS.indexOf(a.op);
    for (let k = 0; k < Math.max(this.launched.length, 1); k++) {
      for (let i = 0; i < OFFERING_OPS.length; i++) {
        const op = OFFERING_OPS[(start + i) % OFFERING_OPS.length];
        if (await this.offeringOp({ ...a, op, offering: a.offering + k })) return;
      }
    }
  }

  /** One offering action; false when it does not apply (nothing sent). */
  private async offeringOp(a: Extract<Action, { kind: "offering" }>): Promise<boolean> {
    if (a.op === "launch") return this.launch(a);
    if (this.launched.length === 0) return false;
    const l = this.launched[a.offering % this.launched.length];
    const { offering, shares } = l;
    const who = this.user(a.who);
    const state = await offering.state();
    const now = await this.now();
    const op = `offering.${a.op}`;
    let ok: boolean;
    switch (a.op) {
      case "buy": {
        if (state !== 0n || now + 1n >= l.deadline) return false;
        const fresh: HardhatEthersSigner[] = [];
        for (const u of this.users) if ((await offering.deposits(u.address)).amount === 0n) fresh.push(u);
        if (fresh.length === 0) return false;
        const buyer = fresh[a.who % fresh.length];
        const amount = 1n + ((SALE.hardCap / 2n) * BigInt(a.amount)) / 1_000n;
        ok = await this.send(op, () => offering.connect(buyer).buy(amount, { gasLimit: GAS }));
        return this.acted(l, ok);
      }
      case "finalize":
        // Mostly once the soft cap is met, so that most sales succeed; sometimes under it, so that some fail.
        if (state !== 0n || ((await offering.totalDeposits()) < SALE.softCap && a.amount % 5 !== 0)) return false;
        if (now < l.deadline) await this.warpTo(l.deadline);
        ok = await this.send(op, () => offering.connect(who).finalize({ gasLimit: LAUNCH_GAS }));
        return this.acted(l, ok);
      case "settleBuyer": {
        if (state === 0n) return false;
        const buyers = await this.buyers(offering, "settled");
        if (buyers.length === 0) return false;
        ok = await this.send(op, () =>
          offering.connect(who).settle(buyers[a.to % buyers.length].address, { gasLimit: GAS }),
        );
        return this.acted(l, ok);
      }
      case "release":
        if (state !== 2n || (await offering.isReleased(0n)) || !(await offering.isMet(0n, 0))) return false;
        ok = await this.send(op, () => offering.connect(who).release(0n, 0, { gasLimit: GAS }));
        return this.acted(l, ok);
      case "transfer": {
        const holders: HardhatEthersSigner[] = [];
        for (const u of this.users) if ((await shares.balanceOf(u.address)) > 0n) holders.push(u);
        if (holders.length === 0) return false;
        const from = holders[a.who % holders.length];
        const to = this.user(a.to);
        const amount = 1n + (((await shares.balanceOf(from.address)) - 1n) * BigInt(a.amount)) / 1_000n;
        ok = await this.send(op, () => shares.connect(from).transfer(to.address, amount, { gasLimit: GAS }));
        return this.acted(l, ok);
      }
      case "claimRevenue": {
        const accounts = [...this.users.map((u) => u.address), l.treasury];
        const owed: string[] = [];
        for (const account of accounts) if ((await shares.accruedRevenue(account)) > 0n) owed.push(account);
        if (owed.length === 0) return false;
        const account = owed[a.to % owed.length];
        const before = await this.f.open.balanceOf(account);
        ok = await this.send(op, () => shares.connect(who).claimRevenue(account, { gasLimit: GAS }));
        if (ok) l.paid.set(account, (l.paid.get(account) ?? 0n) + (await this.f.open.balanceOf(account)) - before);
        return this.acted(l, ok);
      }
      case "redeem": {
        if (state !== 3n) return false;
        const buyers = await this.buyers(offering, "redeemed");
        if (buyers.length === 0) return false;
        ok = await this.send(op, () =>
          offering.connect(who).redeem(buyers[a.to % buyers.length].address, { gasLimit: GAS }),
        );
        return this.acted(l, ok);
      }
      case "claimContributorShares": {
        if (state !== 2n && state !== 3n) return false;
        const [account, amount] = [...l.contributors.entries()][a.who % 2][1];
        if ((await offering.contributorClaimed(account)) >= amount) return false;
        ok = await this.send(op, () =>
          offering
            .connect(who)
            .claimContributorShares(account, amount, entryOf(l.contributors, account).proof, { gasLimit: GAS }),
        );
        return this.acted(l, ok);
      }
      case "claimVested": {
        if (state !== 2n && state !== 3n) return false;
        const creator = await ethers.getSigner(l.creator);
        ok = await this.send(op, () => offering.connect(creator).claimVested({ gasLimit: GAS }));
        return this.acted(l, ok);
      }
      case "delegate":
        if ((await shares.balanceOf(who.address)) === 0n || (await shares.delegates(who.address)) === who.address)
          return false;
        ok = await this.send(op, () => shares.connect(who).delegate(who.address, { gasLimit: GAS }));
        return this.acted(l, ok);
      case "endVote": {
        if (state !== 2n) return false;
        const vote = await offering.endVote();
        if (!vote.open) {
          const deadline = (await offering.terms()).milestones[0].deadline;
          if ((await offering.isReleased(0n)) || (await offering.isMet(0n, 0))) return false;
          if (now <= deadline) await this.warpTo(deadline + 1n);
          ok = await this.send(op, () => offering.connect(who).openEndVote(0n, { gasLimit: GAS }));
        } else if (now <= vote.voteEnd) {
          if ((await shares.getPastVotes(who.address, vote.snapshot)) === 0n) return false;
          ok = await this.send(op, () => offering.connect(who).castEndVote(a.amount % 4 !== 0, { gasLimit: GAS }));
        } else {
          ok = await this.send(op, () => offering.connect(who).closeEndVote({ gasLimit: LAUNCH_GAS }));
        }
        return this.acted(l, ok);
      }
    }
  }

  /** The users with a deposit in `offering` not yet settled (or redeemed); with "none", the users without one. */
  private async buyers(offering: ModelOffering, done: "settled" | "redeemed" | "none"): Promise<HardhatEthersSigner[]> {
    const deposits = await Promise.all(this.users.map((u) => offering.deposits(u.address)));
    if (done === "none") return this.users.filter((_, i) => deposits[i].amount === 0n);
    return this.users.filter((_, i) => deposits[i].amount !== 0n && !deposits[i][done]);
  }

  /** Counts a successful call's possible rounding of revenue credits; the action applied. */
  private acted(l: Launched, ok: boolean): true {
    if (ok) l.roundings += 2n;
    return true;
  }

  private async launch(a: Extract<Action, { kind: "offering" }>): Promise<boolean> {
    const { models, offeringFactory } = this.f;
    const candidates = await this.unlaunchedModels();
    if (candidates.length === 0) return false;
    const modelId = candidates[a.offering % candidates.length];
    const creator = await ethers.getSigner(await models.ownerOf(modelId));
    const factory = await offeringFactory.getAddress();
    const deadline = (await this.now()) + 3n * DAY;
    const [first, second] = [this.user(a.who), this.user(a.who + 1)];
    const contributors = rewardTree([
      [first.address, 50_000n * E18],
      [second.address, 100_000n * E18],
    ]);
    const terms = offeringTermsOf(deadline, contributors.root, FEES_MILESTONE);
    if (
      !(await this.send("offering.launch", () => models.connect(creator).approve(factory, modelId, { gasLimit: GAS })))
    )
      return true;
    const args = launchArgs(modelId, terms);
    if (
      !(await this.send("offering.launch", () =>
        offeringFactory.connect(creator).launch(...args, { gasLimit: LAUNCH_GAS }),
      ))
    )
      return true;
    const { offering, shares, controller, modelTimelock } = connectOffering(
      await offeringFactory.offeringOf(modelId),
      creator,
    );
    const address = await offering.getAddress();
    for (const user of this.users) {
      await this.send("offering.launch", () =>
        this.f.open.connect(user).approve(address, ethers.MaxUint256, { gasLimit: GAS }),
      );
    }
    this.launched.push({
      modelId,
      offering,
      shares,
      controller,
      address,
      sharesAddress: await shares.getAddress(),
      treasury: await modelTimelock.getAddress(),
      creator: creator.address,
      deadline,
      contributors,
      paid: new Map(),
      roundings: 0n,
    });
    return true;
  }

  /** The models a user holds that were never launched. */
  private async unlaunchedModels(): Promise<bigint[]> {
    const { models, offeringFactory } = this.f;
    const count = await models.modelCount();
    const candidates: bigint[] = [];
    for (let id = 1n; id <= count; id++) {
      if ((await offeringFactory.offeringOf(id)).offering !== ethers.ZeroAddress) continue;
      if (this.isUser(await models.ownerOf(id))) candidates.push(id);
    }
    return candidates;
  }

  /* GOVERNANCE */

  private async governance(a: Extract<Action, { kind: "governance" }>): Promise<void> {
    const { timelock, settlement, rewards, staking, offeringFactory } = this.f;
    const now = await this.now();
    const ready = this.scheduled.findIndex((s) => s.readyAt <= now);
    const executor = this.user(a.value);
    if (ready >= 0) {
      const s = this.scheduled[ready];
      this.scheduled.splice(ready, 1);
      await this.send("governance.execute", () =>
        timelock!.connect(executor).execute(s.target, 0n, s.data, ethers.ZeroHash, s.salt, { gasLimit: GAS }),
      );
      return;
    }
    const v = BigInt(a.value);
    const changes: [string, string][] = [
      [
        this.addresses.settlement,
        (() => {
          const modelBps = (v % BigInt(MAX_MODEL_BPS / 100 + 1)) * 100n;
          const stakersBps = ((v / 100n) % 31n) * 100n;
          const treasuryBps = ((v / 10_000n) % 11n) * 100n;
          return settlement.interface.encodeFunctionData("setFeeSplit", [
            { treasuryBps, modelBps, stakersBps, contributorsBps: 10_000n - modelBps - stakersBps - treasuryBps },
          ]);
        })(),
      ],
      [this.addresses.rewards, rewards.interface.encodeFunctionData("setChallengeWindow", [3_600n + (v % 2n) * DAY])],
      [this.addresses.staking, staking.interface.encodeFunctionData("setCooldown", [DAY + (v % 7n) * DAY])],
      [
        await offeringFactory.getAddress(),
        offeringFactory.interface.encodeFunctionData("setProtocolFee", [v % 1_001n]),
      ],
    ];
    const [target, data] = changes[a.param % changes.length];
    const salt = ethers.id(`campaign proposal ${++this.fresh}`);
    const delay = await timelock!.getMinDelay();
    if (
      await this.send("governance.schedule", () =>
        timelock!.connect(this.governor).schedule(target, 0n, data, ethers.ZeroHash, salt, delay, { gasLimit: GAS }),
      )
    ) {
      this.scheduled.push({ target, data, salt, readyAt: (await this.now()) + delay });
    }
  }

  /* TIME */

  private async warp(a: Extract<Action, { kind: "warp" }>): Promise<void> {
    const { clock, rewards } = this.f;
    const now = await this.now();
    const offset = BigInt(a.offset);
    let to: bigint | undefined;
    switch (a.target) {
      case "second":
        to = now + 1n;
        break;
      case "hour":
        to = now + 3_600n;
        break;
      case "day":
        to = now + DAY;
        break;
      case "week":
        to = now + 7n * DAY;
        break;
      case "utcDay":
        to = (now / DAY + 1n) * DAY + offset;
        break;
      case "epoch":
        to = (await clock.epochStart((await clock.currentEpoch()) + 1n)) + offset;
        break;
      case "rootValidAt": {
        const pending = await rewards.pendingRoot();
        if (pending.validAt !== 0n) to = pending.validAt + offset;
        break;
      }
      case "governance":
        if (this.scheduled.length > 0) to = this.scheduled[0].readyAt + offset;
        break;
      case "saleEnd": {
        const open = this.launched.find((l) => l.deadline > now);
        if (open) to = open.deadline + offset;
        break;
      }
    }
    if (to !== undefined && to > now) await this.warpTo(to);
  }

  /* ATTACKS */

  private async attack(a: Extract<Action, { kind: "attack" }>): Promise<void> {
    switch (a.name) {
      case "settlePriceFrontRun":
        return this.settlePriceFrontRun(a);
      case "lateRootRevocation":
        return this.lateRootRevocation(a);
      case "stakingJustInTime":
        return this.stakingJustInTime(a);
      case "revenueSniping":
        return this.revenueSniping(a, false);
      case "sharesEscrowReentry":
        return this.sharesEscrowReentry(a);
      case "rootEpochBinding":
        return this.rootEpochBinding();
      case "submitTermsFrontRun":
        return this.submitTermsFrontRun(a);
      case "governanceStakeDrain":
        return this.governanceStakeDrain(a);
      case "cheapSettlement":
        return this.cheapSettlement(a);
      case "contentSquatting":
        return this.contentSquatting(a);
      case "dailyBudgetSybils":
        return this.dailyBudgetSybils(a);
      case "milestoneFaking":
        return this.milestoneFaking(a);
      case "offeringCreatorCapture":
        return this.offeringCreatorCapture(a);
      case "saleBotFrontRun":
        return this.saleBotFrontRun(a);
      case "settlementLedgerOverflow":
        return this.settlementLedgerOverflow(a);
      case "sharesLateBuyerRevenue":
        return this.revenueSniping(a, true);
    }
  }

  /** A model owner raises the price ahead of a gateway's settlement in one block: the settlement pays nothing. */
  private async settlePriceFrontRun(a: Extract<Action, { kind: "attack" }>): Promise<void> {
    const { models, settlement, open } = this.f;
    const count = await models.modelCount();
    const owned: bigint[] = [];
    for (let id = 1n; id <= count; id++) if (this.isUser(await models.ownerOf(id))) owned.push(id);
    if (owned.length === 0) return;
    const modelId = owned[a.who % owned.length];
    const owner = await ethers.getSigner(await models.ownerOf(modelId));
    const payer = this.users.find((u) => u.address !== owner.address)!;
    const price = (await models.terms(modelId)).pricePerCall;
    const calls = 1n + BigInt(a.amount);
    const before = await open.balanceOf(payer.address);
    const name = "attack.settlePriceFrontRun";
    const [settled, raised] = await this.oneBlock(name, [
      {
        tx: () =>
          settlement
            .connect(payer)
            .settle(modelId, calls, price * calls, ethers.id(`victim log ${++this.fresh}`), "ipfs://log", {
              gasLimit: GAS,
              ...ORDINARY_FEES,
            }),
        intended: true,
      },
      { tx: () => models.connect(owner).setPrice(modelId, price * 500n, { gasLimit: GAS, ...FRONT_RUN_FEES }) },
    ]);
    check(
      !settled && raised && (await open.balanceOf(payer.address)) === before,
      "settle-price front run",
      () => "the payer paid above its maxFee",
    );
    await this.send(name, () => models.connect(owner).setPrice(modelId, price, { gasLimit: GAS }));
  }

  /** The guardian's revoke outbids a relayer's acceptRoot in the block at validAt: the revoke fails, the root is accepted. */
  private async lateRootRevocation(a: Extract<Action, { kind: "attack" }>): Promise<void> {
    const { rewards, guardian } = this.f;
    const pending = await rewards.pendingRoot();
    if (pending.validAt === 0n || pending.validAt <= (await this.now())) return;
    const relayer = this.user(a.who);
    const [accepted] = await this.oneBlock(
      "attack.lateRootRevocation",
      [
        { tx: () => rewards.connect(relayer).acceptRoot({ gasLimit: GAS, ...ORDINARY_FEES }) },
        { tx: () => rewards.connect(guardian).revokePendingRoot({ gasLimit: GAS, ...FRONT_RUN_FEES }), intended: true },
      ],
      pending.validAt,
    );
    check(accepted, "late root revocation", () => "the root was not accepted at validAt");
    this.trees.set(pending.root, this.pendingTree!);
  }

  /** stake → victim's settle → requestUnstake in one block: the stake existed for no time and earns nothing. */
  private async stakingJustInTime(a: Extract<Action, { kind: "attack" }>): Promise<void> {
    const { staking, settlement, models } = this.f;
    const attacker = this.users.find((u, i) => i >= a.who % this.users.length && this.staked.get(u.address)!.in === 0n);
    if (
      !attacker ||
      (await staking.earned(attacker.address)) !== 0n ||
      (await staking.position(attacker.address)).staked !== 0n
    )
      return;
    const payer = this.users.find((u) => u !== attacker)!;
    const modelId = (BigInt(a.who) % (await models.modelCount())) + 1n;
    const calls = 100n + BigInt(a.amount);
    const fee = (await models.terms(modelId)).pricePerCall * calls;
    const amount = 10_000n * E18;
    const [staked, settled, unstaked] = await this.oneBlock("attack.stakingJustInTime", [
      { tx: () => staking.connect(attacker).stake(amount, { gasLimit: GAS, ...FRONT_RUN_FEES }) },
      {
        tx: () =>
          settlement.connect(payer).settle(modelId, calls, fee, ethers.id(`jit log ${++this.fresh}`), "ipfs://log", {
            gasLimit: GAS,
            ...ORDINARY_FEES,
          }),
      },
      { tx: () => staking.connect(attacker).requestUnstake(amount, { gasLimit: GAS, ...BACK_RUN_FEES }) },
    ]);
    if (staked) this.staked.get(attacker.address)!.in += amount;
    if (settled) {
      this.notified += (fee * (await settlement.feeSplit()).stakersBps) / 10_000n;
      this.touchModel(modelId);
    }
    if (staked && unstaked) {
      check(
        (await staking.earned(attacker.address)) === 0n,
        "staking just in time",
        () => "a stake present for no time earned",
      );
    }
  }

  /**
   * Revenue arrives, then a holder's shares move to a newcomer in the same block, before anyone synced it: the
   * newcomer earns none of it. `sellAll` (sharesLateBuyerRevenue): the holder sells all its shares, and keeps its
   * pro-rata part of the revenue that arrived while it held them.
   */
  private async revenueSniping(a: Extract<Action, { kind: "attack" }>, sellAll: boolean): Promise<void> {
    const { settlement, models } = this.f;
    const live: Launched[] = [];
    for (const l of this.launched) if ((await l.offering.state()) === 2n) live.push(l);
    if (live.length === 0) return;
    const l = live[a.who % live.length];
    const holder = (
      await Promise.all(this.users.map(async (u) => ((await l.shares.balanceOf(u.address)) > 1n ? u : undefined)))
    ).find(Boolean);
    const sniper = (
      await Promise.all(
        this.users.map(async (u) =>
          (await l.shares.balanceOf(u.address)) === 0n && (await l.shares.accruedRevenue(u.address)) === 0n
            ? u
            : undefined,
        ),
      )
    ).find(Boolean);
    if (!holder || !sniper) return;
    const payer = this.user(a.who + 2);
    const calls = 100n + BigInt(a.amount);
    const fee = (await models.terms(l.modelId)).pricePerCall * calls;
    const held = await l.shares.balanceOf(holder.address);
    const moved = sellAll ? held : held / 2n;
    const [sellerBefore, revenueBefore, supply] = await Promise.all([
      l.shares.accruedRevenue(holder.address),
      this.f.open.balanceOf(l.sharesAddress),
      l.shares.totalSupply(),
    ]);
    const name = sellAll ? "attack.sharesLateBuyerRevenue" : "attack.revenueSniping";
    const [settled] = await this.oneBlock(name, [
      {
        tx: () =>
          settlement
            .connect(payer)
            .settle(l.modelId, calls, fee, ethers.id(`snipe log ${++this.fresh}`), "ipfs://log", {
              gasLimit: GAS,
              ...FRONT_RUN_FEES,
            }),
      },
      { tx: () => l.shares.connect(holder).transfer(sniper.address, moved, { gasLimit: GAS, ...ORDINARY_FEES }) },
    ]);
    if (settled) {
      this.notified += (fee * (await settlement.feeSplit()).stakersBps) / 10_000n;
      l.roundings += 3n;
    }
    check(
      (await l.shares.accruedRevenue(sniper.address)) === 0n,
      name,
      () => "shares bought after revenue arrived earned it",
    );
    const due = (((await this.f.open.balanceOf(l.sharesAddress)) - revenueBefore) * held) / supply;
    const sellerAfter = await l.shares.accruedRevenue(holder.address);
    check(
      sellerAfter + 2n >= sellerBefore + due,
      name,
      () => `the seller's shares earned ${sellerAfter - sellerBefore} of the ${due} due`,
    );
  }

  /** A credited holder sends its shares back into the escrow, to have their revenue carried twice: refused. */
  private async sharesEscrowReentry(a: Extract<Action, { kind: "attack" }>): Promise<void> {
    for (const l of this.launched) {
      for (const u of this.users) {
        const balance = await l.shares.balanceOf(u.address);
        if (balance === 0n) continue;
        await this.send(
          "attack.sharesEscrowReentry",
          () =>
            l.shares
              .connect(u)
              .transfer(l.address, 1n + ((balance - 1n) * BigInt(a.amount)) / 1_000n, { gasLimit: GAS }),
          true,
        );
        return;
      }
    }
  }

  /** The attestor proposes a root for the running epoch and for 2^64 − 1: both refused. */
  private async rootEpochBinding(): Promise<void> {
    const { rewards, clock, attestor } = this.f;
    if ((await rewards.pendingRoot()).validAt !== 0n) return;
    const current = await clock.currentEpoch();
    const total = (await rewards.currentRoot()).total;
    for (const epoch of [current, 2n ** 64n - 1n]) {
      await this.send(
        "attack.rootEpochBinding",
        () =>
          rewards
            .connect(attestor)
            .proposeRoot(ethers.id(`bound ${epoch}`), total, epoch, ethers.ZeroHash, "", { gasLimit: GAS }),
        true,
      );
    }
  }

  /** A Datanet owner's new terms outbid a contributor's reveal in one block: the reveal reverts, no bond is taken. */
  private async submitTermsFrontRun(a: Extract<Action, { kind: "attack" }>): Promise<void> {
    const { datanets, open } = this.f;
    const datanetId = BigInt(a.who % 2) + 1n;
    const owner = await ethers.getSigner(await datanets.ownerOf(datanetId));
    const victim = this.users.find((u) => u.address !== owner.address && this.users.indexOf(u) >= a.who % 5)!;
    const terms = await datanets.currentTermsVersion(datanetId);
    const policy = await datanets.getPolicy(datanetId, terms);
    const hash = ethers.sha256(ethers.toUtf8Bytes(`campaign front-run content ${++this.fresh}`));
    const salt = ethers.id(`front-run salt ${this.fresh}`);
    const name = "attack.submitTermsFrontRun";
    const commitment = await datanets.commitmentOf(victim.address, datanetId, hash, salt);
    if (!(await this.send(name, () => datanets.connect(victim).commit(commitment, { gasLimit: GAS })))) return;
    const before = await open.balanceOf(victim.address);
    const credit = await datanets.bondCredit(victim.address);
    const same = {
      bond: policy.bond,
      quorum: policy.quorum,
      reviewWindow: policy.reviewWindow,
      accessMode: policy.accessMode,
      maxFileBytes: policy.maxFileBytes,
      contributorDailyFiles: policy.contributorDailyFiles,
      contributorDailyBytes: policy.contributorDailyBytes,
      datanetDailyBytes: policy.datanetDailyBytes,
    };
    await this.oneBlock(name, [
      {
        tx: () =>
          datanets
            .connect(victim)
            .submit(
              { datanetId, contentHash: hash, size: 1n, termsVersion: terms, maxBond: ANY_BOND, salt },
              "ipfs://victim",
              { gasLimit: GAS, ...ORDINARY_FEES },
            ),
        intended: true,
      },
      { tx: () => datanets.connect(owner).setPolicy(datanetId, same, { gasLimit: GAS, ...FRONT_RUN_FEES }) },
    ]);
    check(
      (await open.balanceOf(victim.address)) === before && (await datanets.bondCredit(victim.address)) === credit,
      "submit terms front run",
      () => "the contributor's bond moved under terms it did not sign",
    );
  }

  /** A captured timelock makes an attacker the pool's notifier: its notification without payment reverts. */
  private async governanceStakeDrain(a: Extract<Action, { kind: "attack" }>): Promise<void> {
    const { staking } = this.f;
    const attacker = this.user(a.who);
    const name = "attack.governanceStakeDrain";
    await this.send(name, () => staking.connect(this.timelock).setRewardNotifier(attacker.address, { gasLimit: GAS }));
    const principal = await staking.principal();
    await this.send(
      name,
      () => staking.connect(attacker).notifyReward(principal === 0n ? 1n : principal, { gasLimit: GAS }),
      true,
    );
    await this.send(name, () =>
      staking.connect(this.timelock).setRewardNotifier(this.addresses.settlement, { gasLimit: GAS }),
    );
  }

  /** A model priced at 1 wei a call that a user owns; `this.user(p)` registers one when there is none. */
  private async oneWeiModel(
    name: string,
    p: Pick,
  ): Promise<{ modelId: bigint; owner: HardhatEthersSigner } | undefined> {
    const { models, datanets } = this.f;
    const count = await models.modelCount();
    for (let id = 1n; id <= count; id++) {
      const owner = await models.ownerOf(id);
      if (this.isUser(owner) && (await models.terms(id)).pricePerCall === 1n) {
        return { modelId: id, owner: await ethers.getSigner(owner) };
      }
    }
    const owner = this.user(p);
    const spec = modelSpec(Number(count) + 1, 1n, await datanets.versionCount(1n));
    const registered = await this.send(name, () =>
      models.connect(owner).registerModel("ipfs://one-wei-model", spec, 1n, owner.address, { gasLimit: GAS }),
    );
    return registered ? { modelId: count + 1n, owner } : undefined;
  }

  /** Books a settlement that went through: the stakers' share notified, the model's shares touched. */
  private async settled(modelId: bigint, fee: bigint): Promise<void> {
    this.notified += (fee * (await this.f.settlement.feeSplit()).stakersBps) / 10_000n;
    this.touchModel(modelId);
  }

  /** A 1-wei model settles 2^64 − 1 calls ahead of an honest payer in one block: the honest settlement goes through. */
  private async settlementLedgerOverflow(a: Extract<Action, { kind: "attack" }>): Promise<void> {
    const { models, settlement } = this.f;
    const name = "attack.settlementLedgerOverflow";
    const cheap = await this.oneWeiModel(name, a.who);
    if (!cheap) return;
    const payer = this.users.find((u) => u.address !== cheap.owner.address)!;
    const modelId = (BigInt(a.amount) % (await models.modelCount())) + 1n;
    const fee = (await models.terms(modelId)).pricePerCall * 1_000n;
    const [attacked, honest] = await this.oneBlock(name, [
      {
        tx: () =>
          settlement
            .connect(cheap.owner)
            .settle(cheap.modelId, MAX_CALLS, MAX_CALLS, ethers.id(`overflow ${++this.fresh}`), "ipfs://attack", {
              gasLimit: GAS,
              ...FRONT_RUN_FEES,
            }),
      },
      {
        tx: () =>
          settlement.connect(payer).settle(modelId, 1_000n, fee, ethers.id(`honest ${++this.fresh}`), "ipfs://honest", {
            gasLimit: GAS,
            ...ORDINARY_FEES,
          }),
      },
    ]);
    if (attacked) await this.settled(cheap.modelId, MAX_CALLS);
    if (honest) await this.settled(modelId, fee);
    check(attacked && honest, "settlement ledger overflow", () => "a settlement reverted after a maximal 1-wei one");
  }

  /**
   * A cheap batch of up to 1,000,000 one-wei records settles in the block of an honest settlement: the contributors'
   * pool receives each settlement's own pot (the attacker's at most the wei it paid), which SDK attribution splits
   * over that settlement's records only.
   */
  private async cheapSettlement(a: Extract<Action, { kind: "attack" }>): Promise<void> {
    const { models, settlement, rewards } = this.f;
    const name = "attack.cheapSettlement";
    const cheap = await this.oneWeiModel(name, a.who);
    if (!cheap) return;
    const payer = this.users.find((u) => u.address !== cheap.owner.address)!;
    const modelId = (BigInt(a.who) % (await models.modelCount())) + 1n;
    const fee = (await models.terms(modelId)).pricePerCall * 100n;
    const records = 1n + BigInt(a.amount) * 1_000n;
    const split = await settlement.feeSplit();
    const pot = (paid: bigint) =>
      paid -
      (paid * split.treasuryBps) / 10_000n -
      (paid * split.modelBps) / 10_000n -
      (paid * split.stakersBps) / 10_000n;
    const funded = await rewards.totalFunded();
    const [honest, attacked] = await this.oneBlock(name, [
      {
        tx: () =>
          settlement.connect(payer).settle(modelId, 100n, fee, ethers.id(`honest ${++this.fresh}`), "ipfs://honest", {
            gasLimit: GAS,
            ...ORDINARY_FEES,
          }),
      },
      {
        tx: () =>
          settlement
            .connect(cheap.owner)
            .settle(cheap.modelId, records, records, ethers.id(`cheap ${++this.fresh}`), "ipfs://cheap", {
              gasLimit: GAS,
              ...FRONT_RUN_FEES,
            }),
      },
    ]);
    if (honest) await this.settled(modelId, fee);
    if (attacked) await this.settled(cheap.modelId, records);
    const pots = (await rewards.totalFunded()) - funded;
    const expected = (honest ? pot(fee) : 0n) + (attacked ? pot(records) : 0n);
    check(
      pots === expected && pot(records) <= records,
      "cheap settlement",
      () => `the pool received ${pots}, the settlements' own pots are ${expected}`,
    );
  }

  /**
   * A copier sees the author's reveal and outbids it with a commitment and a reveal of its own in the same block: the
   * copy reverts (its commitment is from its reveal's block) and the author is the contributor of record.
   */
  private async contentSquatting(a: Extract<Action, { kind: "attack" }>): Promise<void> {
    const { datanets } = this.f;
    const name = "attack.contentSquatting";
    const datanetId = BigInt(a.who % 2) + 1n;
    const author = this.user(a.who);
    const copier = this.user(a.who + 1 + (a.amount % 5));
    if ((await this.roomToday(datanetId, author)) === 0n) return;
    const termsVersion = await datanets.currentTermsVersion(datanetId);
    const hash = ethers.sha256(ethers.toUtf8Bytes(`campaign authored content ${++this.fresh}`));
    const [mine, theirs] = [ethers.id(`author salt ${this.fresh}`), ethers.id(`copier salt ${this.fresh}`)];
    const request = (salt: string) => ({
      datanetId,
      contentHash: hash,
      size: 1n,
      termsVersion,
      maxBond: ANY_BOND,
      salt,
    });
    const commitment = commitmentOf(author.address, datanetId, hash, mine);
    if (!(await this.send(name, () => datanets.connect(author).commit(commitment, { gasLimit: GAS })))) return;
    const copied = commitmentOf(copier.address, datanetId, hash, theirs);
    const [revealed] = await this.oneBlock(name, [
      {
        tx: () => datanets.connect(author).submit(request(mine), "ipfs://author", { gasLimit: GAS, ...ORDINARY_FEES }),
      },
      { tx: () => datanets.connect(copier).commit(copied, { gasLimit: GAS, ...FRONT_RUN_FEES }) },
      {
        tx: () => datanets.connect(copier).submit(request(theirs), "ipfs://copy", { gasLimit: GAS, ...FRONT_RUN_FEES }),
        intended: true,
      },
    ]);
    await this.track(datanetId, hash);
    const contributor = (await datanets.getContribution(datanetId, hash)).contributor;
    check(
      revealed && contributor === author.address,
      "content squatting",
      () => `the contributor of record is ${contributor}, not the author`,
    );
  }

  /**
   * Sybils commit full files the day before and fill Datanet 2's daily byte budget at 00:00 UTC; a newcomer who
   * committed too gets in by posting the bond of the moment, and the sybils' last files paid a surge above the terms'
   * bond (kept when they expire or are rejected).
   */
  private async dailyBudgetSybils(a: Extract<Action, { kind: "attack" }>): Promise<void> {
    const { datanets } = this.f;
    const name = "attack.dailyBudgetSybils";
    const datanetId = 2n;
    const termsVersion = await datanets.currentTermsVersion(datanetId);
    const policy = await datanets.getPolicy(datanetId, termsVersion);
    const newcomer = this.user(a.who);
    const sybils = this.users.filter((u) => u !== newcomer);
    const perFile = policy.maxFileBytes;
    const maxFiles = BigInt(policy.contributorDailyFiles);
    const bySize = policy.contributorDailyBytes / perFile;
    const perSybil = maxFiles < bySize ? maxFiles : bySize;
    const files = (policy.datanetDailyBytes + perFile - 1n) / perFile;
    if (perSybil === 0n || files > perSybil * BigInt(sybils.length)) return;
    const queued: { who: HardhatEthersSigner; hash: string; salt: string }[] = [];
    for (let i = 0n; i <= files; i++) {
      const who = i === files ? newcomer : sybils[Number(i / perSybil)];
      const hash = ethers.sha256(ethers.toUtf8Bytes(`campaign sybil content ${++this.fresh}`));
      const salt = ethers.id(`sybil salt ${this.fresh}`);
      const commitment = commitmentOf(who.address, datanetId, hash, salt);
      if (!(await this.send(name, () => datanets.connect(who).commit(commitment, { gasLimit: GAS })))) return;
      queued.push({ who, hash, salt });
    }
    await this.warpTo(((await this.now()) / DAY + 1n) * DAY);
    const reveal = ({ who, hash, salt }: (typeof queued)[number], size: bigint, maxBond: bigint) =>
      this.send(name, () =>
        datanets
          .connect(who)
          .submit({ datanetId, contentHash: hash, size, termsVersion, maxBond, salt }, "ipfs://sybil", {
            gasLimit: GAS,
          }),
      );
    const entry = queued.pop()!;
    for (const q of queued) if (await reveal(q, perFile, ANY_BOND)) await this.track(datanetId, q.hash);
    const last = await datanets.getContribution(datanetId, queued[queued.length - 1].hash);
    check(last.bond > policy.bond, "daily budget sybils", () => "the budget filled at the terms' bond");
    const admitted = await reveal(entry, 1n, await datanets.bondFor(datanetId, 1n));
    if (admitted) await this.track(datanetId, entry.hash);
    check(admitted, "daily budget sybils", () => "a newcomer posting the quoted bond was locked out");
  }

  /**
   * A creator's launch with a fees milestone cheaper to fake than its tranche is refused; on a succeeded offering
   * whose missing fees cost more to fake than the tranche, the creator pays them itself and releases the tranche,
   * and ends with less OPEN (its shares' revenue included) than before.
   */
  private async milestoneFaking(a: Extract<Action, { kind: "attack" }>): Promise<void> {
    const { models, offeringFactory, settlement, open } = this.f;
    const name = "attack.milestoneFaking";
    const candidates = await this.unlaunchedModels();
    if (candidates.length > 0) {
      const modelId = candidates[a.who % candidates.length];
      const creator = await ethers.getSigner(await models.ownerOf(modelId));
      const factory = await offeringFactory.getAddress();
      // At most 100 OPEN of fees, under the tranche: half of a 1,000-OPEN raise less at most 10% of fee.
      const threshold = 1n + (BigInt(a.amount) * E18) / 10n;
      const tree = rewardTree([[creator.address, SPLIT.contributors]]);
      const terms = offeringTermsOf((await this.now()) + 3n * DAY, tree.root, threshold);
      if (await this.send(name, () => models.connect(creator).approve(factory, modelId, { gasLimit: GAS }))) {
        await this.send(
          name,
          () => offeringFactory.connect(creator).launch(...launchArgs(modelId, terms), { gasLimit: LAUNCH_GAS }),
          true,
        );
      }
    }
    for (const l of this.launched) {
      const { offering, shares } = l;
      if ((await offering.state()) !== 2n || (await offering.isReleased(0n)) || (await offering.isMet(0n, 0))) continue;
      const [, feesAtLaunch] = await offering.launchTotals();
      const missing = FEES_MILESTONE - ((await settlement.modelTotals(l.modelId)).fees - feesAtLaunch);
      // Others' real fees can leave a remainder cheaper than the tranche: faking that part is not the attack.
      if ((await offeringFactory.fakingCost(l.modelId, 2, missing)) <= (await offering.trancheOf(0n))) continue;
      const price = (await models.terms(l.modelId)).pricePerCall;
      const calls = (missing + price - 1n) / price;
      // A 1-wei model's milestone takes more calls than one settlement pays for.
      if (calls > MAX_CALLS) continue;
      const creator = await ethers.getSigner(l.creator);
      const worth = async () => (await open.balanceOf(l.creator)) + (await shares.accruedRevenue(l.creator));
      const before = await worth();
      const paid = await this.send(name, () =>
        settlement
          .connect(creator)
          .settle(l.modelId, calls, price * calls, ethers.id(`fake ${++this.fresh}`), "ipfs://fake", { gasLimit: GAS }),
      );
      if (!paid) return;
      await this.settled(l.modelId, price * calls);
      const released = await this.send(name, () => offering.connect(creator).release(0n, 0, { gasLimit: GAS }));
      this.acted(l, released);
      const after = await worth();
      check(
        released && after < before,
        "milestone faking",
        () => `the creator went from ${before} to ${after} OPEN (tranche released: ${released})`,
      );
      return;
    }
  }

  /**
   * A creator holding its model's governance alone redirects the revenue while the raise is escrowed (refused) and
   * registers a model version itself (refused); from an ended offering it made no deposit in, it redeems nothing.
   */
  private async offeringCreatorCapture(a: Extract<Action, { kind: "attack" }>): Promise<void> {
    const { models, open, datanets } = this.f;
    const name = "attack.offeringCreatorCapture";
    for (let k = 0; k < this.launched.length; k++) {
      const l = this.launched[(a.who + k) % this.launched.length];
      const state = await l.offering.state();
      const creator = await ethers.getSigner(l.creator);
      if (state === 2n && (await l.offering.revenueLocked())) {
        const governance = await impersonate(l.treasury);
        await this.send(
          name,
          () => l.controller.connect(governance).setRevenueRecipient(l.creator, { gasLimit: GAS }),
          true,
        );
        const recipient = (await models.terms(l.modelId)).revenueRecipient;
        check(recipient === l.sharesAddress, "offering creator capture", () => `the revenue goes to ${recipient}`);
        const spec = modelSpec(Number(await models.modelCount()) + a.amount, 1n, await datanets.versionCount(1n));
        await this.send(name, () => l.controller.connect(creator).addModelVersion(spec, { gasLimit: GAS }), true);
        return;
      }
      if (state === 3n && (await l.offering.deposits(l.creator)).amount === 0n) {
        const before = await open.balanceOf(l.creator);
        await this.send(name, () => l.offering.connect(creator).redeem(l.creator, { gasLimit: GAS }), true);
        check(
          (await open.balanceOf(l.creator)) === before,
          "offering creator capture",
          () => "a creator redeemed buyers' escrow",
        );
        return;
      }
    }
  }

  /**
   * A bot outbids a buyer's deposit in an open sale for the first place in the block, both oversubscribing it; once
   * finalized (time passes to the deadline), every deposit is filled at the same rate per OPEN, to 1e-18.
   */
  private async saleBotFrontRun(a: Extract<Action, { kind: "attack" }>): Promise<void> {
    const name = "attack.saleBotFrontRun";
    const now = await this.now();
    for (const l of this.launched) {
      const { offering } = l;
      if ((await offering.state()) !== 0n || now + 2n >= l.deadline) continue;
      const fresh = await this.buyers(offering, "none");
      if (fresh.length < 2) continue;
      const [bot, victim] = [fresh[a.who % fresh.length], fresh[(a.who + 1) % fresh.length]];
      const botAmount = SALE.hardCap / 2n + BigInt(a.amount) * E18;
      const [bought, outbid] = await this.oneBlock(name, [
        { tx: () => offering.connect(victim).buy(SALE.hardCap, { gasLimit: GAS, ...ORDINARY_FEES }) },
        { tx: () => offering.connect(bot).buy(botAmount, { gasLimit: GAS, ...FRONT_RUN_FEES }) },
      ]);
      if (!bought || !outbid) return;
      await this.warpTo(l.deadline);
      if (!(await this.send(name, () => offering.connect(victim).finalize({ gasLimit: LAUNCH_GAS })))) return;
      this.acted(l, true);
      const rate = async (buyer: HardhatEthersSigner) => {
        const { amount } = await offering.deposits(buyer.address);
        const [shares, refund] = await offering.settlement(buyer.address);
        return { fill: ((amount - refund) * E18) / amount, shares: (shares * E18) / amount };
      };
      const bots = await rate(bot);
      for (const buyer of await this.buyers(offering, "settled")) {
        const theirs = await rate(buyer);
        const apart = (x: bigint, y: bigint) => x > y + 1n || y > x + 1n;
        check(
          !apart(bots.fill, theirs.fill) && !apart(bots.shares, theirs.shares),
          "sale bot front run",
          () => `the bot's fill per OPEN ${bots.fill} against ${theirs.fill}`,
        );
      }
      return;
    }
  }

  /* INVARIANTS */

  /**
   * Every invariant of the campaign, from chain reads:
   * - OPEN conserved: the balances of every contract of the system, every offering clone and every actor sum to the
   *   total supply (the campaign never mints or burns OPEN);
   * - the distributor: `claimed(a)` only grows and never exceeds a's cumulative amount in the current root; its
   *   balance covers `totalFunded − totalClaimed` and `totalClaimed ≤` the current root's total;
   * - the staking pool: its balance covers principal + outstanding rewards; the principal is exactly the stakes and
   *   unstakes of the users, each of whom got back at most what it put in; every account's claimed + earned rewards,
   *   summed with the undistributed, never exceed what settlements notified;
   * - bonds: the registry holds exactly the bonds of pending contributions, the users' bond credits and the Datanets'
   *   treasuries; a contribution's attempt, once settled (accepted, rejected, expired), never changes status again;
   * - share revenue: for every share token, what it holds = the revenue still claimable by its holders + what the
   *   escrowed shares carry + rounding dust (never negative, at most one wei per credit that rounded); the revenue
   *   paid is what accounts received, and no more than ever arrived.
   */
  async checkInvariants(): Promise<void> {
    const f = this.f;
    const { open, rewards, staking, datanets } = f;
    const users = this.users.map((u) => u.address);
    const actors = [f.deployer.address, f.attestor.address, f.guardian.address, ...users];
    const clones = this.launched.flatMap((l) => [l.address, l.sharesAddress, l.treasury]);
    const holders = [...new Set([...this.addresses.system, ...clones, ...actors])];
    // Every read is sent at once: the node answers them in turn, without a round trip of the event loop between.
    const balancesRead = Promise.all([open.totalSupply(), ...holders.map((h) => open.balanceOf(h))]);
    const distributorRead = Promise.all([
      rewards.currentRoot(),
      rewards.totalFunded(),
      rewards.totalClaimed(),
      Promise.all(users.map((u) => rewards.claimed(u))),
    ]);
    const stakingRead = Promise.all([
      staking.principal(),
      staking.outstandingRewards(),
      staking.undistributed(),
      Promise.all(users.map((u) => staking.position(u))),
      Promise.all(users.map((u) => staking.earned(u))),
    ]);
    const bondsRead = Promise.all([
      Promise.all(this.contents.map((c) => datanets.getContribution(c.datanetId, c.hash))),
      Promise.all(actors.map((a) => datanets.bondCredit(a))),
      Promise.all([1n, 2n].map((id) => datanets.treasuryBalance(id))),
    ]);
    const sharesRead = Promise.all(
      this.launched.map((l) => {
        const s = l.shares;
        return Promise.all([
          s.revenueReceived(),
          s.revenuePaid(),
          s.revenuePerShare(),
          s.totalSupply(),
          s.balanceOf(l.address),
          Promise.all([...users, l.treasury].map((a) => s.accruedRevenue(a))),
        ]);
      }),
    );

    const [supply, ...balances] = await balancesRead;
    const balanceOf = new Map(holders.map((h, i) => [h, balances[i]]));
    const sum = balances.reduce((x, y) => x + y, 0n);
    check(sum === supply, "OPEN conserved", () => `balances sum to ${sum}, supply is ${supply}`);

    // Distributor.
    const [current, funded, totalClaimed, claimed] = await distributorRead;
    const tree = this.currentTree(current.root);
    users.forEach((u, i) => {
      const last = this.ghostClaimed.get(u) ?? 0n;
      check(claimed[i] >= last, "claimed only grows", () => `${u}: ${claimed[i]} after ${last}`);
      this.ghostClaimed.set(u, claimed[i]);
      const owed = tree ? entryOf(tree, u).amount : 0n;
      check(claimed[i] <= owed, "no claim above the root", () => `${u} claimed ${claimed[i]} of ${owed}`);
    });
    const distributorBalance = balanceOf.get(this.addresses.rewards)!;
    check(
      totalClaimed <= funded && distributorBalance >= funded - totalClaimed,
      "distributor solvent",
      () => `balance ${distributorBalance}, funded ${funded}, claimed ${totalClaimed}`,
    );
    check(totalClaimed <= current.total, "claims within the root", () => `claimed ${totalClaimed} of ${current.total}`);

    // Staking pool.
    const [principal, outstanding, undistributed, positions, earned] = await stakingRead;
    const poolBalance = balanceOf.get(this.addresses.staking)!;
    check(
      poolBalance >= principal + outstanding,
      "staking pool solvent",
      () => `balance ${poolBalance} < ${principal} + ${outstanding}`,
    );
    let held = 0n;
    let rewarded = undistributed;
    users.forEach((u, i) => {
      const ghost = this.staked.get(u)!;
      const position = positions[i].staked + positions[i].unstaking;
      held += position;
      check(
        ghost.out + position === ghost.in,
        "principal returned exactly",
        () => `${u}: in ${ghost.in}, out ${ghost.out}, held ${position}`,
      );
      rewarded += ghost.rewards + earned[i];
    });
    check(held === principal, "principal is the stakes", () => `positions ${held}, principal ${principal}`);
    check(
      rewarded <= this.notified,
      "no staker paid more than notified",
      () => `claimed + earned + undistributed ${rewarded} > notified ${this.notified}`,
    );
    check(
      earned.reduce((x, y) => x + y, 0n) + undistributed <= outstanding,
      "rewards owed are held",
      () => `owed above outstanding ${outstanding}`,
    );

    // Bonds.
    const [contributions, credits, treasuries] = await bondsRead;
    let bonds = 0n;
    this.contents.forEach((content, i) => {
      const c = contributions[i];
      if (c.attempt === content.attempt && content.status > 1n) {
        check(
          c.status === content.status,
          "a bond settles once",
          () => `${content.hash}: status ${content.status} became ${c.status}`,
        );
      }
      content.attempt = c.attempt;
      content.status = c.status;
      content.contributor = c.contributor;
      if (c.status === 1n) bonds += c.bond;
    });
    const owed = bonds + [...credits, ...treasuries].reduce((x, y) => x + y, 0n);
    const registry = balanceOf.get(this.addresses.registry)!;
    check(registry === owed, "bonds accounted", () => `registry holds ${registry}, owes ${owed} (pending ${bonds})`);

    // Share revenue.
    const revenue = await sharesRead;
    this.launched.forEach((l, i) => {
      const [received, paid, perShare, shareSupply, escrowShares, accrued] = revenue[i];
      const balance = balanceOf.get(l.sharesAddress)!;
      const accounted = received - paid;
      // The accumulator as the next sync would leave it (what accruedRevenue already counts).
      let next = perShare;
      if (balance > accounted && shareSupply > 0n) next += ((balance - accounted) * REVENUE_SCALE) / shareSupply;
      const carried = (escrowShares * next) / REVENUE_SCALE;
      const claimable = accrued.reduce((x, y) => x + y, 0n) + carried;
      const dust = balance - claimable;
      check(dust >= 0n, "share revenue never created", () => `${l.sharesAddress}: holds ${balance}, owes ${claimable}`);
      check(
        dust <= l.roundings + BigInt(accrued.length) + 2n,
        "share revenue never destroyed",
        () => `${l.sharesAddress}: ${dust} wei unowed`,
      );
      const paidOut = [...l.paid.values()].reduce((x, y) => x + y, 0n);
      check(
        paidOut === paid,
        "revenue paid is what holders received",
        () => `paid ${paid}, received by holders ${paidOut}`,
      );
    });
  }
}

/** Per action: calls, reverted calls and their share, as printed by the test and the bench. */
export function revertTable(counts: Map<string, ActionCount>): string[] {
  const rows = [...counts.entries()].sort(([x], [y]) => x.localeCompare(y));
  return rows.map(
    ([name, c]) =>
      `${name.padEnd(34)} ${String(c.calls).padStart(7)} calls ${String(c.reverted).padStart(6)} reverted ` +
      `(${((100 * c.reverted) / Math.max(c.calls, 1)).toFixed(1).padStart(5)}%)` +
      (c.intended > 0 ? `, ${c.intended} by design` : ""),
  );
}

/** Options of {@link runCampaign}. */
export interface CampaignOptions {
  seed: number;
  sequences: number;
  steps: number;
  /** Seconds after which the run (shrinking included) stops and reports what it has; 300 by default. */
  limitSeconds?: number;
}

/** What {@link runCampaign} measured. */
export interface CampaignResult {
  counts: Map<string, ActionCount>;
  /** State-changing calls (transactions sent), reverted or not. */
  calls: number;
  /** Every JSON-RPC call to the node: transactions, view calls of the actions and of the invariant checks, mining. */
  requests: number;
  seconds: number;
}

/**
 * Runs `sequences` seeded sequences of `steps` actions, each from a fresh copy of {@link systemFixture}, checking the
 * invariants after every step; on a failure fast-check shrinks the sequence and throws with the seed and the path.
 */
export async function runCampaign(options: CampaignOptions): Promise<CampaignResult> {
  const counts = new Map<string, ActionCount>();
  const provider = hre.network.provider;
  let requests = 0;
  const send = provider.send;
  provider.send = function (this: typeof provider, method: string, params?: unknown[]) {
    requests++;
    return send.call(this, method, params);
  };
  const started = Date.now();
  try {
    await fc.assert(
      fc.asyncProperty(sequenceArbitrary(options.steps), async (actions) => {
        const campaign = new SystemCampaign(await loadFixture(systemFixture));
        await campaign.init();
        try {
          for (const action of actions) {
            await campaign.run(action);
            await campaign.checkInvariants();
          }
        } finally {
          for (const [name, c] of campaign.counts) {
            const total = counts.get(name) ?? { calls: 0, reverted: 0, intended: 0 };
            counts.set(name, {
              calls: total.calls + c.calls,
              reverted: total.reverted + c.reverted,
              intended: total.intended + c.intended,
            });
          }
        }
      }),
      // A sequence replays from the fixture at every shrinking attempt: past the limit, fast-check reports the smallest
      // failing sequence found so far (with its seed and path) rather than let the test time out silently.
      {
        seed: options.seed,
        numRuns: options.sequences,
        interruptAfterTimeLimit: (options.limitSeconds ?? 300) * 1_000,
      },
    );
  } finally {
    provider.send = send;
  }
  const calls = [...counts.values()].reduce((x, c) => x + c.calls, 0);
  return { counts, calls, requests, seconds: (Date.now() - started) / 1_000 };
}
