import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { Interface, Log, ZeroHash } from "ethers";
import type { Filter, Provider } from "ethers";
import {
  CONTRIBUTION_STATUSES,
  DatanetIndexer,
  IntegrityError,
  InvalidInputError,
  contributionIdOf,
  digestOf,
  fromPolicyTuple,
  sha256Hex,
} from "../../sdk/src";
import type { DatanetClient } from "../../sdk/src";
import { DatanetRegistry__factory } from "../../typechain-types";
import { loadEmails } from "../helpers/corpus";
import { seededRandom } from "../helpers/random";
import { DAY, sdkFixture, sdkPolicy } from "../fixtures/sdk";
import { commitSubmission } from "../helpers/submission";

type Outcome = "accept" | "reject" | "expire" | "pending";

const OPEN = (n: number) => ethers.parseEther(String(n));
const registryInterface = new Interface(DatanetRegistry__factory.abi);

function popcount(mask: bigint): number {
  let n = 0;
  for (let m = mask; m > 0n; m >>= 1n) n += Number(m & 1n);
  return n;
}

/**
 * A scripted history on top of {@link sdkFixture}, every choice seeded:
 * - Datanet 1 (owner; v1, v2, v3; quorum 2; bond 1 OPEN): round 1 of twelve real e-mails from four contributors,
 *   accepted, rejected, left to expire or left pending; version 1; new policy (bond 2 OPEN, two-day window) and new
 *   validators (v2, v3, outsider); round 2 under those terms, one bond paid from credit, an old validator voting on an
 *   old contribution; expiries; credit withdrawals (part of alice's to herself, all of bob's to carol); a treasury withdrawal; the Datanet NFT transferred to `heir`,
 *   who renames it, withdraws treasury, sees round 3 accepted and publishes version 2.
 * - Datanet 2 (alice; permissioned; v2, outsider; quorum 1; bond 2 OPEN): accepts and a reject, model access granted
 *   to erin and dave and revoked from dave, the whole treasury withdrawn, version 1.
 * - Datanet 3 (owner; v3; quorum 1; no bond): an accept, a reject and a pending contribution.
 * - Later attempts on Datanet 1: dave submits again content whose review expired, and it is accepted; carol, who
 *   committed to a mail first, takes over bob's pending copy of it and sees it accepted.
 */
async function historyFixture() {
  const f = await sdkFixture();
  const { datanets, clients, client, signers, owner, alice, bob, carol, dave, v2, v3, outsider } = f;
  const heir = signers[10];
  const erin = signers[11];
  const random = seededRandom(31337);
  const emails = loadEmails().filter((e) => e.text.length < 20_000);
  const nextEmail = () => emails.splice(Math.floor(random() * emails.length), 1)[0].text;
  const submitted: { datanetId: bigint; contentHash: string; contributor: string }[] = [];
  const expirable: { datanetId: bigint; contentHash: string; text: string }[] = [];

  async function play(
    datanetId: bigint,
    reviewers: DatanetClient[],
    quorum: number,
    script: [DatanetClient, string, Outcome][],
  ) {
    for (const [contributor, address, outcome] of script) {
      const text = nextEmail();
      const { contentHash } = await contributor.submit({ datanetId, content: text });
      submitted.push({ datanetId, contentHash, contributor: address });
      // A seeded rotation of the reviewers decides who votes.
      const start = Math.floor(random() * reviewers.length);
      const order = reviewers.map((_, i) => reviewers[(start + i) % reviewers.length]);
      if (outcome === "accept" || outcome === "reject") {
        const dissent = quorum > 1 && random() < 0.5;
        if (dissent) await order[quorum].vote(datanetId, contentHash, outcome !== "accept");
        for (const r of order.slice(0, quorum)) await r.vote(datanetId, contentHash, outcome === "accept");
      } else if (outcome === "expire") {
        if (quorum > 1) await order[0].vote(datanetId, contentHash, true);
        expirable.push({ datanetId, contentHash, text });
      }
    }
  }

  const d1 = f.datanetId;
  const { datanetId: d2 } = await clients.alice.createDatanet({
    uri: "ipfs://permissioned",
    policy: sdkPolicy({ bond: OPEN(2), quorum: 1, accessMode: "Permissioned" }),
    validators: [v2.address, outsider.address],
  });
  const { datanetId: d3 } = await client.createDatanet({
    uri: "ipfs://free",
    policy: sdkPolicy({ bond: 0n, quorum: 1 }),
    validators: [v3.address],
  });

  // Round 1 under Datanet 1's first terms.
  const round1Reviewers = [clients.v1, clients.v2, clients.v3];
  await play(d1, round1Reviewers, 2, [
    [clients.alice, alice.address, "accept"],
    [clients.bob, bob.address, "accept"],
    [clients.carol, carol.address, "reject"],
    [clients.dave, dave.address, "accept"],
    [clients.alice, alice.address, "accept"],
    [clients.bob, bob.address, "reject"],
    [clients.carol, carol.address, "accept"],
    [clients.dave, dave.address, "reject"],
    [clients.alice, alice.address, "pending"],
    [clients.bob, bob.address, "expire"],
    [clients.carol, carol.address, "expire"],
    [clients.dave, dave.address, "pending"],
  ]);
  await play(d2, [clients.v2, clients.outsider], 1, [
    [clients.bob, bob.address, "accept"],
    [clients.bob, bob.address, "reject"],
    [clients.carol, carol.address, "accept"],
  ]);
  await play(d3, [clients.v3], 1, [
    [clients.alice, alice.address, "accept"],
    [clients.alice, alice.address, "reject"],
    [clients.dave, dave.address, "pending"],
  ]);
  await client.publishVersion(d1);

  // New terms for Datanet 1; model access on Datanet 2.
  await client.setPolicy(d1, sdkPolicy({ bond: OPEN(2), reviewWindow: 2 * DAY, contributorDailyFiles: 10 }));
  await client.setValidators(d1, [v2.address, v3.address, outsider.address]);
  await clients.alice.setModelAccess(d2, erin.address, true);
  await clients.alice.setModelAccess(d2, dave.address, true);
  await clients.alice.setModelAccess(d2, dave.address, false);

  // Round 2 under terms 3 (bond 2 OPEN; v2, v3, outsider). Each contributor ends with an acceptance, so each holds
  // 2 OPEN of credit afterwards (round 1 and Datanet 2 already recycled credit into later bonds).
  const round2Reviewers = [clients.v2, clients.v3, clients.outsider];
  await play(d1, round2Reviewers, 2, [
    [clients.alice, alice.address, "reject"],
    [clients.alice, alice.address, "accept"],
    [clients.bob, bob.address, "expire"],
    [clients.bob, bob.address, "accept"],
    [clients.carol, carol.address, "pending"],
    [clients.carol, carol.address, "accept"],
  ]);
  // A validator of terms 1 still votes on a contribution submitted under terms 1.
  await clients.v1.vote(d1, submitted[8].contentHash, true);

  // Windows close: some pending contributions expire, others stay pending.
  await time.increase(2 * DAY + 1);
  for (const { datanetId, contentHash } of expirable) await clients.outsider.reclaimBond(datanetId, contentHash);

  // Credits and treasuries.
  await clients.alice.withdrawBondCredit(OPEN(1));
  await clients.bob.withdrawBondCredit(OPEN(2), carol.address);
  await (await datanets.connect(owner).withdrawTreasury(d1, owner.address, OPEN(2))).wait();
  await (await datanets.connect(alice).withdrawTreasury(d2, alice.address, await datanets.treasuryBalance(d2))).wait();
  await clients.alice.publishVersion(d2);

  // Datanet 1 changes hands.
  await (await datanets.connect(owner).transferFrom(owner.address, heir.address, d1)).wait();
  await (await datanets.connect(heir).setDatanetURI(d1, "ipfs://inherited")).wait();
  await (await datanets.connect(heir).withdrawTreasury(d1, heir.address, OPEN(1))).wait();
  await play(d1, round2Reviewers, 2, [
    [clients.carol, carol.address, "accept"],
    [clients.dave, dave.address, "accept"],
    [clients.alice, alice.address, "reject"],
  ]);
  await client.connect(heir).publishVersion(d1);

  // Expired content submitted again, by someone else: attempt 2.
  const again = expirable.find((e) => e.datanetId === d1)!;
  await clients.dave.submit({ datanetId: d1, content: again.text });
  submitted.push({ datanetId: d1, contentHash: again.contentHash, contributor: dave.address });
  await clients.v2.vote(d1, again.contentHash, true);
  await clients.v3.vote(d1, again.contentHash, true);
  // Carol commits first, bob's copy gets in first, carol's earlier commitment takes it over: attempts 1 and 2.
  const contested = nextEmail();
  const contestedHash = sha256Hex(contested);
  const carols = await commitSubmission(datanets, carol, d1, contestedHash, {
    size: Buffer.byteLength(contested),
    uri: "ipfs://carol",
  });
  await clients.bob.submit({ datanetId: d1, content: contested });
  submitted.push({ datanetId: d1, contentHash: contestedHash, contributor: bob.address });
  await clients.v2.vote(d1, contestedHash, false);
  await (await carols.reveal()).wait();
  submitted.push({ datanetId: d1, contentHash: contestedHash, contributor: carol.address });
  await clients.v2.vote(d1, contestedHash, true);
  await clients.outsider.vote(d1, contestedHash, true);

  return {
    ...f,
    heir,
    erin,
    datanetIds: [d1, d2, d3],
    submitted,
    deploymentBlock: f.blocks!.datanets,
    lastBlock: await ethers.provider.getBlockNumber(),
  };
}

type History = Awaited<ReturnType<typeof historyFixture>>;

/** Everything an indexer rebuilt, as plain data for deep comparison. */
function stateOf(indexer: DatanetIndexer) {
  return {
    datanets: [...indexer.datanets.values()].map((d) => ({
      ...d,
      approvedModelOwners: [...d.approvedModelOwners].sort(),
    })),
    contributions: [...indexer.contributions.values()],
    bondCredits: [...indexer.bondCredits.entries()].sort(([a], [b]) => (a < b ? -1 : 1)),
    reputation: [...indexer.datanets.keys()].map((id) => indexer.reputation(id)),
  };
}

async function syncedIndexer(f: History, options = {}): Promise<DatanetIndexer> {
  const indexer = new DatanetIndexer(ethers.provider, f.registry, options);
  await indexer.sync();
  return indexer;
}

/** A provider that serves the registry's logs through `tamper` (return null to drop a log). */
function tamperedProvider(tamper: (log: Log) => Log | null): Provider {
  return {
    getBlockNumber: () => ethers.provider.getBlockNumber(),
    getLogs: async (filter: Filter) =>
      (await ethers.provider.getLogs(filter)).map(tamper).filter((l): l is Log => l !== null),
  } as unknown as Provider;
}

/** Rewrites one argument of the first log of event `name` (optionally the n-th). */
function rewriting(name: string, arg: number, value: (old: unknown) => unknown, nth = 0) {
  let seen = 0;
  return (log: Log): Log => {
    const parsed = registryInterface.parseLog(log);
    if (parsed?.name !== name || seen++ !== nth) return log;
    const values = [...parsed.args];
    values[arg] = value(values[arg]);
    const { data, topics } = registryInterface.encodeEventLog(parsed.fragment, values);
    return new Log({ ...log, data, topics }, log.provider);
  };
}

describe("DatanetIndexer", function () {
  describe("after a scripted history", function () {
    it("indexes every submitted contribution, in submission order", async function () {
      const f = await loadFixture(historyFixture);
      const indexer = await syncedIndexer(f);
      const events = await f.datanets.queryFilter(f.datanets.filters.ContributionSubmitted());
      expect(indexer.contributions.size).to.equal(f.submitted.length).and.equal(events.length);
      for (const datanetId of f.datanetIds) {
        const expected = f.submitted.filter((s) => s.datanetId === datanetId);
        expect(
          indexer.contributionsOf(datanetId).map((c) => [c.contentHash, c.contributor]),
          `Datanet ${datanetId}`,
        ).to.deep.equal(expected.map((s) => [s.contentHash, s.contributor]));
      }
    });

    it("gives every latest attempt the status, contributor, size and terms of getContribution", async function () {
      const f = await loadFixture(historyFixture);
      const indexer = await syncedIndexer(f);
      const statuses = new Set<string>();
      for (const c of indexer.contributions.values()) {
        const onchain = await f.datanets.getContribution(c.datanetId, c.contentHash);
        if (indexer.latest(c.datanetId, c.contentHash) !== c) {
          // An earlier attempt: the registry keeps only the latest, so the events are its record.
          statuses.add(c.status);
          expect(c.attempt).to.be.lessThan(Number(onchain.attempt));
          continue;
        }
        expect(c.id).to.equal(contributionIdOf(c.datanetId, c.contentHash, c.attempt));
        expect(c.id).to.equal(onchain.contributionId);
        expect(c.status, `contribution ${c.id}`).to.equal(CONTRIBUTION_STATUSES[Number(onchain.status)]);
        expect(c.contributor).to.equal(onchain.contributor);
        expect(c.attempt).to.equal(Number(onchain.attempt));
        expect(c.size).to.equal(onchain.size);
        expect(c.termsVersion).to.equal(Number(onchain.termsVersion));
        expect(c.bond).to.equal(onchain.bond);
        statuses.add(c.status);
      }
      expect([...statuses].sort()).to.deep.equal(["Accepted", "Expired", "Pending", "Rejected", "Superseded"]);
    });

    it("follows later attempts: a resubmission after expiry and a takeover by an earlier commitment", async function () {
      const f = await loadFixture(historyFixture);
      const indexer = await syncedIndexer(f);
      const later = [...indexer.contributions.values()].filter((c) => c.attempt > 1);
      expect(later.map((c) => [c.contributor, c.attempt, c.status])).to.deep.equal([
        [f.dave.address, 2, "Accepted"],
        [f.carol.address, 2, "Accepted"],
      ]);
      const copy = indexer.contributions.get(contributionIdOf(1n, later[1].contentHash))!;
      expect([copy.contributor, copy.status, copy.votes.length]).to.deep.equal([f.bob.address, "Superseded", 1]);
      const superseded = await f.datanets.queryFilter(f.datanets.filters.ContributionSuperseded());
      expect(superseded.map((e) => [e.args.contributionId, e.args.contributor, e.args.refund])).to.deep.equal([
        [copy.id, f.bob.address, copy.bond],
      ]);
      for (const c of later) expect(indexer.latest(1n, c.contentHash)).to.equal(c);
    });

    it("gives every acceptance its index and the block of its ContributionAccepted event", async function () {
      const f = await loadFixture(historyFixture);
      const indexer = await syncedIndexer(f);
      const events = await f.datanets.queryFilter(f.datanets.filters.ContributionAccepted());
      expect(events.length).to.be.greaterThan(0);
      for (const e of events) {
        const c = indexer.contributions.get(e.args.contributionId)!;
        expect([c.acceptedIndex, c.acceptedBlock]).to.deep.equal([Number(e.args.index), e.blockNumber]);
      }
      const unaccepted = [...indexer.contributions.values()].filter((c) => c.status !== "Accepted");
      expect(unaccepted.every((c) => c.acceptedIndex === undefined && c.acceptedBlock === undefined)).to.equal(true);
    });

    it("records the votes the registry's vote masks hold", async function () {
      const f = await loadFixture(historyFixture);
      const indexer = await syncedIndexer(f);
      let total = 0;
      for (const c of indexer.contributions.values()) {
        total += c.votes.length;
        // The registry keeps the masks of the latest attempt only.
        if (indexer.latest(c.datanetId, c.contentHash) !== c) continue;
        const onchain = await f.datanets.getContribution(c.datanetId, c.contentHash);
        const validators = await f.datanets.getValidators(c.datanetId, c.termsVersion);
        const fromMask = (mask: bigint) => [...validators].filter((_, i) => (mask >> BigInt(i)) & 1n).sort();
        expect(
          c.votes
            .filter((v) => v.accept)
            .map((v) => v.validator)
            .sort(),
        ).to.deep.equal(fromMask(onchain.acceptMask));
        expect(
          c.votes
            .filter((v) => !v.accept)
            .map((v) => v.validator)
            .sort(),
        ).to.deep.equal(fromMask(onchain.rejectMask));
        expect(c.votes.length).to.equal(popcount(onchain.acceptMask) + popcount(onchain.rejectMask));
      }
      expect(total).to.equal((await f.datanets.queryFilter(f.datanets.filters.VoteCast())).length);
    });

    it("rebuilds every contributor's reputation in every Datanet", async function () {
      const f = await loadFixture(historyFixture);
      const indexer = await syncedIndexer(f);
      for (const datanetId of f.datanetIds) {
        const rows = indexer.reputation(datanetId);
        const contributors = new Set(f.submitted.filter((s) => s.datanetId === datanetId).map((s) => s.contributor));
        expect(rows.map((r) => r.account).sort()).to.deep.equal([...contributors].sort());
        for (const row of rows) {
          const onchain = await f.datanets.reputation(datanetId, row.account);
          expect([row.accepted, row.rejected, row.acceptedBytes], `${row.account} in ${datanetId}`).to.deep.equal([
            Number(onchain.accepted),
            Number(onchain.rejected),
            onchain.acceptedBytes,
          ]);
        }
      }
      const aliceIn1 = indexer.reputation(1n).find((r) => r.account === f.alice.address)!;
      expect([aliceIn1.accepted, aliceIn1.rejected]).to.deep.equal([3, 2]);
    });

    it("rebuilds every account's bond credit", async function () {
      const f = await loadFixture(historyFixture);
      const indexer = await syncedIndexer(f);
      let nonzero = 0;
      for (const signer of f.signers.slice(0, 12)) {
        const onchain = await f.datanets.bondCredit(signer.address);
        expect(indexer.bondCredits.get(signer.address.toLowerCase()) ?? 0n, signer.address).to.equal(onchain);
        if (onchain > 0n) nonzero++;
      }
      for (const [account, credit] of indexer.bondCredits) {
        expect(credit).to.equal(await f.datanets.bondCredit(account));
      }
      expect(nonzero).to.be.greaterThan(1);
      // Some bonds were paid from credit, which the indexer must have debited.
      const submissions = await f.datanets.queryFilter(f.datanets.filters.ContributionSubmitted());
      expect(submissions.filter((e) => e.args.fromCredit && e.args.bond > 0n).length).to.be.greaterThan(2);
      // Bob withdrew all his credit to carol; what he holds now is the refund of his copy that carol took over.
      const [superseded] = await f.datanets.queryFilter(f.datanets.filters.ContributionSuperseded());
      expect(indexer.bondCredits.get(f.bob.address.toLowerCase())).to.equal(superseded.args.refund);
    });

    it("rebuilds each Datanet's owner, uri, treasury and running digest", async function () {
      const f = await loadFixture(historyFixture);
      const indexer = await syncedIndexer(f);
      expect([...indexer.datanets.keys()]).to.deep.equal(f.datanetIds);
      for (const datanetId of f.datanetIds) {
        const d = indexer.datanet(datanetId);
        expect(d.owner).to.equal(await f.datanets.ownerOf(datanetId));
        expect(d.uri).to.equal(await f.datanets.tokenURI(datanetId));
        expect(d.treasury).to.equal(await f.datanets.treasuryBalance(datanetId));
        const [count, digest] = await f.datanets.currentDigest(datanetId);
        expect([BigInt(d.acceptances.length), d.digest]).to.deep.equal([count, digest]);
        expect(digestOf(d.acceptances)).to.equal(digest);
      }
      expect(indexer.datanet(1n).owner).to.equal(f.heir.address);
      expect(indexer.datanet(1n).uri).to.equal("ipfs://inherited");
      // Slashed: three bonds of 1 OPEN and two of 2 OPEN; withdrawn: 2 OPEN by the first owner, 1 OPEN by the heir.
      expect(indexer.datanet(1n).treasury).to.equal(3n * OPEN(1) + 2n * OPEN(2) - OPEN(3));
      expect(indexer.datanet(2n).treasury).to.equal(0n);
    });

    it("rebuilds every terms version's policy and validators", async function () {
      const f = await loadFixture(historyFixture);
      const indexer = await syncedIndexer(f);
      for (const datanetId of f.datanetIds) {
        const terms = indexer.datanet(datanetId).terms;
        expect(terms.length).to.equal(Number(await f.datanets.currentTermsVersion(datanetId)));
        for (const [i, t] of terms.entries()) {
          expect(t.version).to.equal(i + 1);
          expect(t.policy).to.deep.equal(fromPolicyTuple(await f.datanets.getPolicy(datanetId, t.version)));
          expect(t.validators).to.deep.equal(await f.datanets.getValidators(datanetId, t.version));
        }
      }
      expect(indexer.datanet(1n).terms.map((t) => t.policy.bond)).to.deep.equal([OPEN(1), OPEN(2), OPEN(2)]);
      expect(indexer.datanet(1n).terms[2].validators).to.deep.equal([f.v2.address, f.v3.address, f.outsider.address]);
    });

    it("rebuilds model access of the permissioned Datanet", async function () {
      const f = await loadFixture(historyFixture);
      const indexer = await syncedIndexer(f);
      const approved = indexer.datanet(2n).approvedModelOwners;
      expect([...approved]).to.deep.equal([f.erin.address.toLowerCase()]);
      for (const signer of f.signers.slice(0, 12)) {
        expect(approved.has(signer.address.toLowerCase()), signer.address).to.equal(
          await f.datanets.canTrainOn(2n, signer.address),
        );
      }
    });

    it("gives every published version the digest and count of getVersion, recomputed from acceptances", async function () {
      const f = await loadFixture(historyFixture);
      const indexer = await syncedIndexer(f);
      const published: [bigint, number][] = [];
      for (const datanetId of f.datanetIds) {
        const versions = indexer.datanet(datanetId).versions;
        expect(versions.length).to.equal(Number(await f.datanets.versionCount(datanetId)));
        for (const v of versions) {
          const onchain = await f.datanets.getVersion(datanetId, v.version);
          expect(v.count).to.equal(Number(onchain.count));
          expect(v.digest).to.equal(onchain.digest);
          expect(v.recomputedDigest).to.equal(onchain.digest);
          expect(v.recomputedDigest).to.equal(digestOf(indexer.datanet(datanetId).acceptances.slice(0, v.count)));
          published.push([datanetId, v.version]);
        }
      }
      expect(published).to.deep.equal([
        [1n, 1],
        [1n, 2],
        [2n, 1],
      ]);
      const [first, second] = indexer.datanet(1n).versions;
      expect(second.count).to.be.greaterThan(first.count);
      expect(first.digest).to.not.equal(ZeroHash);
    });

    it("accounts for every OPEN the registry holds as pending bonds, credit or treasury", async function () {
      const f = await loadFixture(historyFixture);
      const indexer = await syncedIndexer(f);
      const pending = [...indexer.contributions.values()].filter((c) => c.status === "Pending");
      const bonds = pending.reduce((sum, c) => sum + c.bond, 0n);
      const credits = [...indexer.bondCredits.values()].reduce((sum, c) => sum + c, 0n);
      const treasuries = [...indexer.datanets.values()].reduce((sum, d) => sum + d.treasury, 0n);
      expect(bonds + credits + treasuries).to.equal(await f.open.balanceOf(f.registry));
      expect(bonds).to.be.greaterThan(0n);
    });

    it("throws InvalidInputError for a Datanet the events never created", async function () {
      const f = await loadFixture(historyFixture);
      const indexer = await syncedIndexer(f);
      expect(() => indexer.datanet(4n)).to.throw(InvalidInputError, "Datanet 4 is not in the indexed events.");
    });
  });

  describe("sync", function () {
    it("returns the last block it read", async function () {
      const f = await loadFixture(historyFixture);
      const indexer = new DatanetIndexer(ethers.provider, f.registry);
      expect(await indexer.sync()).to.equal(f.lastBlock);
      expect(await indexer.sync(f.lastBlock)).to.equal(f.lastBlock);
    });

    it("reaches the same state in several steps as in one fresh sync, also across new blocks", async function () {
      const f = await loadFixture(historyFixture);
      const stepwise = new DatanetIndexer(ethers.provider, f.registry);
      const middle = Math.floor((f.deploymentBlock + f.lastBlock) / 2);
      expect(await stepwise.sync(middle)).to.equal(middle);
      expect(stepwise.contributions.size).to.be.greaterThan(0).and.lessThan(f.submitted.length);
      await stepwise.sync();
      expect(stateOf(stepwise)).to.deep.equal(stateOf(await syncedIndexer(f)));

      // New blocks: a submission accepted under Datanet 1's current terms and a third version.
      const { contentHash } = await f.clients.bob.submit({ datanetId: 1n, content: "after the first sync" });
      await f.clients.v2.vote(1n, contentHash, true);
      await f.clients.outsider.vote(1n, contentHash, true);
      await f.client.connect(f.heir).publishVersion(1n);
      expect(await stepwise.sync()).to.equal(await ethers.provider.getBlockNumber());
      const fresh = await syncedIndexer(f);
      expect(stateOf(stepwise)).to.deep.equal(stateOf(fresh));
      expect(stepwise.datanet(1n).versions.map((v) => v.version)).to.deep.equal([1, 2, 3]);
      expect(stepwise.contributions.get(contributionIdOf(1n, contentHash))!.status).to.equal("Accepted");
    });

    it("reaches the same state with a block range of 3 and reports its progress", async function () {
      const f = await loadFixture(historyFixture);
      const progress: [number, number][] = [];
      const small = new DatanetIndexer(ethers.provider, f.registry, {
        blockRange: 3,
        onProgress: (block, target) => progress.push([block, target]),
      });
      await small.sync();
      expect(stateOf(small)).to.deep.equal(stateOf(await syncedIndexer(f)));
      expect(progress.length).to.equal(Math.ceil((f.lastBlock + 1) / 3));
      expect(progress.every(([, target]) => target === f.lastBlock)).to.equal(true);
      expect(progress.map(([block]) => block)).to.deep.equal(
        Array.from({ length: progress.length }, (_, i) => Math.min(2 + 3 * i, f.lastBlock)),
      );
    });

    it("reaches the same state when it starts at the registry's deployment block", async function () {
      const f = await loadFixture(historyFixture);
      const progress: number[] = [];
      const fromDeployment = new DatanetIndexer(ethers.provider, f.registry, {
        fromBlock: f.deploymentBlock,
        onProgress: (block) => progress.push(block),
      });
      await fromDeployment.sync();
      expect(progress).to.deep.equal([f.lastBlock]);
      expect(stateOf(fromDeployment)).to.deep.equal(stateOf(await syncedIndexer(f)));
    });

    it("refuses a block range below 1", async function () {
      const f = await loadFixture(historyFixture);
      for (const blockRange of [0, -1, 0.5]) {
        expect(() => new DatanetIndexer(ethers.provider, f.registry, { blockRange }), String(blockRange)).to.throw(
          InvalidInputError,
          "blockRange must be at least 1.",
        );
      }
    });
  });

  describe("against tampered logs", function () {
    it("throws IntegrityError when an acceptance's digest was changed", async function () {
      const f = await loadFixture(historyFixture);
      const forged = ethers.keccak256(ethers.toUtf8Bytes("forged"));
      const provider = tamperedProvider(rewriting("ContributionAccepted", 5, () => forged, 2));
      const indexer = new DatanetIndexer(provider, f.registry);
      let error: unknown;
      await indexer.sync().catch((e) => (error = e));
      expect(error).to.be.instanceOf(IntegrityError);
      expect((error as Error).message)
        .to.contain(`emitted digest ${forged}`)
        .and.contain("acceptance 3");
    });

    it("throws IntegrityError when an acceptance's index was changed", async function () {
      const f = await loadFixture(historyFixture);
      const provider = tamperedProvider(rewriting("ContributionAccepted", 4, (index) => (index as bigint) + 1n));
      let error: unknown;
      await new DatanetIndexer(provider, f.registry).sync().catch((e) => (error = e));
      expect(error).to.be.instanceOf(IntegrityError);
    });

    it("throws IntegrityError when a version's digest was changed", async function () {
      const f = await loadFixture(historyFixture);
      const provider = tamperedProvider(rewriting("VersionPublished", 3, () => ZeroHash, 2));
      let error: unknown;
      await new DatanetIndexer(provider, f.registry).sync().catch((e) => (error = e));
      expect(error).to.be.instanceOf(IntegrityError);
      expect((error as Error).message).to.contain("Datanet 1 version 2");
    });

    it("throws IntegrityError when a submission's content hash does not give its contribution id", async function () {
      const f = await loadFixture(historyFixture);
      const provider = tamperedProvider(rewriting("ContributionSubmitted", 3, () => ethers.sha256("0x01")));
      let error: unknown;
      await new DatanetIndexer(provider, f.registry).sync().catch((e) => (error = e));
      expect(error).to.be.instanceOf(IntegrityError);
      expect((error as Error).message).to.contain("does not match attempt 1 of its Datanet and content hash");
    });

    it("throws IntegrityError when a submission was dropped", async function () {
      const f = await loadFixture(historyFixture);
      let dropped = false;
      const provider = tamperedProvider((log) => {
        if (!dropped && registryInterface.parseLog(log)?.name === "ContributionSubmitted") {
          dropped = true;
          return null;
        }
        return log;
      });
      let error: unknown;
      await new DatanetIndexer(provider, f.registry).sync().catch((e) => (error = e));
      expect(error).to.be.instanceOf(IntegrityError);
      expect((error as Error).message).to.contain("never submitted");
    });

    it("accepts the same logs passed through the wrapper untouched", async function () {
      const f = await loadFixture(historyFixture);
      const indexer = new DatanetIndexer(
        tamperedProvider((log) => log),
        f.registry,
      );
      await indexer.sync();
      expect(stateOf(indexer)).to.deep.equal(stateOf(await syncedIndexer(f)));
    });
  });
});
