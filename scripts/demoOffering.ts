/**
 * The Initial AI Offering on the demo's chain: `npm run demo` first (its deployment, Datanet, models, traffic and the
 * epoch whose report credits the contributors), then the spam classifier's developer launches an offering of its
 * shares with the contributors' part allocated by that accepted report, the prospectus published and checked against
 * the chain; the contributors claim their shares; three buyers oversubscribe the sale and each gets its pro-rata fill
 * and the rest back; a settled-calls milestone releases its tranche once enough calls are settled; more inference is
 * settled, now paying the model's revenue to its holders, whose revenue is printed and checked to the wei.
 *
 *   npm run demo:offering
 */
import { network } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { ethers } from "ethers";
import {
  ModelClient,
  SettlementClient,
  buildInferenceLog,
  buildProspectus,
  contributorShareTree,
  fakingCost,
  prospectusHash,
  saleFills,
  serializeProspectus,
  trancheAmounts,
  verifyContributorShares,
  verifyProspectus,
} from "../sdk/src";
import type { OfferingTerms, SaleDeposit } from "../sdk/src";
import { OfferingClient } from "../sdk/src/clients/offeringClient";
import { IModelShares__factory, OpenToken__factory } from "../typechain-types";
import { finishDemo, runDemo } from "./demo";
import type { DemoRun } from "./demo";
import { open, printTable } from "./lib/ui";

const E18 = 10n ** 18n;
const DAY = 86_400;
/** 1,000,000 shares: 60% sold, 20% the developer's (vested), 15% the contributors', 5% the model's treasury. */
const SPLIT = { sale: 600_000n * E18, creator: 200_000n * E18, contributors: 150_000n * E18, treasury: 50_000n * E18 };
const SOFT_CAP = 400n * E18;
const HARD_CAP = 1_000n * E18;
/** 60% of the net raise at success; 40% once 1,000 calls are settled after launch. */
const UPFRONT_BPS = 6_000;
const CALLS_THRESHOLD = 1_000n;
/** Deposits of the three buyers: 1,500 OPEN for a 1,000 OPEN hard cap. */
const DEPOSITS = [300n * E18, 450n * E18, 750n * E18];

/** Rounding left unaccounted: under a wei per sync and per settled balance, a few hundred wei at most here. */
const MAX_DUST = 1_000n;

/** What the sequel printed, for its test: each holder's revenue and the totals they must add up to. */
export interface OfferingDemoResult {
  offering: string;
  shares: string;
  holders: { name: string; account: string; balance: bigint; claimed: bigint; accrued: bigint }[];
  /** Revenue the share token received (synced), paid out, and carried by shares still in escrow. */
  received: bigint;
  paid: bigint;
  carried: bigint;
  dust: bigint;
}

/** Settles `calls` calls of the classifier in records of `perRecord` calls, its log stored by CID. */
async function settleCalls(run: DemoRun, calls: bigint, perRecord: bigint, tag: string): Promise<void> {
  const settler = await SettlementClient.connect(run.addressOf("settlement"), run.gatewaySigner);
  const log = buildInferenceLog(
    Array.from({ length: Number(calls / perRecord) }, (_, k) => ({
      id: `${tag}-${k}`,
      modelId: run.classifierId,
      modelVersion: 1,
      calls: perRecord,
      queryHash: ethers.id(`${tag} query ${k}`),
      output: { kind: "label" as const, features: [k % 7, 1], label: k % 2 },
    })),
  );
  const stored = await run.operator.store.put(log.serialize());
  await settler.settleLog({ modelId: run.classifierId, log, logURI: stored.uri });
}

/** The offering, from launch to the holders' revenue, on the chain `runDemo` left. */
export async function runOfferingDemo(run: DemoRun): Promise<OfferingDemoResult> {
  const { developer, treasury, who } = run;
  const modelId = run.classifierId;
  const client = await OfferingClient.connect(run.addressOf("offeringFactory"), developer);
  const models = await ModelClient.connect(run.addressOf("models"), developer);
  const settlement = await SettlementClient.connect(run.addressOf("settlement"), developer);

  // The contributors' part, allocated by what the accepted report of the epoch paid each account from the
  // classifier's settlements (the same tree code as the rewards).
  const shareTree = contributorShareTree({
    reports: [run.epochReport],
    modelId,
    sharesForContributors: SPLIT.contributors,
  });
  const now = await time.latest();
  const deadline = now + 3 * DAY;
  const terms: OfferingTerms = {
    split: SPLIT,
    sale: { softCap: SOFT_CAP, hardCap: HARD_CAP, deadline, upfrontBps: UPFRONT_BPS },
    vesting: { cliff: 30 * DAY, duration: 180 * DAY },
    endVote: { quorumBps: 2_000, votingPeriod: 3 * DAY },
    milestones: [
      {
        kind: "SettledCalls",
        trancheBps: 10_000 - UPFRONT_BPS,
        deadline: deadline + 60 * DAY,
        datanetId: 0n,
        datanetVersion: 0,
        threshold: CALLS_THRESHOLD,
      },
    ],
    contributorsRoot: shareTree.root,
    creatorKeepsVersions: true,
  };
  const governance = {
    votingDelay: DAY,
    votingPeriod: 3 * DAY,
    quorumPercent: 4,
    proposalThreshold: 0n,
    timelockDelay: 2 * DAY,
  };
  const versions = await models.versions(modelId);
  const datanets = new Map<string, { count: number; digest: string }>();
  for (const v of versions) {
    for (const d of v.trainedOn) {
      const published = await models.datanets.getVersion(d.datanetId, d.version);
      datanets.set(`${d.datanetId}:${d.version}`, { count: Number(published.count), digest: published.digest });
    }
  }
  const [modelTerms, split, protocolFeeBps, totals] = await Promise.all([
    models.terms(modelId),
    settlement.feeSplit(),
    client.factory.protocolFeeBps(),
    settlement.settlement.modelTotals(modelId),
  ]);
  const prospectus = buildProspectus({
    modelId,
    name: "Spam classifier shares",
    symbol: "SPAM",
    creator: developer.address,
    versions: versions.map((v) => ({
      version: v.version,
      baseModel: run.classifierBaseModel,
      adapterKind: v.adapterKind,
      adapterHash: v.adapterHash,
      trainingConfigHash: v.trainingConfigHash,
      trainedOn: v.trainedOn.map((d) => ({ ...d, ...datanets.get(`${d.datanetId}:${d.version}`)! })),
    })),
    settled: { calls: totals.calls, fees: totals.fees },
    pricePerCall: modelTerms.pricePerCall,
    modelBps: split.modelBps,
    protocolFeeBps: Number(protocolFeeBps),
    terms,
    governance,
    contributors: shareTree,
    reports: [{ epoch: run.epochReport.epoch, reportHash: run.epochReport.reportHash }],
  });
  const published = await run.operator.store.put(serializeProspectus(prospectus));
  const { contracts } = await client.launch({
    modelId,
    name: prospectus.name,
    symbol: prospectus.symbol,
    terms,
    governance,
    prospectusHash: prospectusHash(prospectus),
    prospectusURI: published.uri,
  });
  run.nameOf.set(contracts.timelock.toLowerCase(), "model treasury (timelock)");
  console.log(
    `\nInitial AI Offering of model ${modelId} (spam classifier): offering ${contracts.offering}, shares ${contracts.shares}` +
      `\n  prospectus ${published.uri} (keccak256 ${prospectusHash(prospectus)})`,
  );
  printTable(
    "Supply split, fixed at launch",
    ["Part", "Shares", "Terms"],
    [
      ["Sale", open(SPLIT.sale).replace(" OPEN", ""), `${open(HARD_CAP)} hard cap, ${open(SOFT_CAP)} soft cap`],
      ["Developer", open(SPLIT.creator).replace(" OPEN", ""), "vested linearly over 180 days, 30-day cliff"],
      [
        "Contributors",
        open(SPLIT.contributors).replace(" OPEN", ""),
        `by attribution, ${shareTree.entries.length} accounts`,
      ],
      ["Model treasury", open(SPLIT.treasury).replace(" OPEN", ""), "its timelock, at the sale's success"],
    ],
    [1],
  );
  const maxNet = HARD_CAP - (HARD_CAP * BigInt(protocolFeeBps)) / 10_000n;
  const maxTranches = trancheAmounts(maxNet, UPFRONT_BPS, terms.milestones);
  printTable(
    "Milestones: the raise after the upfront part is escrowed until they are met",
    ["#", "Kind", "Threshold", "Tranche (at most)", "Faking cost"],
    terms.milestones.map((m, i) => [
      i,
      m.kind,
      `${m.threshold} calls since launch`,
      `${m.trancheBps / 100}% (${open(maxTranches.milestones[i])})`,
      open(fakingCost(m.kind, m.threshold, modelTerms.pricePerCall, split.modelBps)!),
    ]),
    [2, 3, 4],
  );
  // A buyer's check: every claim against the chain, and the contributors' shares recomputed from the accepted report.
  const mismatches = [
    ...verifyProspectus(prospectus, await client.chainView(contracts.offering)),
    ...verifyContributorShares(prospectus, { reports: [run.epochReport] }),
  ];
  console.log(
    `Prospectus checked against the chain and the accepted report: ${mismatches.length === 0 ? "✓ every claim matches" : `✗ ${mismatches.length} mismatches`}`,
  );
  if (mismatches.length > 0) throw new Error(`The prospectus contradicts the chain at ${mismatches[0].path}.`);

  // Three buyers oversubscribe the sale; each settles once after the deadline: its pro-rata fill and the rest back.
  const token = OpenToken__factory.connect(run.addressOf("open"), treasury);
  const buyers: [string, HardhatEthersSigner][] = [
    ["buyer bea", run.spare[0]],
    ["staker sam", run.signers[3 + 3 + 8 + 3]],
    ["staker tia", run.signers[3 + 3 + 8 + 4]],
  ];
  buyers.forEach(([name, s]) => run.nameOf.set(s.address.toLowerCase(), name));
  const deposits: SaleDeposit[] = [];
  let start = 0n;
  for (const [i, [, signer]] of buyers.entries()) {
    await (await token.transfer(signer.address, DEPOSITS[i])).wait();
    await client.connect(signer).buy(contracts.offering, DEPOSITS[i]);
    deposits.push({ buyer: signer.address, start, amount: DEPOSITS[i] });
    start += DEPOSITS[i];
  }
  const preview = saleFills(deposits, {
    softCap: SOFT_CAP,
    hardCap: HARD_CAP,
    sale: SPLIT.sale,
    protocolFeeBps: Number(protocolFeeBps),
  });
  await time.increaseTo(deadline);
  await client.connect(treasury).finalize(contracts.offering);
  const sharesToken = OpenToken__factory.connect(contracts.shares, treasury);
  const fills: (string | bigint)[][] = [];
  for (const [i, [name, signer]] of buyers.entries()) {
    const before = await token.balanceOf(signer.address);
    await client.connect(treasury).settle(contracts.offering, signer.address);
    const refund = (await token.balanceOf(signer.address)) - before;
    const got = await sharesToken.balanceOf(signer.address);
    const expected = preview.fills[i];
    if (got !== expected.shares || refund !== expected.refund)
      throw new Error(`${name}'s settlement is not the preview's.`);
    fills.push([name, open(DEPOSITS[i]), open(expected.fill), open(refund), open(got).replace(" OPEN", "")]);
  }
  printTable(
    `Sale oversubscribed: ${open(preview.deposited)} deposited for a ${open(HARD_CAP)} hard cap; every deposit filled ` +
      `${((100 * Number(preview.raised)) / Number(preview.deposited)).toFixed(2)}% (as the SDK's preview, to the wei)`,
    ["Buyer", "Deposited", "Filled", "Refunded", "Shares"],
    [
      ...fills,
      [
        "Total",
        open(preview.deposited),
        open(preview.raised),
        open(preview.refunded),
        open(preview.sold).replace(" OPEN", ""),
      ],
    ],
    [1, 2, 3, 4],
  );
  const offering = client.offering(contracts.offering);
  console.log(
    `Raised ${open(preview.raised)}: ${open(preview.protocolFee)} protocol fee, ${open(await offering.released())} ` +
      `released to the developer upfront, ${open((await offering.netRaise()) - (await offering.released()))} escrowed`,
  );

  // The contributors claim their shares (a relayer sends the claims; the shares go to each contributor).
  const relayer = client.connect(treasury);
  for (const entry of shareTree.entries.filter((e) => e.shares > 0n)) {
    await relayer.claimContributorShares(contracts.offering, entry.account, shareTree.tree);
  }
  printTable(
    `Contributors' shares from epoch ${run.epochReport.epoch}'s accepted report (${shareTree.rule}), claimed`,
    ["Contributor", "Attributed by the report", "Shares"],
    shareTree.entries.map((e) => [who(e.account), open(e.weight), open(e.shares).replace(" OPEN", "")]),
    [1, 2],
  );

  // The milestone: 1,000 more calls of the classifier settled; anyone releases the tranche.
  await settleCalls(run, CALLS_THRESHOLD, 50n, "milestone");
  const tranche = await offering.trancheOf(0);
  await relayer.release(contracts.offering, 0);
  console.log(
    `\n${CALLS_THRESHOLD} calls settled since launch: milestone 0 met, its tranche of ${open(tranche)} released to the developer ` +
      `(released ${open(await offering.released())} of ${open(await offering.netRaise())})`,
  );

  // More inference: the model's share of every fee now goes to the share token, paid to holders pro rata.
  await settleCalls(run, 600n, 20n, "after-launch");
  const vault = IModelShares__factory.connect(contracts.shares, treasury);
  await (await vault.syncRevenue()).wait();
  const holders = [
    ...buyers.map(([name, s]) => ({ name, account: s.address })),
    ...shareTree.entries.filter((e) => e.shares > 0n).map((e) => ({ name: who(e.account), account: e.account })),
    { name: "model treasury (timelock)", account: contracts.timelock },
  ];
  // The buyers claim; the contributors and the treasury leave theirs accrued.
  const claimedBy = new Map<string, bigint>();
  for (const [, signer] of buyers) {
    const before = await token.balanceOf(signer.address);
    await client.connect(signer).claimRevenue(contracts.shares);
    claimedBy.set(signer.address, (await token.balanceOf(signer.address)) - before);
  }
  const rows: OfferingDemoResult["holders"] = [];
  for (const h of holders) {
    const [balance, accrued] = await Promise.all([sharesToken.balanceOf(h.account), vault.accruedRevenue(h.account)]);
    rows.push({ ...h, balance, claimed: claimedBy.get(h.account) ?? 0n, accrued });
  }
  const [received, paid, revenuePerShare, scale, escrowed] = await Promise.all([
    vault.revenueReceived(),
    vault.revenuePaid(),
    vault.revenuePerShare(),
    vault.REVENUE_SCALE(),
    sharesToken.balanceOf(contracts.offering),
  ]);
  const carried = (escrowed * revenuePerShare) / scale;
  const sumClaimed = rows.reduce((n, r) => n + r.claimed, 0n);
  const sumAccrued = rows.reduce((n, r) => n + r.accrued, 0n);
  const dust = received - sumClaimed - sumAccrued - carried;
  const wei = (v: bigint) => `${v.toLocaleString("en-US")} wei`;
  printTable(
    `Holders' revenue: ${wei(received)} of model revenue received by the share token`,
    ["Holder", "Shares", "Claimed", "Accrued"],
    [
      ...rows.map((r) => [r.name, open(r.balance).replace(" OPEN", ""), wei(r.claimed), wei(r.accrued)]),
      ["Escrow (unvested developer shares carry theirs)", open(escrowed).replace(" OPEN", ""), "", wei(carried)],
    ],
    [1, 2, 3],
  );
  console.log(
    `Σ claimed ${wei(sumClaimed)} + Σ accrued ${wei(sumAccrued + carried)} = received ${wei(received)} − dust ${wei(dust)}: ` +
      `${paid === sumClaimed && dust >= 0n && dust < MAX_DUST ? "✓ exact to the wei" : "✗ MISMATCH"}`,
  );
  if (paid !== sumClaimed || dust < 0n || dust >= MAX_DUST) {
    throw new Error("The holders' revenue does not add up to what the share token received.");
  }
  return { offering: contracts.offering, shares: contracts.shares, holders: rows, received, paid, carried, dust };
}

async function main(): Promise<void> {
  if (network.name !== "hardhat") throw new Error("npm run demo:offering runs on the embedded chain only.");
  const run = await runDemo();
  await runOfferingDemo(run);
  await finishDemo(run);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
