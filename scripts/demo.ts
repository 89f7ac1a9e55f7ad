/**
 * The protocol end to end on Hardhat's in-process chain (no node, no keys): a Datanet of real e-mails from the
 * SpamAssassin corpus, eight contributors, three validators, refused and slashed submissions, an expired review,
 * a published version verified from events, the leaderboard, a model trained on that version, paid inference with
 * its fee split, stakers claiming their share, Proof of Attribution over the model's outputs, and the epoch's
 * contributor rewards claimed through a Merkle root.
 *
 *   npm run demo
 */
import { ethers, network } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { deployProtocol } from "../deploy/protocol";
import {
  ContractRevertError,
  buildInferenceLog,
  DatanetClient,
  DatanetIndexer,
  ModelClient,
  RewardsClient,
  SettlementClient,
  StakingClient,
  contentId,
  epochRewardTree,
  rankContributors,
  readEpochReport,
  serializeEpochReport,
  verifyEpochReport,
  verifyModelProvenance,
  type DatanetPolicy,
  type EpochInput,
} from "../sdk/src";
import { runClaim } from "./claim";
import { printTopContributors, runEpoch } from "./epoch";
import { loadEmails, seededRandom, type Email } from "./lib/corpus";
import { open, printTable, progress } from "./lib/ui";

const DAY = 24 * 3600;
const POLICY: DatanetPolicy = {
  bond: ethers.parseEther("10"),
  quorum: 2,
  reviewWindow: 2 * DAY,
  accessMode: "Open",
  maxFileBytes: 32_768n,
  contributorDailyFiles: 25,
  contributorDailyBytes: 600_000n,
  datanetDailyBytes: 5_000_000n,
};

/** Who contributes what: how many e-mails and which share of them is spam (the Datanet only wants ham). */
const CONTRIBUTORS = [
  { name: "ada", count: 20, spamShare: 0 },
  { name: "grace", count: 12, spamShare: 0.1 },
  { name: "linus", count: 25, spamShare: 0.15 },
  { name: "margaret", count: 15, spamShare: 0.2 },
  { name: "ken", count: 10, spamShare: 0.3 },
  { name: "barbara", count: 24, spamShare: 0.5 },
  { name: "dennis", count: 2, spamShare: 0 },
  { name: "mallory", count: 6, spamShare: 0.5 },
];

interface Submitted {
  contributor: string;
  contentHash: string;
  text: string;
  /** Ground truth the validators judge by: ham is wanted, spam and junk are not. */
  wanted: boolean;
}

async function main(): Promise<void> {
  const started = Date.now();
  const random = seededRandom(2024);
  const signers = await ethers.getSigners();
  const [deployer, owner, ...rest] = signers;
  const validators = rest.slice(0, 3);
  const people = rest.slice(3, 3 + CONTRIBUTORS.length);
  const nameOf = new Map<string, string>(people.map((s, i) => [s.address.toLowerCase(), CONTRIBUTORS[i].name]));
  validators.forEach((v, i) => nameOf.set(v.address.toLowerCase(), `validator ${i + 1}`));
  const who = (address: string) => nameOf.get(address.toLowerCase()) ?? address;

  console.log(`Embedded chain: ${network.name} (chain id ${(await ethers.provider.getNetwork()).chainId})`);
  // The treasury (deployer) attests the reward roots; a separate key guards them.
  const guardian = signers[signers.length - 1];
  const {
    open: token,
    datanets,
    rewards,
    models,
    staking,
    settlement,
  } = await deployProtocol(deployer, {
    guardian: guardian.address,
  });
  const registry = await datanets.getAddress();
  console.log(`OPEN token ${await token.getAddress()}, Datanet registry ${registry}`);
  for (const p of people) await (await token.transfer(p.address, ethers.parseEther("1000"))).wait();

  const emails = loadEmails();
  const fits = (e: Email) => Buffer.byteLength(e.text) <= Number(POLICY.maxFileBytes);
  const ham = emails.filter((e) => !e.spam && fits(e));
  const spam = emails.filter((e) => e.spam && fits(e));
  const pick = (pool: Email[]) => pool.splice(Math.floor(random() * pool.length), 1)[0];
  console.log(`Corpus: ${emails.length} SpamAssassin e-mails (${ham.length} ham and ${spam.length} spam under 32 KiB)`);

  const ownerClient = (await DatanetClient.connect(registry, owner)).connect(owner);
  const { datanetId } = await ownerClient.createDatanet({
    uri: "ipfs://bafkreiham-mail-for-spam-filters",
    policy: POLICY,
    validators: validators.map((v) => v.address),
  });
  console.log(
    `Datanet ${datanetId} "Ham mail for spam filters": bond ${open(POLICY.bond)}, quorum 2 of 3, review window 2 days`,
  );

  // Submissions: each contributor sends its mix of ham and spam; the progress bar covers the whole batch.
  const submitted: Submitted[] = [];
  const refused: string[][] = [];
  const total = CONTRIBUTORS.reduce((n, c) => n + c.count, 0);
  const bar = progress("Submitting e-mails", total);
  const firstOfAda: string[] = [];
  for (const [i, c] of CONTRIBUTORS.entries()) {
    const client = ownerClient.connect(people[i]);
    for (let k = 0; k < c.count; k++) {
      const isSpam = random() < c.spamShare;
      const email = pick(isSpam ? spam : ham);
      const r = await client.submit({ datanetId, content: email.text });
      submitted.push({ contributor: people[i].address, contentHash: r.contentHash, text: email.text, wanted: !isSpam });
      if (c.name === "ada") firstOfAda.push(email.text);
      bar.increment();
    }
  }
  bar.stop();

  // What the registry refuses outright, with the SDK's typed errors.
  const mallory = ownerClient.connect(people[CONTRIBUTORS.length - 1]);
  const linus = ownerClient.connect(people[2]);
  const huge = emails.find((e) => Buffer.byteLength(e.text) > Number(POLICY.maxFileBytes))!;
  const attempts: [string, () => Promise<unknown>][] = [
    ["mallory resubmits one of ada's e-mails", () => mallory.submit({ datanetId, content: firstOfAda[0] })],
    [
      `mallory submits a ${(Buffer.byteLength(huge.text) / 1024).toFixed(0)} KiB e-mail`,
      () => mallory.submit({ datanetId, content: huge.text }),
    ],
    ["linus submits a 26th e-mail today", () => linus.submit({ datanetId, content: pick(ham).text })],
  ];
  for (const [what, attempt] of attempts) {
    try {
      await attempt();
      refused.push([what, "accepted (unexpected)"]);
    } catch (error) {
      if (!(error instanceof ContractRevertError)) throw error;
      refused.push([what, `${error.constructor.name}: ${error.shortMessage}`]);
    }
  }
  // Junk passes the registry's checks (it is new and small) but the validators reject it and slash the bond.
  for (let k = 0; k < 3; k++) {
    const junk = Array.from({ length: 400 }, () => String.fromCharCode(33 + Math.floor(random() * 90))).join("");
    const r = await mallory.submit({ datanetId, content: junk });
    submitted.push({
      contributor: people[CONTRIBUTORS.length - 1].address,
      contentHash: r.contentHash,
      text: junk,
      wanted: false,
    });
  }
  printTable("Refused by the registry", ["Attempt", "Error"], refused);

  // Review: two validators look at each contribution (round robin) and vote by its content. One contribution gets
  // a single vote, so it reaches no quorum and expires.
  const reviewers = validators.map((v) => ownerClient.connect(v));
  const left = submitted[submitted.length - 5];
  const reviewBar = progress("Reviewing", submitted.length);
  let votes = 0;
  for (const [i, s] of submitted.entries()) {
    const pair = [reviewers[i % 3], reviewers[(i + 1) % 3]];
    for (const r of s === left ? pair.slice(0, 1) : pair) {
      await r.vote(datanetId, s.contentHash, s.wanted);
      votes++;
    }
    reviewBar.increment();
  }
  reviewBar.stop();
  console.log(`${submitted.length} contributions, ${votes} votes cast`);

  // Two days later: the unreviewed contribution expires and its bond goes back; linus's 26th e-mail goes through.
  await time.increase(POLICY.reviewWindow + 1);
  await ownerClient.reclaimBond(datanetId, left.contentHash);
  const lateMail = pick(ham).text;
  const late = await linus.submit({ datanetId, content: lateMail });
  submitted.push({ contributor: people[2].address, contentHash: late.contentHash, text: lateMail, wanted: true });
  await reviewers[0].vote(datanetId, late.contentHash, true);
  await reviewers[1].vote(datanetId, late.contentHash, true);
  console.log(
    `After the review window: ${who(left.contributor)}'s unreviewed contribution expired and its bond was returned;`,
  );
  console.log(`linus's next e-mail, a new UTC day later, was accepted.`);

  // Version: an on-chain snapshot, then recomputed from events alone.
  const version = await ownerClient.publishVersion(datanetId);
  const indexer = new DatanetIndexer(ethers.provider, registry);
  await indexer.sync();
  const check = await ownerClient.verifyVersion(datanetId, version.version, indexer);
  console.log(
    `\nVersion ${version.version}: ${version.count} accepted contributions, digest ${version.digest}` +
      `\n  recomputed from events: ${check.recomputedDigest} ${check.valid ? "✓ matches" : "✗ MISMATCH"}`,
  );
  if (!check.valid) throw new Error("The version could not be reproduced from events.");

  // Leaderboard from the indexer, checked against the on-chain counters.
  const rows = rankContributors(indexer.reputation(datanetId));
  for (const row of rows) {
    const onchain = await ownerClient.reputation(datanetId, row.account);
    if (onchain.accepted !== row.accepted || onchain.rejected !== row.rejected) {
      throw new Error(`Reputation of ${row.account} differs between events and chain.`);
    }
  }
  printTable(
    `Leaderboard of Datanet ${datanetId}: Wilson lower bound (95%) of the acceptance rate`,
    ["#", "Contributor", "Accepted", "Rejected", "Rate", "Wilson 95%", "Accepted KiB", "Bond credit"],
    await Promise.all(
      rows.map(async (r) => [
        r.rank,
        who(r.account),
        r.accepted,
        r.rejected,
        `${(100 * r.acceptanceRate).toFixed(0)}%`,
        r.score.toFixed(3),
        (Number(r.acceptedBytes) / 1024).toFixed(1),
        open(await ownerClient.bondCredit(r.account)),
      ]),
    ),
    [0, 2, 3, 4, 5, 6, 7],
  );

  // Bonds: every OPEN the registry holds is a pending bond, someone's credit or the Datanet's treasury.
  const held = await token.balanceOf(registry);
  const pending = indexer.contributionsOf(datanetId).filter((c) => c.status === "Pending");
  const pendingBonds = pending.reduce((n, c) => n + c.bond, 0n);
  const credits = [...indexer.bondCredits.values()].reduce((n, v) => n + v, 0n);
  const treasury = await datanets.treasuryBalance(datanetId);
  printTable(
    "Bonds held by the registry",
    ["Pending bonds", "Refunded as credit", "Slashed to treasury", "Registry balance", "Balanced"],
    [
      [
        open(pendingBonds),
        open(credits),
        open(treasury),
        open(held),
        held === pendingBonds + credits + treasury ? "✓" : "✗",
      ],
    ],
  );
  // A model trained on the published version, and paid inference during epoch 1: every fee is split between the
  // protocol treasury, the model's developer, the stakers and the contributors' reward pool.
  const [developer, gateway, ...stakerSigners] = signers.slice(3 + validators.length + people.length);
  const stakers = [
    { name: "sam", signer: stakerSigners[0], stake: ethers.parseEther("30000") },
    { name: "tia", signer: stakerSigners[1], stake: ethers.parseEther("10000") },
  ];
  nameOf.set(developer.address.toLowerCase(), "model developer");
  stakers.forEach((s) => nameOf.set(s.signer.address.toLowerCase(), `staker ${s.name}`));
  const modelClient = await ModelClient.connect(await models.getAddress(), developer);
  const price = ethers.parseEther("0.02");
  const { modelId } = await modelClient.registerModel({
    uri: "ipfs://bafkreiham-filter-lora",
    spec: {
      baseModel: "meta-llama/Llama-3.1-8B-Instruct",
      adapterKind: "LoRA",
      adapterHash: ethers.id("ham-filter LoRA weights"),
      trainingConfigHash: ethers.id("rank 16, 3 epochs, seed 2024"),
      trainedOn: [{ datanetId, version: version.version }],
    },
    pricePerCall: price,
  });
  const provenance = await verifyModelProvenance(modelClient, { modelId, indexer, assert: true });
  console.log(
    `\nModel ${modelId}: a LoRA of Llama-3.1-8B trained on Datanet ${datanetId} version ${version.version}, ` +
      `${open(price)} per call; training data reproduced from events ${provenance.ok ? "✓" : "✗"}`,
  );

  const pool = await StakingClient.connect(await staking.getAddress(), deployer);
  for (const s of stakers) {
    await (await token.transfer(s.signer.address, s.stake)).wait();
    await pool.connect(s.signer).stake(s.stake);
  }
  await (await token.transfer(gateway.address, ethers.parseEther("100000"))).wait();
  const settler = await SettlementClient.connect(await settlement.getAddress(), gateway);
  const received = { treasury: 0n, model: 0n, stakers: 0n, contributors: 0n };
  // The gateway's outputs (here, texts that quote the Datanet's mails between words of their own), logged per batch:
  // each batch's log is stored by its CID and settled with its real root.
  const textOf = new Map(submitted.map((s) => [s.contentHash, s.text]));
  await indexer.sync();
  const quotable = indexer
    .contributionsOf(datanetId)
    .filter((c) => c.status === "Accepted" && c.acceptedIndex! <= version.count)
    .map((c) => textOf.get(c.contentHash)!);
  const filler = "so in short the message says that we should look at this again next week".split(" ");
  const output = () => {
    const words = quotable[Math.floor(random() * quotable.length)].split(/\s+/).filter(Boolean);
    const start = Math.floor(random() * Math.max(1, words.length - 30));
    const quote = words.slice(start, start + 8 + Math.floor(random() * 20)).join(" ");
    const own = Array.from({ length: 6 }, () => filler[Math.floor(random() * filler.length)]).join(" ");
    return `${own} ${quote} ${own}`;
  };
  const logStore = new Map<string, string>();
  const batches = [120_000n, 250_000n, 80_000n, 301_234n];
  for (const [i, calls] of batches.entries()) {
    const log = buildInferenceLog(
      Array.from({ length: 15 }, (_, k) => ({
        id: `batch-${i + 1}/${k + 1}`,
        modelId,
        modelVersion: 1,
        calls: calls / 15n + (k === 14 ? calls % 15n : 0n),
        queryHash: ethers.id(`query ${i + 1}/${k + 1}`),
        output: { kind: "text" as const, text: output() },
      })),
    );
    logStore.set(`ipfs://${log.contentId().cid}`, log.serialize());
    // settleLog() quotes the fee and sends it as maxFee: a price raised meanwhile makes it revert instead of overcharge.
    const { shares } = await settler.settleLog({ modelId, log });
    for (const key of Object.keys(received) as (keyof typeof received)[]) received[key] += shares[key];
  }
  const split = await settler.feeSplit();
  const ledger = await settler.verifyLedger(1n);
  const fees = ledger.onchain.fees;
  printTable(
    `Epoch 1: ${ledger.onchain.settlements} settlements by the gateway, ${ledger.onchain.calls.toLocaleString("en-US")} calls, ${open(fees)} in fees`,
    ["Party", "Split", "Received", "Where it went"],
    [
      ["Protocol treasury", `${split.treasuryBps / 100}%`, open(received.treasury), "treasury account"],
      ["Model revenue", `${split.modelBps / 100}%`, open(received.model), "the developer"],
      ["Stakers", `${split.stakersBps / 100}%`, open(received.stakers), "staking pool, pro rata to stake"],
      ["Contributors", `${split.contributorsBps / 100}%`, open(received.contributors), "reward distributor, epoch 1"],
      ["Total", "100%", open(fees), fees === Object.values(received).reduce((a, b) => a + b, 0n) ? "✓ exact" : "✗"],
    ],
    [1, 2],
  );
  console.log(`Ledger of epoch 1 recomputed from the settlement events: ${ledger.valid ? "✓ matches" : "✗ MISMATCH"}`);
  if (!ledger.valid) throw new Error("The epoch ledger could not be reproduced from events.");

  // The stakers' share of a day's fees streams over the next day, so stake earns in proportion to stake × time.
  const stream = await pool.stream();
  console.log(
    `Staking pool: ${open(stream.queued)} queued, streaming over the day after ${new Date(Number(stream.periodEnd) * 1000).toISOString()}`,
  );
  await time.increaseTo(stream.periodEnd + stream.period);

  const claimedByStakers: string[][] = [];
  const totalStake = stakers.reduce((n, s) => n + s.stake, 0n);
  for (const s of stakers) {
    const owed = await pool.earned(s.signer.address);
    await pool.connect(s.signer).claimRewards();
    claimedByStakers.push([
      s.name,
      open(s.stake),
      `${((100 * Number(s.stake)) / Number(totalStake)).toFixed(0)}%`,
      open(owed),
    ]);
  }
  printTable(
    "A day later, the stakers claim their share of the fees",
    ["Staker", "Stake", "Share", "Claimed"],
    claimedByStakers,
    [1, 2, 3],
  );

  // Proof of Attribution for epoch 1, once it is over: the model's outputs (here, texts that quote the Datanet's
  // mails between words of their own, one batch per settlement) are matched against the accepted contributions of
  // the version it was trained on, and the contributors' share of the epoch's fees is split by influence.
  await time.increaseTo(await settler.epochStart(2n));
  await indexer.sync();
  const accepted = indexer.contributionsOf(datanetId).filter((c) => c.status === "Accepted");
  const input: EpochInput = {
    epoch: 1n,
    models: [
      {
        modelId,
        version: 1,
        trainedOn: [{ datanetId, version: version.version, count: Number(version.count), digest: version.digest }],
      },
    ],
    contributions: accepted.map((c) => ({
      id: c.id.toString(),
      datanetId,
      contributor: c.contributor,
      contentHash: c.contentHash,
      index: c.acceptedIndex!,
      attempt: c.attempt,
      acceptedAt: c.acceptedBlock!,
      text: textOf.get(c.contentHash)!,
    })),
    settlements: await settler.epochSettlements(1n, async (uri) => logStore.get(uri)),
  };
  const epochReport = runEpoch(input);
  const verified = verifyEpochReport(readEpochReport(JSON.parse(serializeEpochReport(epochReport))), input);
  printTopContributors(epochReport, CONTRIBUTORS.length, nameOf);
  const records = epochReport.settlements.flatMap((x) => x.records);
  console.log(
    `${records.filter((r) => r.top.length > 0).length} of ${records.length} outputs matched the ` +
      `Datanet; report ${epochReport.reportHash} recomputed from its input: ${verified.ok ? "✓ identical" : "✗ DIFFERS"}`,
  );
  if (!verified.ok) throw new Error(`The epoch report could not be reproduced (${verified.path}).`);

  const distributor = await rewards.getAddress();
  const rewardsAsTreasury = (await RewardsClient.connect(distributor, deployer)).connect(deployer);
  const rewardPool = BigInt(epochReport.pool);
  const tree = epochRewardTree(epochReport);
  const report = serializeEpochReport(epochReport);
  const reportId = contentId(report);
  await rewardsAsTreasury.proposeRoot({
    tree,
    epoch: 1n,
    reportHash: epochReport.reportHash,
    reportURI: `ipfs://${reportId.cid}`,
  });
  const proposed = await rewardsAsTreasury.pendingRoot();
  console.log(
    `\nEpoch 1 rewards: ${open(rewardPool)} from the epoch's fees, root ${tree.root} proposed for ${open(tree.total)};` +
      ` claimable from ${new Date(Number(proposed.validAt) * 1000).toISOString()}`,
  );
  await time.increaseTo(proposed.validAt);
  await rewardsAsTreasury.acceptRoot();
  // A relayer (the treasury here) claims for everyone in one batch run; each account is paid its own amount.
  const after = await runClaim({
    tree,
    distributor,
    signer: deployer,
    accounts: tree.entries.map((e) => e.account),
    names: nameOf,
  });
  const paid = after.reduce((sum, s) => sum + s.claimed, 0n);
  console.log(
    `Claimed ${open(paid)} in all, root total ${open(tree.total)}: ${paid === tree.total ? "✓ exact to the wei" : "✗ MISMATCH"}`,
  );
  if (paid !== tree.total) throw new Error("Claims do not sum to the root total.");

  const example = contentId(firstOfAda[0]);
  console.log(
    `\nExample contribution: sha-256 ${example.contentHash}\n  IPFS CIDv1 ${example.cid} (${example.size} bytes)`,
  );
  console.log(`\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
