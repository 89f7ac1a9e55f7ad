import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { BaseContract, ContractTransactionResponse } from "ethers";
import { contentHash, defaultPolicy, invariantFixture } from "../fixtures/protocol";
import { ANY_BOND, freshSalt } from "../helpers/submission";
import { normalize } from "../helpers/normalize";

/*
 * Random sequences of commitments, submissions (fresh, revealing an older commitment, with stale terms or a tight
 * maximum bond), votes, reclaims, withdrawals, terms changes and time jumps by several accounts, run against a model
 * of the registry: surge bonds, resubmissions of expired and cooled-off rejected content, and takeovers by earlier
 * commitments included. Every action's outcome is predicted by the model first: a revert must be the
 * predicted custom error with the predicted arguments, a success must emit exactly the predicted events. After every
 * step the registry's OPEN balance, credits, treasuries, wallets, reputation, usage and digests must equal the model's.
 */

const DAY = 86_400n;
const E18 = 10n ** 18n;
const BONDS = [0n, E18, (25n * E18) / 10n, 4n * E18];
const CONTENTS = 24;
const CONTESTED = 4;
const abi = ethers.AbiCoder.defaultAbiCoder();

const Status = { None: 0n, Pending: 1n, Accepted: 2n, Rejected: 3n, Expired: 4n } as const;

type Portion = "all" | "half" | "more";
/** Which contribution a vote or reclaim targets: a pending one, any one, or content never submitted. */
type Scope = "pending" | "any" | "missing";
/** What a reveal agrees to: the current terms or the previous ones, and any bond or only the terms' base bond. */
interface Agreement {
  stale: boolean;
  tightBond: boolean;
}
type Action =
  | ({ kind: "submit"; who: number; datanet: number; content: number; size: bigint } & Agreement)
  | { kind: "commit"; who: number; datanet: number; content: number }
  | ({ kind: "reveal"; target: number; size: bigint } & Agreement)
  | { kind: "vote"; scope: Scope; target: number; insider: boolean; who: number; accept: boolean }
  | { kind: "reclaim"; scope: Scope; target: number; who: number }
  | { kind: "wait"; seconds: bigint }
  | { kind: "waitForDeadline"; target: number; after: boolean }
  | { kind: "waitForMidnight"; after: boolean }
  | { kind: "withdrawCredit"; who: number; to: number; portion: Portion }
  | { kind: "withdrawTreasury"; datanet: number; byOwner: boolean; to: number; portion: Portion }
  | { kind: "setPolicy"; datanet: number; bond: number; quorum: number }
  | { kind: "setValidators"; datanet: number; mask: number };

/** One of the values, each group of values drawn with its weight (fc.constantFrom alone draws uniformly). */
const weighted = <T>(...options: [number, T[]][]) =>
  fc.oneof(...options.map(([weight, values]) => ({ weight, arbitrary: fc.constantFrom(...values) })));

const portion = fc.constantFrom<Portion>("all", "half", "more");
// The first contents are contested: commitments go to them, so that a copy and an earlier commitment meet.
const content = fc.oneof(
  { weight: 1, arbitrary: fc.nat(CONTESTED - 1) },
  { weight: 1, arbitrary: fc.nat(CONTENTS - 1) },
);
// Mostly valid sizes; zero and the sizes above Datanet 2's 5,000-byte file limit are the exceptions.
const size = weighted<bigint>([8, [1n, 700n, 2_500n, 5_000n]], [1, [5_001n, 9_000n]], [1, [0n]]);
const agreement = {
  stale: weighted<boolean>([12, [false]], [1, [true]]),
  tightBond: weighted<boolean>([6, [false]], [1, [true]]),
};
const scope = weighted<Scope>([10, ["pending"]], [3, ["any"]], [1, ["missing"]]);
const actionArbitrary: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant("submit" as const),
      who: fc.nat(3),
      // Datanet 2 (index 1) has the tight daily limits, so it gets half of the submissions.
      datanet: weighted<number>([1, [0, 2]], [1, [1]]),
      content,
      size,
      ...agreement,
    }),
  },
  {
    // A commitment revealed later by a "reveal": by then someone else may have submitted the same content.
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("commit" as const),
      who: fc.nat(3),
      datanet: weighted<number>([1, [0, 2]], [1, [1]]),
      content: fc.nat(CONTESTED - 1),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("reveal" as const), target: fc.nat(), size, ...agreement }),
  },
  {
    weight: 10,
    arbitrary: fc.record({
      kind: fc.constant("vote" as const),
      scope,
      target: fc.nat(),
      // Mostly a validator of the contribution's own terms, otherwise any of the six voters.
      insider: weighted<boolean>([4, [true]], [1, [false]]),
      who: fc.nat(31),
      accept: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("reclaim" as const), scope, target: fc.nat(), who: fc.nat(7) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("wait" as const),
      seconds: weighted<bigint>([4, [1n, 60n, 600n]], [2, [1_800n, 3_600n, 7_200n]], [1, [86_400n]]),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("waitForDeadline" as const), target: fc.nat(), after: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("waitForMidnight" as const), after: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("withdrawCredit" as const), who: fc.nat(3), to: fc.nat(5), portion }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("withdrawTreasury" as const),
      datanet: fc.nat(2),
      byOwner: weighted<boolean>([3, [true]], [1, [false]]),
      to: fc.nat(5),
      portion,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("setPolicy" as const),
      datanet: fc.nat(2),
      bond: fc.nat(BONDS.length - 1),
      quorum: fc.nat(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("setValidators" as const),
      datanet: fc.nat(2),
      mask: fc.integer({ min: 1, max: 63 }),
    }),
  },
);

interface Terms {
  bond: bigint;
  quorum: bigint;
  reviewWindow: bigint;
  accessMode: bigint;
  maxFileBytes: bigint;
  contributorDailyFiles: bigint;
  contributorDailyBytes: bigint;
  datanetDailyBytes: bigint;
  validators: string[];
}

interface DatanetModel {
  id: bigint;
  owner: HardhatEthersSigner;
  /** Index i holds terms version i + 1. */
  terms: Terms[];
  day: bigint;
  bytesToday: bigint;
  accepted: bigint;
  digest: string;
  treasury: bigint;
}

interface ContributionModel {
  id: bigint;
  datanet: DatanetModel;
  hash: string;
  attempt: number;
  contributor: string;
  submittedAt: bigint;
  committedAt: bigint;
  termsVersion: number;
  /** Pending, Accepted, Rejected, Expired, or "superseded" by an earlier commitment. */
  status: bigint | "superseded";
  size: bigint;
  votes: Map<string, boolean>;
  bond: bigint;
}

/** A commitment recorded on-chain and not revealed yet. */
interface CommitmentModel {
  who: HardhatEthersSigner;
  datanet: DatanetModel;
  hash: string;
  salt: string;
  commitment: string;
  committedAt: bigint;
}

interface AccountModel {
  day: bigint;
  files: bigint;
  bytes: bigint;
  accepted: bigint;
  rejected: bigint;
  acceptedBytes: bigint;
}

type Expected =
  | { revert: { contract: BaseContract; name: string; args: unknown[] } }
  | { events: [string, unknown[]][]; apply: () => void };

function fold(previous: string, id: bigint, hash: string): string {
  return ethers.keccak256(abi.encode(["bytes32", "uint256", "bytes32"], [previous, id, hash]));
}

function idOf(datanetId: bigint, hash: string, attempt = 1): bigint {
  if (attempt === 1) return BigInt(ethers.keccak256(abi.encode(["uint256", "bytes32"], [datanetId, hash])));
  return BigInt(ethers.keccak256(abi.encode(["uint256", "bytes32", "uint32"], [datanetId, hash, attempt])));
}

/** The registry's surge: the base bond doubled per eighth of the day's budget past five eighths. */
function surgeBondOf(base: bigint, usedAfter: bigint, budget: bigint): bigint {
  if (base === 0n) return 0n;
  const steps = (usedAfter * 8n) / budget;
  const level = steps <= 4n ? 0n : steps - 4n < 160n ? steps - 4n : 160n;
  return base << level;
}

const COOLING_OFF = 7n * DAY;

function policyOf(t: Terms) {
  return [
    t.bond,
    t.quorum,
    t.reviewWindow,
    t.accessMode,
    t.maxFileBytes,
    t.contributorDailyFiles,
    t.contributorDailyBytes,
    t.datanetDailyBytes,
  ];
}

async function setUp() {
  const f = await loadFixture(invariantFixture);
  const { open, datanets, owner, v1, v2, v3, alice, bob, carol, outsider } = f;
  const registry = await datanets.getAddress();

  const owners = [owner, carol, owner];
  const models: DatanetModel[] = [];
  for (const [i, datanetOwner] of owners.entries()) {
    const id = BigInt(i + 1);
    const p = await datanets.getPolicy(id, 1n);
    models.push({
      id,
      owner: datanetOwner,
      terms: [
        {
          bond: p.bond,
          quorum: p.quorum,
          reviewWindow: p.reviewWindow,
          accessMode: p.accessMode,
          maxFileBytes: p.maxFileBytes,
          contributorDailyFiles: p.contributorDailyFiles,
          contributorDailyBytes: p.contributorDailyBytes,
          datanetDailyBytes: p.datanetDailyBytes,
          validators: [...(await datanets.getValidators(id, 1n))],
        },
      ],
      day: 0n,
      bytesToday: 0n,
      accepted: 0n,
      digest: ethers.ZeroHash,
      treasury: 0n,
    });
  }

  const actors = [owner, v1, v2, v3, alice, bob, carol, outsider];
  const wallets = new Map<string, bigint>();
  for (const a of actors) wallets.set(a.address, await open.balanceOf(a.address));
  return {
    f,
    registry,
    models,
    actors,
    wallets,
    contributors: [alice, bob, carol, v1],
    voters: [v1, v2, v3, alice, bob, outsider],
    // Index 5 of the receivers is the zero address, to hit DatanetInvalidReceiver.
    receivers: [alice.address, bob.address, carol.address, v1.address, outsider.address, ethers.ZeroAddress],
    validatorCandidates: [v1, v2, v3, alice, bob, outsider].map((s) => s.address),
    registryOpenBalance: () => open.balanceOf(registry),
  };
}

describe("DatanetRegistry invariants", function () {
  it("conserves OPEN, settles every bond once and keeps reputation and digests reproducible under random actions", async function () {
    let steps = 0;
    /** Outcomes seen across all runs (event and error names, and a few cases), to show what the runs exercised. */
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: Number(DAY) - 1 }),
        fc.array(actionArbitrary, { minLength: 30, maxLength: 60 }),
        async (secondOfDay, actions) => {
          const s = await setUp();
          const { open, datanets } = s.f;
          const contributions: ContributionModel[] = [];
          /** The latest attempt of each content in each Datanet: what the registry stores. */
          const latest = new Map<string, ContributionModel>();
          const contentKey = (d: DatanetModel, hash: string) => `${d.id}:${hash}`;
          const isLatest = (c: ContributionModel) => latest.get(contentKey(c.datanet, c.hash)) === c;
          const commitments: CommitmentModel[] = [];
          const accounts = new Map<string, AccountModel>();
          const credits = new Map<string, bigint>();
          // What the events alone say, kept apart from the model's own prediction of them.
          const settlements = new Map<bigint, number>();
          const eventDigests = s.models.map(() => ethers.ZeroHash);
          const eventCounts = s.models.map(() => 0n);

          // Start at a generated second of a UTC day, so that day boundaries fall where the seed says, whatever
          // the wall-clock time of the run.
          let clock = (BigInt(await time.latest()) / DAY + 1n) * DAY + BigInt(secondOfDay);
          let blockTime = BigInt(await time.latest());

          const account = (d: DatanetModel, who: string): AccountModel => {
            const key = `${d.id}:${who}`;
            let a = accounts.get(key);
            if (!a) {
              a = { day: 0n, files: 0n, bytes: 0n, accepted: 0n, rejected: 0n, acceptedBytes: 0n };
              accounts.set(key, a);
            }
            return a;
          };
          const creditOf = (who: string) => credits.get(who) ?? 0n;
          const addWallet = (who: string, delta: bigint) => {
            if (s.wallets.has(who)) s.wallets.set(who, s.wallets.get(who)! + delta);
          };
          const deadlineOf = (c: ContributionModel) => c.submittedAt + c.datanet.terms[c.termsVersion - 1].reviewWindow;
          const currentTerms = (d: DatanetModel) => d.terms[d.terms.length - 1];
          const pick = <T>(list: T[], n: number): T | undefined =>
            list.length === 0 ? undefined : list[n % list.length];
          const fail = (name: string, ...args: unknown[]): Expected => ({ revert: { contract: datanets, name, args } });

          async function execute(send: () => Promise<ContractTransactionResponse>, expected: Expected) {
            clock += 1n;
            await time.setNextBlockTimestamp(clock);
            if ("revert" in expected) {
              const { contract, name, args } = expected.revert;
              seen.add(name);
              const assertion = expect(send()).to.be.revertedWithCustomError(contract, name);
              await (args.length > 0 ? assertion.withArgs(...args) : assertion);
            } else {
              const receipt = (await (await send()).wait())!;
              const events: [string, unknown[]][] = [];
              for (const log of receipt.logs) {
                if (log.address.toLowerCase() !== s.registry.toLowerCase()) continue;
                const parsed = datanets.interface.parseLog(log)!;
                events.push([parsed.name, [...parsed.args]]);
                const settling = ["ContributionAccepted", "ContributionRejected", "ContributionExpired"];
                if ([...settling, "ContributionSuperseded"].includes(parsed.name)) {
                  const id: bigint = parsed.args.contributionId;
                  settlements.set(id, (settlements.get(id) ?? 0) + 1);
                }
                if (parsed.name === "ContributionAccepted") {
                  const i = Number(parsed.args.datanetId) - 1;
                  eventDigests[i] = fold(eventDigests[i], parsed.args.contributionId, parsed.args.contentHash);
                  eventCounts[i] += 1n;
                  expect(parsed.args.digest).to.equal(eventDigests[i]);
                  expect(parsed.args.index).to.equal(eventCounts[i]);
                }
              }
              expect(normalize(events)).to.deep.equal(normalize(expected.events));
              for (const [name] of events) seen.add(name);
              expected.apply();
            }
            blockTime = BigInt(await time.latest());
            expect(blockTime).to.equal(clock);
          }

          function settle(c: ContributionModel, accept: boolean) {
            const d = c.datanet;
            const a = account(d, c.contributor);
            if (accept) {
              c.status = Status.Accepted;
              d.accepted += 1n;
              d.digest = fold(d.digest, c.id, c.hash);
              a.accepted += 1n;
              a.acceptedBytes += c.size;
              credits.set(c.contributor, creditOf(c.contributor) + c.bond);
            } else {
              c.status = Status.Rejected;
              a.rejected += 1n;
              d.treasury += c.bond;
            }
          }

          /** What a reveal of a commitment made at `committedAt` agrees to, under an {@link Agreement}. */
          function agreed(d: DatanetModel, agreement: Agreement) {
            const current = d.terms.length;
            return {
              termsVersion: agreement.stale && current > 1 ? current - 1 : current,
              maxBond: agreement.tightBond ? currentTerms(d).bond : ANY_BOND,
            };
          }

          function predictReveal(
            who: HardhatEthersSigner,
            d: DatanetModel,
            hash: string,
            size: bigint,
            committedAt: bigint,
            { termsVersion, maxBond }: { termsVersion: number; maxBond: bigint },
          ): Expected {
            const t = clock + 1n;
            if (termsVersion !== d.terms.length) return fail("DatanetTermsChanged", d.id, termsVersion, d.terms.length);
            if (size === 0n) return fail("DatanetEmptyContribution");
            const previous = latest.get(contentKey(d, hash));
            let superseded: ContributionModel | undefined;
            if (previous?.status === Status.Pending) {
              if (previous.committedAt <= committedAt) return fail("DatanetDuplicateContent", d.id, hash, previous.id);
              superseded = previous;
            } else if (previous?.status === Status.Accepted) {
              return fail("DatanetDuplicateContent", d.id, hash, previous.id);
            } else if (previous?.status === Status.Rejected) {
              const at = deadlineOf(previous) + COOLING_OFF;
              if (t < at) return fail("DatanetRejectionCoolingOff", previous.id, at);
            }
            const attempt = (previous?.attempt ?? 0) + 1;
            const id = idOf(d.id, hash, attempt);
            const terms = currentTerms(d);
            if (size > terms.maxFileBytes) return fail("DatanetFileTooLarge", d.id, size, terms.maxFileBytes);
            const today = t / DAY;
            const a = account(d, who.address);
            const [files, used] = a.day === today ? [a.files, a.bytes] : [0n, 0n];
            if (files >= terms.contributorDailyFiles) {
              return fail("DatanetContributorDailyFilesExceeded", d.id, who.address, terms.contributorDailyFiles);
            }
            const remaining = terms.contributorDailyBytes > used ? terms.contributorDailyBytes - used : 0n;
            if (size > remaining)
              return fail("DatanetContributorDailyBytesExceeded", d.id, who.address, size, remaining);
            const datanetUsed = d.day === today ? d.bytesToday : 0n;
            if (terms.bond === 0n) {
              const left = terms.datanetDailyBytes > datanetUsed ? terms.datanetDailyBytes - datanetUsed : 0n;
              if (size > left) return fail("DatanetDailyBytesExceeded", d.id, size, left);
            }
            const bond = surgeBondOf(terms.bond, datanetUsed + size, terms.datanetDailyBytes);
            if (bond > maxBond) return fail("DatanetBondAboveMax", d.id, bond, maxBond);
            // A takeover credits the copy's bond before the new bond is drawn, so a contributor that supersedes its
            // own copy pays from that refund.
            const refund = superseded?.contributor === who.address ? superseded.bond : 0n;
            const fromCredit = bond !== 0n && creditOf(who.address) + refund >= bond;
            const wallet = s.wallets.get(who.address)!;
            if (bond !== 0n && !fromCredit && wallet < bond) {
              return {
                revert: { contract: open, name: "ERC20InsufficientBalance", args: [who.address, wallet, bond] },
              };
            }
            const events: [string, unknown[]][] = superseded
              ? [["ContributionSuperseded", [d.id, superseded.id, superseded.contributor, superseded.bond]]]
              : [];
            events.push([
              "ContributionSubmitted",
              [d.id, id, who.address, hash, size, `ipfs://${hash}`, termsVersion, bond, fromCredit],
            ]);
            return {
              events,
              apply: () => {
                if (superseded) {
                  superseded.status = "superseded";
                  credits.set(superseded.contributor, creditOf(superseded.contributor) + superseded.bond);
                }
                Object.assign(a, { day: today, files: files + 1n, bytes: used + size });
                d.day = today;
                d.bytesToday = datanetUsed + size;
                if (fromCredit) credits.set(who.address, creditOf(who.address) - bond);
                else addWallet(who.address, -bond);
                if (attempt > 1) seen.add("resubmission");
                if (bond > terms.bond) seen.add("surge bond");
                const c: ContributionModel = {
                  id,
                  datanet: d,
                  hash,
                  attempt,
                  contributor: who.address,
                  submittedAt: t,
                  committedAt,
                  termsVersion,
                  status: Status.Pending,
                  size,
                  votes: new Map(),
                  bond,
                };
                contributions.push(c);
                latest.set(contentKey(d, hash), c);
              },
            };
          }

          /** Records a commitment of `who` to (`d`, `hash`) in its own block. */
          async function commit(who: HardhatEthersSigner, d: DatanetModel, hash: string): Promise<CommitmentModel> {
            const salt = freshSalt();
            const commitment = await datanets.commitmentOf(who.address, d.id, hash, salt);
            const made: CommitmentModel = { who, datanet: d, hash, salt, commitment, committedAt: 0n };
            await execute(() => datanets.connect(who).commit(commitment), {
              events: [["ContributionCommitted", [commitment, who.address]]],
              apply: () => {
                made.committedAt = clock;
                commitments.push(made);
              },
            });
            return made;
          }

          /** Reveals a recorded commitment; on success it is used up. */
          async function reveal(made: CommitmentModel, size: bigint, agreement: Agreement) {
            const { who, datanet: d, hash, salt } = made;
            const terms = agreed(d, agreement);
            const expected = predictReveal(who, d, hash, size, made.committedAt, terms);
            if ("apply" in expected) {
              const apply = expected.apply;
              expected.apply = () => {
                apply();
                commitments.splice(commitments.indexOf(made), 1);
              };
            }
            const request = { datanetId: d.id, contentHash: hash, size, ...terms, salt };
            await execute(() => datanets.connect(who).submit(request, `ipfs://${hash}`), expected);
            return latest.get(contentKey(d, hash));
          }

          function predictVote(who: HardhatEthersSigner, c: ContributionModel, accept: boolean): Expected {
            const t = clock + 1n;
            if (c.status !== Status.Pending) return fail("DatanetContributionNotPending", c.id, c.status);
            const deadline = deadlineOf(c);
            if (t > deadline) return fail("DatanetReviewWindowClosed", c.id, deadline);
            const terms = c.datanet.terms[c.termsVersion - 1];
            if (!terms.validators.includes(who.address)) return fail("DatanetUnauthorizedValidator", c.id, who.address);
            if (who.address === c.contributor) return fail("DatanetSelfReview", c.id, who.address);
            if (c.votes.has(who.address)) return fail("DatanetAlreadyVoted", c.id, who.address);
            const sameSide = [...c.votes.values()].filter((v) => v === accept).length + 1;
            const events: [string, unknown[]][] = [["VoteCast", [c.datanet.id, c.id, who.address, accept]]];
            const decides = BigInt(sameSide) >= terms.quorum;
            return {
              events: decides ? [...events, previewSettlement(c, accept)] : events,
              apply: () => {
                c.votes.set(who.address, accept);
                if (decides) settle(c, accept);
              },
            };
          }

          /** The event {@link settle} will produce, without changing the model. */
          function previewSettlement(c: ContributionModel, accept: boolean): [string, unknown[]] {
            const d = c.datanet;
            if (accept) {
              return [
                "ContributionAccepted",
                [d.id, c.id, c.contributor, c.hash, d.accepted + 1n, fold(d.digest, c.id, c.hash), c.bond],
              ];
            }
            return ["ContributionRejected", [d.id, c.id, c.contributor, c.bond]];
          }

          function predictReclaim(c: ContributionModel): Expected {
            const t = clock + 1n;
            if (c.status !== Status.Pending) return fail("DatanetContributionNotPending", c.id, c.status);
            const deadline = deadlineOf(c);
            if (t <= deadline) return fail("DatanetReviewWindowOpen", c.id, deadline);
            // The terms' bond goes back; a surge above it stays in the treasury.
            const refund = c.datanet.terms[c.termsVersion - 1].bond;
            const kept = c.bond - refund;
            return {
              events: [["ContributionExpired", [c.datanet.id, c.id, c.contributor, refund, kept]]],
              apply: () => {
                c.status = Status.Expired;
                addWallet(c.contributor, refund);
                c.datanet.treasury += kept;
              },
            };
          }

          const amountOf = (available: bigint, p: Portion) =>
            p === "all" ? available : p === "half" ? available / 2n : available + 1n;

          async function step(action: Action) {
            switch (action.kind) {
              case "submit": {
                const made = await commit(
                  s.contributors[action.who],
                  s.models[action.datanet],
                  contentHash(action.content),
                );
                return reveal(made, action.size, action);
              }
              case "commit":
                await commit(s.contributors[action.who], s.models[action.datanet], contentHash(action.content));
                return undefined;
              case "reveal": {
                const made = pick(commitments, action.target);
                return made ? reveal(made, action.size, action) : undefined;
              }
              case "vote":
              case "reclaim": {
                const current = contributions.filter(isLatest);
                const pending = current.filter((x) => x.status === Status.Pending);
                // A vote mostly goes to a contribution still in review, a reclaim to any pending one.
                const inReview = pending.filter((x) => deadlineOf(x) > clock);
                const preferred = action.kind === "vote" && inReview.length > 0 ? inReview : pending;
                const pool = action.scope === "pending" && preferred.length > 0 ? preferred : current;
                const c = action.scope === "missing" ? undefined : pick(pool, action.target);
                if (!c) {
                  const hash = contentHash("never submitted");
                  const d = s.models[action.target % s.models.length];
                  const who = action.kind === "vote" ? s.voters[action.who % s.voters.length] : s.actors[action.who];
                  const send =
                    action.kind === "vote"
                      ? () => datanets.connect(who).vote(d.id, hash, action.accept)
                      : () => datanets.connect(who).reclaimBond(d.id, hash);
                  await execute(send, fail("DatanetContributionNonexistent", idOf(d.id, hash)));
                  return undefined;
                }
                if (action.kind === "vote") {
                  const validators = c.datanet.terms[c.termsVersion - 1].validators;
                  const who = action.insider
                    ? s.voters.find((v) => v.address === validators[action.who % validators.length])!
                    : s.voters[action.who % s.voters.length];
                  const expected = predictVote(who, c, action.accept);
                  await execute(() => datanets.connect(who).vote(c.datanet.id, c.hash, action.accept), expected);
                } else {
                  const who = s.actors[action.who];
                  await execute(() => datanets.connect(who).reclaimBond(c.datanet.id, c.hash), predictReclaim(c));
                }
                return c;
              }
              case "wait":
                clock += action.seconds;
                return undefined;
              case "waitForDeadline": {
                // Land the next transaction exactly on a pending contribution's deadline, or one second after it.
                const c = pick(
                  contributions.filter((x) => x.status === Status.Pending),
                  action.target,
                );
                if (c) clock = bigMax(clock, deadlineOf(c) - 1n + (action.after ? 1n : 0n));
                return undefined;
              }
              case "waitForMidnight": {
                // Land the next transaction on the last second of the UTC day, or the first of the next one.
                const midnight = ((clock + 2n) / DAY + 1n) * DAY;
                clock = midnight - 2n + (action.after ? 1n : 0n);
                return undefined;
              }
              case "withdrawCredit": {
                const who = s.contributors[action.who];
                const to = s.receivers[action.to];
                const available = creditOf(who.address);
                const amount = amountOf(available, action.portion);
                const expected: Expected =
                  to === ethers.ZeroAddress
                    ? fail("DatanetInvalidReceiver", to)
                    : amount > available
                      ? fail("DatanetInsufficientBalance", amount, available)
                      : {
                          events: [["BondCreditWithdrawn", [who.address, to, amount]]],
                          apply: () => {
                            credits.set(who.address, available - amount);
                            addWallet(to, amount);
                          },
                        };
                await execute(() => datanets.connect(who).withdrawBondCredit(to, amount), expected);
                return undefined;
              }
              case "withdrawTreasury": {
                const d = s.models[action.datanet];
                const caller = action.byOwner ? d.owner : s.f.outsider;
                const to = s.receivers[action.to];
                const amount = amountOf(d.treasury, action.portion);
                const expected: Expected =
                  caller !== d.owner
                    ? fail("DatanetUnauthorizedOwner", d.id, caller.address)
                    : to === ethers.ZeroAddress
                      ? fail("DatanetInvalidReceiver", to)
                      : amount > d.treasury
                        ? fail("DatanetInsufficientBalance", amount, d.treasury)
                        : {
                            events: [["TreasuryWithdrawn", [d.id, to, amount]]],
                            apply: () => {
                              d.treasury -= amount;
                              addWallet(to, amount);
                            },
                          };
                await execute(() => datanets.connect(caller).withdrawTreasury(d.id, to, amount), expected);
                return undefined;
              }
              case "setPolicy": {
                const d = s.models[action.datanet];
                const current = currentTerms(d);
                const next: Terms = {
                  ...current,
                  bond: BONDS[action.bond],
                  quorum: BigInt((action.quorum % current.validators.length) + 1),
                };
                const policy = defaultPolicy({
                  bond: next.bond,
                  quorum: next.quorum,
                  reviewWindow: next.reviewWindow,
                  accessMode: next.accessMode,
                  maxFileBytes: next.maxFileBytes,
                  contributorDailyFiles: next.contributorDailyFiles,
                  contributorDailyBytes: next.contributorDailyBytes,
                  datanetDailyBytes: next.datanetDailyBytes,
                });
                await execute(() => datanets.connect(d.owner).setPolicy(d.id, policy), {
                  events: [["TermsUpdated", [d.id, d.terms.length + 1, policyOf(next), next.validators]]],
                  apply: () => void d.terms.push(next),
                });
                return undefined;
              }
              case "setValidators": {
                const d = s.models[action.datanet];
                const current = currentTerms(d);
                const validators = s.validatorCandidates.filter((_, i) => (action.mask >> i) & 1);
                const next: Terms = { ...current, validators };
                const expected: Expected =
                  BigInt(validators.length) < current.quorum
                    ? fail("DatanetInvalidPolicy", 0)
                    : {
                        events: [["TermsUpdated", [d.id, d.terms.length + 1, policyOf(next), validators]]],
                        apply: () => void d.terms.push(next),
                      };
                await execute(() => datanets.connect(d.owner).setValidators(d.id, validators), expected);
                return undefined;
              }
            }
          }

          async function checkInvariants(touched: ContributionModel | undefined) {
            const pendingBonds = contributions
              .filter((c) => c.status === Status.Pending)
              .reduce((sum, c) => sum + c.bond, 0n);
            const creditTotal = [...credits.values()].reduce((sum, v) => sum + v, 0n);
            const treasuryTotal = s.models.reduce((sum, d) => sum + d.treasury, 0n);
            const today = blockTime / DAY;
            const pairs = s.models.flatMap((d) => s.contributors.map((who) => ({ d, who: who.address })));

            // Read everything at once: the reads are independent and the node answers them in any order.
            const [held, chainCredits, chainWallets, chainDatanets, chainPairs, touchedOnChain] = await Promise.all([
              s.registryOpenBalance(),
              Promise.all(s.actors.map((a) => datanets.bondCredit(a.address))),
              Promise.all(s.actors.map((a) => open.balanceOf(a.address))),
              Promise.all(
                s.models.map(async (d) => ({
                  treasury: await datanets.treasuryBalance(d.id),
                  digest: [...(await datanets.currentDigest(d.id))],
                  usage: await datanets.datanetUsageToday(d.id),
                })),
              ),
              Promise.all(
                pairs.map(async ({ d, who }) => ({
                  reputation: [...(await datanets.reputation(d.id, who))],
                  usage: [...(await datanets.contributorUsageToday(d.id, who))],
                })),
              ),
              touched ? datanets.getContribution(touched.datanet.id, touched.hash) : undefined,
            ]);

            expect(held).to.equal(pendingBonds + creditTotal + treasuryTotal, "OPEN held by the registry");
            expect(chainCredits).to.deep.equal(
              s.actors.map((a) => creditOf(a.address)),
              "bond credits",
            );
            expect(chainWallets).to.deep.equal(
              s.actors.map((a) => s.wallets.get(a.address)),
              "wallets",
            );
            for (const [i, d] of s.models.entries()) {
              expect(chainDatanets[i].treasury).to.equal(d.treasury, "treasury");
              expect(chainDatanets[i].digest).to.deep.equal([eventCounts[i], eventDigests[i]], "digest from events");
              expect([eventCounts[i], eventDigests[i]]).to.deep.equal([d.accepted, d.digest], "digest of the model");
              expect(chainDatanets[i].usage).to.equal(d.day === today ? d.bytesToday : 0n, "Datanet usage today");
            }
            for (const [i, { d, who }] of pairs.entries()) {
              const a = account(d, who);
              expect(chainPairs[i].reputation).to.deep.equal([a.accepted, a.rejected, a.acceptedBytes], "reputation");
              expect(chainPairs[i].usage).to.deep.equal(a.day === today ? [a.files, a.bytes] : [0n, 0n], "usage today");
            }
            for (const c of contributions) {
              expect(settlements.get(c.id) ?? 0).to.equal(c.status === Status.Pending ? 0 : 1, "settlements of a bond");
            }
            if (touched) {
              expect([touchedOnChain!.contributionId, touchedOnChain!.status]).to.deep.equal(
                [touched.id, touched.status],
                "latest attempt",
              );
            }
          }

          for (const action of actions) {
            const touched = await step(action);
            await checkInvariants(touched);
            steps += 1;
          }
          for (const c of latest.values()) {
            const onChain = await datanets.getContribution(c.datanet.id, c.hash);
            expect([
              onChain.contributionId,
              onChain.status,
              onChain.contributor,
              onChain.size,
              onChain.termsVersion,
              onChain.attempt,
              onChain.committedAt,
              onChain.bond,
            ]).to.deep.equal([
              c.id,
              c.status,
              c.contributor,
              c.size,
              BigInt(c.termsVersion),
              BigInt(c.attempt),
              c.committedAt,
              c.bond,
            ]);
          }
        },
      ),
      { seed: 42, numRuns: 15 },
    );
    expect(steps).to.be.greaterThan(0);
    for (const outcome of [
      "ContributionSuperseded",
      "resubmission",
      "surge bond",
      "DatanetBondAboveMax",
      "DatanetTermsChanged",
      "DatanetDuplicateContent",
      "DatanetRejectionCoolingOff",
      "DatanetDailyBytesExceeded",
      "ContributionExpired",
    ]) {
      expect([...seen], "outcomes the seeded runs reach").to.include(outcome);
    }
  });
});

function bigMax(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
