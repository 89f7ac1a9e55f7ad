import { expect } from "chai";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonRpcProvider, Network, ZeroAddress, ZeroHash, ethers } from "ethers";
import * as main from "../../sdk/src";
import {
  DatanetClient,
  DeploymentFileError,
  EmptyRewardTreeError,
  GovernanceClient,
  IntegrityError,
  InvalidAccountError,
  InvalidAmountError,
  InvalidFeeSplitError,
  InvalidInputError,
  MalformedEpochReportError,
  MalformedInferenceLogError,
  MalformedLabelledMailError,
  MalformedModelCardError,
  MalformedModelFileError,
  MalformedProspectusError,
  MalformedTreeDumpError,
  ModelClient,
  ProtocolError,
  RewardTree,
  RewardsClient,
  RpcResponseError,
  RpcUnreachableError,
  SettlementClient,
  StakingClient,
  TreeDumpMismatchError,
  UnknownAccountError,
  attributeEpoch,
  buildInferenceLog,
  buildRewardTree,
  readEpochReport,
  serializeEpochReport,
  verifyEpochReport,
} from "../../sdk/src";
import type { EpochInput, EpochReport, ModelSpec } from "../../sdk/src";
import * as node from "../../sdk/src/node";
import * as report from "../../sdk/src/report";
import * as ml from "../../sdk/src/ml";
import * as offering from "../../sdk/src/clients/offeringClient";
import { OfferingClient } from "../../sdk/src/clients/offeringClient";
import { sdkPolicy } from "../fixtures/sdk";
import { startHardhatNode } from "../helpers/hardhatNode";
import type { HardhatNode } from "../helpers/hardhatNode";
import { deployWithModel } from "../helpers/indexerChain";
import { address, indexedContributions, spansEpoch, textSettlement } from "../helpers/epochReference";
import { startLyingNode } from "../helpers/rpcProxy";
import type { RpcProxy } from "../helpers/rpcProxy";
import { entryRows } from "./sweep/entryRows";

/*
 * The bad-input sweep of the SDK (issue 24): one row per entry point and bad input, each expecting one of the SDK's
 * typed errors with a one-line message, and, for the chain clients, nothing sent (the nonces and the OPEN and ETH
 * balances of every account and contract involved do not move). The last test enumerates the runtime exports of the
 * package's entries and fails on any function, class or class method with neither a row nor a reason in NOT_SWEPT,
 * so that adding an entry point adds a row.
 */

/** The package's entries that export code, as `package.json` `exports` names them ("./abi" is generated bindings). */
const ENTRIES: Record<string, Record<string, unknown>> = {
  ".": main,
  "./node": node,
  "./report": report,
  "./ml": ml,
  "./offering": offering,
};

/** What every row can use: the chain, its clients and well-formed values to spoil. */
export interface World {
  node: HardhatNode;
  d: Awaited<ReturnType<typeof deployWithModel>>;
  datanets: DatanetClient;
  models: ModelClient;
  settlement: SettlementClient;
  staking: StakingClient;
  rewards: RewardsClient;
  offerings: OfferingClient;
  /** The timelock is not deployed here: a client on the settlement contract refuses to schedule. */
  governance: GovernanceClient;
  /** A provider on a port that refuses connections. */
  closed: JsonRpcProvider;
  /** A node that says it is chain 1 and has nothing deployed: every call returns empty. */
  otherChain: JsonRpcProvider;
  /** A node whose answers are garbage. */
  garbage: JsonRpcProvider;
  /** A content gateway URL on a port that refuses connections. */
  closedGateway: string;
  datanetsAddress: string;
  tree: RewardTree;
  report: EpochReport;
  input: EpochInput;
  dir: string;
  /** An empty file and a 50 MB file of zeros. */
  emptyFile: string;
  hugeFile: string;
}

/** One of the SDK's error classes, whatever its constructor takes. */
export type TypedError = abstract new (...args: never[]) => ProtocolError;

/** One bad call and the typed error it must give. */
export interface Row {
  entry: string;
  /** The export, or `Class.method` / `Class.staticMethod`. */
  subject: string;
  case: string;
  call: (w: World) => unknown;
  expect: TypedError;
  message?: RegExp;
  /** A chain client with a signer: the nonces and balances must not move. */
  chain?: boolean;
}

const ONE = 10n ** 18n;
const PAST_UINT256 = 2n ** 256n;
/** A development account with a wrong checksum: one letter's case flipped. */
const BAD_CHECKSUM = "0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const NOT_AN_ADDRESS = "0x1234";
const asAny = (value: unknown) => value as never;

/** The rows, by entry; see the module comment. */
const ROWS: Row[] = [
  /* Chain clients: connect */
  ...(["DatanetClient", "ModelClient", "SettlementClient", "StakingClient", "RewardsClient", "OfferingClient"] as const)
    .map((name) => {
      const of = {
        DatanetClient: [DatanetClient, "datanets"],
        ModelClient: [ModelClient, "models"],
        SettlementClient: [SettlementClient, "settlement"],
        StakingClient: [StakingClient, "staking"],
        RewardsClient: [RewardsClient, "rewards"],
        OfferingClient: [OfferingClient, "offeringFactory"],
      } as const;
      const [Client, contract] = of[name];
      const at = (w: World) => w.d[contract].getAddress();
      const entry = name === "OfferingClient" ? "./offering" : ".";
      const rows: Row[] = [
        {
          entry,
          subject: `${name}.connect`,
          case: "an address that is not one",
          call: (w) => Client.connect(NOT_AN_ADDRESS, w.d.payer),
          expect: InvalidInputError,
        },
        {
          entry,
          subject: `${name}.connect`,
          case: "a mixed-case address with a wrong checksum",
          call: (w) => Client.connect(BAD_CHECKSUM, w.d.payer),
          expect: InvalidInputError,
        },
        {
          entry,
          subject: `${name}.connect`,
          case: "the zero address",
          call: (w) => Client.connect(ZeroAddress, w.d.payer),
          expect: InvalidInputError,
          message: /no such contract/,
        },
        {
          entry,
          subject: `${name}.connect`,
          case: "a node on another chain, where nothing is deployed",
          call: async (w) => Client.connect(await at(w), w.otherChain),
          expect: InvalidInputError,
          message: /no such contract/,
        },
        {
          entry,
          subject: `${name}.connect`,
          case: "an unreachable node",
          call: async (w) => Client.connect(await at(w), w.closed),
          expect: RpcUnreachableError,
        },
        {
          entry,
          subject: `${name}.connect`,
          case: "a node answering garbage",
          call: async (w) => Client.connect(await at(w), w.garbage),
          expect: RpcResponseError,
        },
      ];
      return rows;
    })
    .flat(),
  {
    entry: ".",
    subject: "GovernanceClient.connect",
    case: "an address that is not one",
    call: (w) => GovernanceClient.connect(NOT_AN_ADDRESS, w.d.payer),
    expect: InvalidInputError,
  },
  {
    entry: ".",
    subject: "GovernanceClient.connect",
    case: "a mixed-case address with a wrong checksum",
    call: (w) => GovernanceClient.connect(BAD_CHECKSUM, w.d.payer),
    expect: InvalidInputError,
  },

  /* DatanetClient */
  ...chainRows("DatanetClient", [
    [
      "createDatanet",
      "a policy with a negative bond",
      (w) =>
        w.datanets.createDatanet({
          uri: "ipfs://x",
          policy: { ...POLICY, bond: -1n },
          validators: [w.d.payer.address],
        }),
    ],
    ["setPolicy", "a datanet id given as a string", (w) => w.datanets.setPolicy(asAny("one"), POLICY)],
    ["setValidators", "a validator with a wrong checksum", (w) => w.datanets.setValidators(1n, [BAD_CHECKSUM])],
    ["setModelAccess", "an account that is not an address", (w) => w.datanets.setModelAccess(1n, NOT_AN_ADDRESS, true)],
    ["policy", "a datanet id past uint256", (w) => w.datanets.policy(PAST_UINT256)],
    ["bondFor", "a NaN size", (w) => w.datanets.bondFor(1n, Number.NaN)],
    ["submit", "empty content", (w) => w.datanets.submit({ datanetId: 1n, content: new Uint8Array() })],
    ["vote", "a content hash that is not 32 bytes", (w) => w.datanets.vote(1n, "0x1234", true)],
    ["reclaimBond", "a negative datanet id", (w) => w.datanets.reclaimBond(-1n, ZeroHash)],
    ["withdrawBondCredit", "an amount past uint256", (w) => w.datanets.withdrawBondCredit(PAST_UINT256)],
    ["withdrawBondCredit", "the zero address as recipient", (w) => w.datanets.withdrawBondCredit(ONE, ZeroAddress)],
    ["bondCredit", "an account with a wrong checksum", (w) => w.datanets.bondCredit(BAD_CHECKSUM)],
    ["contribution", "a float id", (w) => w.datanets.contribution(asAny({ datanetId: 1.5, contentHash: ZeroHash }))],
    ["reputation", "an account that is not an address", (w) => w.datanets.reputation(1n, NOT_AN_ADDRESS)],
    ["publishVersion", "a datanet id given as a string", (w) => w.datanets.publishVersion(asAny("x"))],
    ["verifyVersion", "a negative version", (w) => w.datanets.verifyVersion(1n, -1)],
    ["connect", "a runner that is not one", (w) => w.datanets.connect(asAny(42)).bondCredit(w.d.payer.address)],
  ]),

  /* ModelClient */
  ...chainRows("ModelClient", [
    [
      "registerModel",
      "a negative price",
      (w) => w.models.registerModel({ uri: "ipfs://m", spec: SPEC, pricePerCall: -1n }),
    ],
    ["addModelVersion", "a model id past uint256", (w) => w.models.addModelVersion(PAST_UINT256, SPEC)],
    ["setPrice", "a price given as a string", (w) => w.models.setPrice(1n, asAny("ten"))],
    ["setRevenueRecipient", "a recipient with a wrong checksum", (w) => w.models.setRevenueRecipient(1n, BAD_CHECKSUM)],
    ["setModelURI", "a model id given as NaN", (w) => w.models.setModelURI(asAny(Number.NaN), "ipfs://m")],
    ["terms", "a negative model id", (w) => w.models.terms(-1n)],
    ["ownerOf", "a model that does not exist", (w) => w.models.ownerOf(999n)],
    ["versionCount", "a float model id", (w) => w.models.versionCount(asAny(1.5))],
    ["version", "a negative version", (w) => w.models.version(1n, -1)],
    ["versions", "a model id past uint256", (w) => w.models.versions(PAST_UINT256)],
    ["connect", "a runner that is not one", (w) => w.models.connect(asAny(42)).terms(1n)],
  ]),

  /* SettlementClient */
  ...chainRows("SettlementClient", [
    ["feeSplit", "an unreachable node", (w) => w.settlement.connect(w.closed).feeSplit()],
    ["treasury", "a node answering garbage", (w) => w.settlement.connect(w.garbage).treasury()],
    ["quote", "calls past uint256", (w) => w.settlement.quote(1n, PAST_UINT256)],
    [
      "settle",
      "zero calls",
      (w) => w.settlement.settle({ modelId: 1n, calls: 0n, logRoot: ethers.id("log"), logURI: "ipfs://log" }),
    ],
    [
      "settle",
      "calls given as a string",
      (w) => w.settlement.settle({ modelId: 1n, calls: asAny("5"), logRoot: ethers.id("log"), logURI: "ipfs://log" }),
    ],
    [
      "settle",
      "a zero log root",
      (w) => w.settlement.settle({ modelId: 1n, calls: 1n, logRoot: ZeroHash, logURI: "ipfs://log" }),
    ],
    ["ledger", "a negative epoch", (w) => w.settlement.ledger(-1n)],
    ["settlements", "a negative epoch", (w) => w.settlement.settlements(-1n)],
    [
      "settleLog",
      "an empty log",
      (w) => w.settlement.settleLog(asAny({ modelId: 1n, log: buildInferenceLog([]), logURI: "ipfs://x" })),
    ],
    ["epochSettlements", "a float epoch", (w) => w.settlement.epochSettlements(asAny(0.5), asAny(undefined))],
    ["verifyLedger", "an epoch past uint256", (w) => w.settlement.verifyLedger(PAST_UINT256)],
    ["currentEpoch", "an unreachable node", (w) => w.settlement.connect(w.closed).currentEpoch()],
    ["epochStart", "a negative epoch", (w) => w.settlement.epochStart(-1n)],
    ["epochLength", "a node on another chain", (w) => w.settlement.connect(w.otherChain).epochLength()],
    ["epochSchedule", "a node answering garbage", (w) => w.settlement.connect(w.garbage).epochSchedule()],
    ["connect", "a runner that is not one", (w) => w.settlement.connect(asAny(42)).treasury()],
  ]),

  /* StakingClient */
  ...chainRows("StakingClient", [
    ["stake", "a negative amount", (w) => w.staking.stake(-1n)],
    ["stake", "an amount given as a string", (w) => w.staking.stake(asAny("1000"))],
    ["stake", "a float amount", (w) => w.staking.stake(asAny(1.5))],
    ["stake", "an amount past uint256", (w) => w.staking.stake(PAST_UINT256)],
    ["requestUnstake", "more than staked", (w) => w.staking.requestUnstake(ONE)],
    ["requestUnstake", "a NaN amount", (w) => w.staking.requestUnstake(asAny(Number.NaN))],
    ["withdraw", "nothing requested", (w) => w.staking.withdraw()],
    ["claimRewards", "an unreachable node", (w) => w.staking.connect(w.closed).claimRewards()],
    ["position", "an account with a wrong checksum", (w) => w.staking.position(BAD_CHECKSUM)],
    ["earned", "an account that is not an address", (w) => w.staking.earned("alice")],
    ["totalStaked", "a node on another chain", (w) => w.staking.connect(w.otherChain).totalStaked()],
    ["cooldown", "an unreachable node", (w) => w.staking.connect(w.closed).cooldown()],
    ["maxCooldown", "a node answering garbage", (w) => w.staking.connect(w.garbage).maxCooldown()],
    ["stream", "a node on another chain", (w) => w.staking.connect(w.otherChain).stream()],
    ["principal", "an unreachable node", (w) => w.staking.connect(w.closed).principal()],
    ["outstandingRewards", "a node answering garbage", (w) => w.staking.connect(w.garbage).outstandingRewards()],
    ["excess", "a node on another chain", (w) => w.staking.connect(w.otherChain).excess()],
    ["rewardPerToken", "an unreachable node", (w) => w.staking.connect(w.closed).rewardPerToken()],
    ["undistributed", "a node answering garbage", (w) => w.staking.connect(w.garbage).undistributed()],
    ["connect", "a runner that is not one", (w) => w.staking.connect(asAny(42)).totalStaked()],
  ]),

  /* RewardsClient */
  ...chainRows("RewardsClient", [
    ["fund", "a negative amount", (w) => w.rewards.fund(-1n)],
    ["fund", "an amount past uint256", (w) => w.rewards.fund(PAST_UINT256)],
    [
      "proposeRoot",
      "a caller that is not the attestor",
      (w) => w.rewards.proposeRoot({ tree: w.tree, epoch: 1n, reportHash: ethers.id("r"), reportURI: "ipfs://r" }),
    ],
    [
      "proposeRoot",
      "a total past uint256",
      (w) =>
        w.rewards.proposeRoot({
          tree: { root: w.tree.root, total: PAST_UINT256 },
          epoch: 1n,
          reportHash: ethers.id("r"),
          reportURI: "ipfs://r",
        }),
    ],
    ["acceptRoot", "no pending root", (w) => w.rewards.acceptRoot()],
    ["revokePendingRoot", "a caller that is not the guardian", (w) => w.rewards.revokePendingRoot()],
    ["currentRoot", "an unreachable node", (w) => w.rewards.connect(w.closed).currentRoot()],
    ["pendingRoot", "a node answering garbage", (w) => w.rewards.connect(w.garbage).pendingRoot()],
    ["claimed", "an account with a wrong checksum", (w) => w.rewards.claimed(BAD_CHECKSUM)],
    ["assertCurrent", "a tree that is not the current root", (w) => w.rewards.assertCurrent(w.tree)],
    ["status", "an account that is not an address", (w) => w.rewards.status(w.tree, [NOT_AN_ADDRESS])],
    ["claim", "a tree that is not the current root", (w) => w.rewards.claim(w.tree, w.d.payer.address)],
    ["claimMany", "a batch size of zero", (w) => w.rewards.claimMany(w.tree, [w.d.payer.address], { batchSize: 0 })],
    [
      "claimMany",
      "a truncated proof",
      (w) =>
        w.rewards.claimMany(
          { root: w.tree.root, total: w.tree.total, amountOf: (a) => w.tree.amountOf(a), proof: () => [] },
          [ACCOUNT_A],
        ),
    ],
    ["connect", "a runner that is not one", (w) => w.rewards.connect(asAny(42)).claimed(ACCOUNT_A)],
  ]),

  /* GovernanceClient: here on the settlement contract, which is not a timelock */
  ...chainRows("GovernanceClient", [
    ["minDelay", "a contract that is not a timelock", (w) => w.governance.minDelay()],
    [
      "operationId",
      "a target that is not an address",
      (w) => w.governance.operationId({ target: NOT_AN_ADDRESS, data: "0x" }),
    ],
    ["operationState", "an operation id that is not 32 bytes", (w) => w.governance.operationState("0x12")],
    [
      "scheduleCall",
      "a value past uint256",
      (w) => w.governance.scheduleCall(asAny({ target: ACCOUNT_A, data: "0x", value: PAST_UINT256 })),
    ],
    [
      "executeCall",
      "calldata that is not hex",
      (w) => w.governance.executeCall({ target: ACCOUNT_A, data: "call me" }),
    ],
    ["connect", "a runner that is not one", (w) => w.governance.connect(asAny(42)).minDelay()],
  ]),

  /* OfferingClient */
  ...chainRows(
    "OfferingClient",
    [
      ["offering", "an address with a wrong checksum", (w) => w.offerings.offering(BAD_CHECKSUM)],
      ["offeringOf", "a model without an offering", (w) => w.offerings.offeringOf(1n)],
      [
        "launch",
        "a model id past uint256",
        (w) => w.offerings.launch(asAny({ modelId: PAST_UINT256, name: "S", symbol: "S", terms: {}, governance: {} })),
      ],
      ["launchContext", "a negative model id", (w) => w.offerings.launchContext(-1n, [])],
      ["buy", "an offering that is a wallet", (w) => w.offerings.buy(ACCOUNT_A, ONE)],
      ["buy", "a negative amount", (w) => w.offerings.buy(ACCOUNT_A, -1n)],
      ["finalize", "the zero address", (w) => w.offerings.finalize(ZeroAddress)],
      ["settle", "a buyer with a wrong checksum", (w) => w.offerings.settle(ACCOUNT_A, BAD_CHECKSUM)],
      [
        "claimContributorShares",
        "an offering that is not an address",
        (w) => w.offerings.claimContributorShares(NOT_AN_ADDRESS, ACCOUNT_A, w.tree),
      ],
      ["claimVested", "an offering that is a wallet", (w) => w.offerings.claimVested(ACCOUNT_A)],
      ["release", "a negative milestone", (w) => w.offerings.release(ACCOUNT_A, -1)],
      ["openEndVote", "a float milestone", (w) => w.offerings.openEndVote(ACCOUNT_A, 0.5)],
      ["castEndVote", "the zero address", (w) => w.offerings.castEndVote(ZeroAddress, true)],
      ["closeEndVote", "an offering that is not an address", (w) => w.offerings.closeEndVote(NOT_AN_ADDRESS)],
      ["redeem", "a buyer that is not an address", (w) => w.offerings.redeem(ACCOUNT_A, NOT_AN_ADDRESS)],
      ["sweepContributorShares", "an offering that is a wallet", (w) => w.offerings.sweepContributorShares(ACCOUNT_A)],
      ["delegate", "a delegatee with a wrong checksum", (w) => w.offerings.delegate(ACCOUNT_A, BAD_CHECKSUM)],
      ["claimRevenue", "shares that are a wallet", (w) => w.offerings.claimRevenue(ACCOUNT_A)],
      ["holders", "an account that is not an address", (w) => w.offerings.holders(ACCOUNT_A, [NOT_AN_ADDRESS])],
      ["buyers", "an offering that is a wallet", (w) => w.offerings.buyers(ACCOUNT_A, [ACCOUNT_A])],
      ["status", "an offering that is a wallet", (w) => w.offerings.status(ACCOUNT_A)],
      ["chainView", "an offering that is not an address", (w) => w.offerings.chainView(NOT_AN_ADDRESS)],
      ["connect", "a runner that is not one", (w) => w.offerings.connect(asAny(42)).offeringOf(1n)],
    ],
    "./offering",
  ),

  /* Reward trees and proofs */
  pure(".", "buildRewardTree", "no entries", () => buildRewardTree([]), EmptyRewardTreeError),
  pure(
    ".",
    "buildRewardTree",
    "an amount past uint256",
    () => buildRewardTree([{ account: ACCOUNT_A, amount: PAST_UINT256 }]),
    InvalidAmountError,
  ),
  pure(
    ".",
    "buildRewardTree",
    "an amount given as a string",
    () => buildRewardTree([{ account: ACCOUNT_A, amount: asAny("5") }]),
    InvalidAmountError,
  ),
  pure(
    ".",
    "buildRewardTree",
    "a negative amount",
    () => buildRewardTree([{ account: ACCOUNT_A, amount: -1n }]),
    InvalidAmountError,
  ),
  pure(
    ".",
    "buildRewardTree",
    "an account with a wrong checksum",
    () => buildRewardTree([{ account: BAD_CHECKSUM, amount: 1n }]),
    InvalidAccountError,
  ),
  pure(
    ".",
    "buildRewardTree",
    "the same account twice",
    () =>
      buildRewardTree([
        { account: ACCOUNT_A, amount: 1n },
        { account: ACCOUNT_A, amount: 2n },
      ]),
    InvalidInputError,
  ),
  pure(
    ".",
    "RewardTree.of",
    "an account that is not an address",
    () => RewardTree.of([{ account: NOT_AN_ADDRESS, amount: 1n }]),
    InvalidAccountError,
  ),
  pure(
    ".",
    "RewardTree.fromJSON",
    "a dump that is not one",
    () => RewardTree.fromJSON("not a dump"),
    MalformedTreeDumpError,
  ),
  pure(
    ".",
    "RewardTree.fromJSON",
    "a dump without its tree",
    (w) => RewardTree.fromJSON({ ...w.tree.toJSON(), tree: undefined }),
    MalformedTreeDumpError,
  ),
  pure(
    ".",
    "RewardTree.fromJSON",
    "a dump with an amount changed",
    (w) => {
      const dump = w.tree.toJSON();
      dump.values[0].value[1] = "999";
      return RewardTree.fromJSON(dump);
    },
    TreeDumpMismatchError,
  ),
  pure(
    ".",
    "RewardTree.fromJSON",
    "a dump with two nodes swapped",
    (w) => {
      const dump = w.tree.toJSON();
      [dump.tree[1], dump.tree[2]] = [dump.tree[2], dump.tree[1]];
      return RewardTree.fromJSON(dump);
    },
    TreeDumpMismatchError,
  ),
  pure(
    ".",
    "RewardTree.fromJSON",
    "a dump with a node too many",
    (w) => {
      const dump = w.tree.toJSON();
      dump.tree.push(ZeroHash);
      return RewardTree.fromJSON(dump);
    },
    TreeDumpMismatchError,
  ),
  pure(".", "RewardTree.proof", "an account not in the tree", (w) => w.tree.proof(ACCOUNT_C), UnknownAccountError),
  pure(
    ".",
    "RewardTree.proof",
    "an account that is not an address",
    (w) => w.tree.proof(NOT_AN_ADDRESS),
    UnknownAccountError,
  ),
  pure(
    ".",
    "RewardTree.amountOf",
    "an account with a wrong checksum",
    (w) => w.tree.amountOf(BAD_CHECKSUM),
    UnknownAccountError,
  ),
  pure(
    ".",
    "RewardTree.has",
    "an account that is not an address",
    (w) => w.tree.has(NOT_AN_ADDRESS),
    InvalidAccountError,
  ),
  pure(
    ".",
    "RewardTree.forEachProof",
    "a visitor that is not a function",
    (w) => w.tree.forEachProof(asAny(null)),
    InvalidInputError,
  ),
  pure(".", "allocate", "a negative pool", () => main.allocate(-1n, new Map([[ACCOUNT_A, 1]])), InvalidInputError),
  pure(
    ".",
    "allocate",
    "a NaN weight",
    () => main.allocate(ONE, new Map([[ACCOUNT_A, Number.NaN]])),
    InvalidInputError,
  ),
  pure(
    ".",
    "allocateByAmounts",
    "a negative weight",
    () => main.allocateByAmounts(ONE, new Map([[ACCOUNT_A, -1n]])),
    InvalidInputError,
  ),

  /* Epoch reports */
  pure(
    ".",
    "readEpochReport",
    "a report that is not JSON",
    () => readEpochReport("{ not json"),
    MalformedEpochReportError,
  ),
  pure(".", "readEpochReport", "an empty file", () => readEpochReport(""), MalformedEpochReportError),
  pure(
    ".",
    "readEpochReport",
    "a report with a field missing",
    (w) => {
      const json = JSON.parse(serializeEpochReport(w.report)) as Record<string, unknown>;
      delete json.accounts;
      return readEpochReport(json);
    },
    MalformedEpochReportError,
  ),
  pure(
    ".",
    "readEpochReport",
    "a report with a field it does not have",
    (w) => {
      const json = JSON.parse(serializeEpochReport(w.report)) as { pot: string };
      json.pot = "1";
      return readEpochReport(json);
    },
    MalformedEpochReportError,
  ),
  pure(
    ".",
    "verifyEpochReport",
    "a report with an account's amount changed",
    (w) => {
      const json = JSON.parse(serializeEpochReport(w.report)) as { accounts: { amount: string }[] };
      json.accounts[0].amount = "1";
      return verifyEpochReport(json, w.input);
    },
    IntegrityError,
  ),
  pure(
    ".",
    "verifyEpochReport",
    "a report that is not one",
    (w) => verifyEpochReport("garbage", w.input),
    MalformedEpochReportError,
  ),
  pure(
    ".",
    "serializeEpochReport",
    "a report that is not one",
    () => serializeEpochReport(asAny({ format: "nope" })),
    MalformedEpochReportError,
  ),
  pure(
    ".",
    "writeEpochReport",
    "a report that is not one",
    () => main.writeEpochReport(asAny(null), () => undefined),
    MalformedEpochReportError,
  ),
  pure(".", "epochReportHash", "a report without a hash", () => main.epochReportHash({}), MalformedEpochReportError),
  pure(
    ".",
    "epochRewardTree",
    "a cumulative amount that is not a number",
    () => main.epochRewardTree({ accounts: [{ account: ACCOUNT_A, cumulative: "lots" }] }),
    InvalidInputError,
  ),
  pure(
    ".",
    "attributeEpoch",
    "an input that is not one",
    () => attributeEpoch(asAny({ epoch: "one" })),
    InvalidInputError,
  ),
  pure(".", "validationSetHash", "a set that is not one", () => main.validationSetHash(asAny(null)), InvalidInputError),

  /* Inference logs */
  pure(".", "readInferenceLog", "a log that is not JSON", () => main.readInferenceLog("{"), MalformedInferenceLogError),
  pure(".", "readInferenceLog", "an empty file", () => main.readInferenceLog(""), MalformedInferenceLogError),
  pure(
    ".",
    "readInferenceLog",
    "a log with a record's calls changed",
    (w) => {
      const log = JSON.parse(w.input.settlements[0].log as string) as { records: { calls: string }[] };
      log.records[0].calls = "7";
      return main.readInferenceLog(log, { logRoot: w.input.settlements[0].logRoot });
    },
    IntegrityError,
  ),
  pure(
    ".",
    "InferenceLog.read",
    "a log with a field missing",
    (w) => {
      const log = JSON.parse(w.input.settlements[0].log as string) as Record<string, unknown>;
      delete log.records;
      return main.InferenceLog.read(log);
    },
    MalformedInferenceLogError,
  ),
  pure(
    ".",
    "buildInferenceLog",
    "calls given as a negative number",
    () => buildInferenceLog([{ ...RECORD, calls: -1n }]),
    InvalidInputError,
  ),
  pure(".", "InferenceLog.of", "the same id twice", () => main.InferenceLog.of([RECORD, RECORD]), InvalidInputError),
  pure(
    ".",
    "InferenceLog.record",
    "an id not in the log",
    () => main.InferenceLog.of([RECORD]).record("nope"),
    InvalidInputError,
  ),
  pure(
    ".",
    "InferenceLog.proof",
    "an id not in the log",
    () => main.InferenceLog.of([RECORD]).proof("nope"),
    InvalidInputError,
  ),
  pure(
    ".",
    "verifyInferenceRecord",
    "a root that is not 32 bytes",
    () => main.verifyInferenceRecord("0x12", RECORD, []),
    InvalidInputError,
  ),
  pure(
    ".",
    "verifyInferenceLeaf",
    "a proof element that is not 32 bytes",
    () => main.verifyInferenceLeaf(ZeroHash, main.inferenceRecordValues(RECORD), ["0x12"]),
    InvalidInputError,
  ),
  pure(
    ".",
    "inferenceRecordLeaf",
    "calls past uint256",
    () => main.inferenceRecordLeaf({ ...RECORD, calls: PAST_UINT256 }),
    InvalidInputError,
  ),
  pure(
    ".",
    "inferenceRecordValues",
    "a model id given as a string",
    () => main.inferenceRecordValues({ ...RECORD, modelId: asAny("1") }),
    InvalidInputError,
  ),
  pure(
    ".",
    "inferenceLeaf",
    "a query hash that is not 32 bytes",
    () => {
      const values = main.inferenceRecordValues(RECORD);
      values[4] = "0x12";
      return main.inferenceLeaf(values);
    },
    InvalidInputError,
  ),
  pure(
    ".",
    "inferenceOutputHash",
    "an output of no known kind",
    () => main.inferenceOutputHash(asAny({ kind: "video" })),
    InvalidInputError,
  ),

  /* Content */
  pure(
    ".",
    "contentHashFromCid",
    "a CID that is not one",
    () => main.contentHashFromCid("not-a-cid"),
    InvalidInputError,
  ),
  pure(
    ".",
    "cidFromContentHash",
    "a hash that is not 32 bytes",
    () => main.cidFromContentHash("0x12"),
    InvalidInputError,
  ),
  pure(".", "cidOfUri", "a URI of another scheme", () => main.cidOfUri("https://example.com/x"), InvalidInputError),
  pure(".", "contentUri", "a CID that is not one", () => main.contentUri("zzz"), InvalidInputError),
  pure(".", "sha256Hex", "content that is a number", () => main.sha256Hex(asAny(42)), InvalidInputError),
  pure(".", "contentId", "content that is a number", () => main.contentId(asAny(42)), InvalidInputError),
  pure(
    ".",
    "checkStoredContent",
    "bytes that are not the CID's",
    () => main.checkStoredContent(main.contentId("a").cid, new TextEncoder().encode("b")),
    IntegrityError,
  ),
  pure(".", "storedContentOf", "content that is null", () => main.storedContentOf(asAny(null)), InvalidInputError),
  pure(
    ".",
    "MemoryContentStore.put",
    "content that is a number",
    () => new main.MemoryContentStore().put(asAny(42)),
    InvalidInputError,
  ),
  pure(
    ".",
    "MemoryContentStore.get",
    "a URI that is not one",
    () => new main.MemoryContentStore().get("https://x"),
    InvalidInputError,
  ),

  /* Datanet maths */
  pure(
    ".",
    "commitmentOf",
    "a contributor with a wrong checksum",
    () => main.commitmentOf(BAD_CHECKSUM, 1n, ZeroHash, ZeroHash),
    InvalidInputError,
  ),
  pure(
    ".",
    "contributionIdOf",
    "a datanet id past uint256",
    () => main.contributionIdOf(PAST_UINT256, ZeroHash),
    InvalidInputError,
  ),
  pure(
    ".",
    "foldDigest",
    "a previous digest that is not 32 bytes",
    () => main.foldDigest("0x12", 1n, ZeroHash),
    InvalidInputError,
  ),
  pure(
    ".",
    "digestOf",
    "an acceptance with a negative id",
    () => main.digestOf([{ contributionId: -1n, contentHash: ZeroHash }] as never),
    InvalidInputError,
  ),
  pure(".", "surgeLevel", "a negative budget", () => main.surgeLevel(1n, -1n), InvalidInputError),
  pure(
    ".",
    "surgeBond",
    "a size given as a string",
    () => main.surgeBond(asAny(POLICY), 0n, asAny("big")),
    InvalidInputError,
  ),
  pure(
    ".",
    "toPolicyTuple",
    "a bond past uint256",
    () => main.toPolicyTuple({ ...POLICY, bond: PAST_UINT256 }),
    InvalidInputError,
  ),
  pure(".", "fromPolicyTuple", "a tuple that is not one", () => main.fromPolicyTuple(asAny(null)), InvalidInputError),

  /* Settlement maths */
  pure(
    ".",
    "splitFee",
    "a split that does not sum to 10000",
    () => main.splitFee(ONE, { contributors: 1, stakers: 1, treasury: 1, model: 1 } as never),
    InvalidFeeSplitError,
  ),
  pure(
    ".",
    "splitFee",
    "a negative fee",
    () => main.splitFee(-1n, { model: 7000, contributors: 2000, stakers: 500, treasury: 500 } as never),
    InvalidInputError,
  ),
  pure(
    ".",
    "assertFeeSplit",
    "a NaN part",
    () => main.assertFeeSplit(asAny({ model: Number.NaN })),
    InvalidFeeSplitError,
  ),
  pure(
    ".",
    "scheduleOf",
    "segments out of order",
    () =>
      main.scheduleOf([
        { fromEpoch: 5n, start: 100n, length: 10n } as never,
        { fromEpoch: 1n, start: 0n, length: 10n } as never,
      ]),
    InvalidInputError,
  ),
  pure(".", "epochAt", "an empty schedule", () => main.epochAt([], 0n), InvalidInputError),
  pure(
    ".",
    "epochStart",
    "a negative epoch",
    () => main.epochStart([{ fromEpoch: 0n, start: 0n, length: 10n } as never], -1n),
    InvalidInputError,
  ),
  pure(
    ".",
    "foldLogDigest",
    "a previous digest that is not 32 bytes",
    () => main.foldLogDigest("0x1", asAny({})),
    InvalidInputError,
  ),
  pure(".", "ledgerOf", "a settlement that is not one", () => main.ledgerOf([asAny(null)]), InvalidInputError),
  pure(
    ".",
    "timelockOperationId",
    "a target that is the zero address with garbage data",
    () => main.timelockOperationId({ target: ZeroAddress, data: "not hex" }),
    InvalidInputError,
  ),
  pure(
    ".",
    "resolveTimelockCall",
    "a salt that is not 32 bytes",
    () => main.resolveTimelockCall({ target: ACCOUNT_A, data: "0x", salt: "0x12" } as never),
    InvalidInputError,
  ),

  /* Models and offerings */
  pure(".", "readModelCard", "a card that is not JSON", () => main.readModelCard("{"), MalformedModelCardError),
  pure(
    ".",
    "serializeModelCard",
    "a card that is not one",
    () => main.serializeModelCard(asAny({})),
    MalformedModelCardError,
  ),
  pure(".", "readProspectus", "a prospectus that is not one", () => main.readProspectus({}), MalformedProspectusError),
  pure(".", "readProspectus", "an empty file", () => main.readProspectus(""), MalformedProspectusError),
  pure(".", "pricePerShare", "a zero sale", () => main.pricePerShare(ONE, 0n), InvalidInputError),
  pure(".", "vestedAt", "a NaN time", () => main.vestedAt(Number.NaN, 0, 0, 10, ONE), InvalidInputError),
  pure(
    ".",
    "redemptionOf",
    "a negative deposit",
    () => main.redemptionOf({ start: 0n, amount: asAny(-1) }, ONE, ONE),
    InvalidInputError,
  ),
  pure(".", "totalSupplyOf", "terms that are not terms", () => main.totalSupplyOf(asAny(null)), InvalidInputError),

  /* Reputation */
  pure(".", "wilsonLowerBound", "more successes than trials", () => main.wilsonLowerBound(5, 2), InvalidInputError),
  pure(".", "wilsonLowerBound", "NaN trials", () => main.wilsonLowerBound(0, Number.NaN), InvalidInputError),
  pure(
    ".",
    "rankContributors",
    "negative counts",
    () => main.rankContributors([{ contributor: ACCOUNT_A, accepted: -1, rejected: 0 } as never]),
    InvalidInputError,
  ),
  pure(".", "fleissKappa", "rows of different sizes", () => main.fleissKappa([[1, 2], [3]]), InvalidInputError),

  /* The main entry's follow-up (issue 24) */
  ...mainEntryFollowUpRows(),

  /* ./node */
  pure(
    "./node",
    "readDeployment",
    "a file that does not exist",
    (w) => node.readDeployment(join(w.dir, "missing.json")),
    DeploymentFileError,
  ),
  pure("./node", "readDeployment", "an empty file", (w) => node.readDeployment(w.emptyFile), DeploymentFileError),
  pure("./node", "readDeployment", "a 50 MB file", (w) => node.readDeployment(w.hugeFile), DeploymentFileError),
  pure(
    "./node",
    "parseDeployment",
    "a file with its chain id changed to a string",
    () => node.parseDeployment({ format: "open-protocol-deployment-v1", chainId: "one" }, "x.json"),
    DeploymentFileError,
  ),

  /* ./ml */
  pure("./ml", "readModelFile", "a file that is not JSON", () => ml.readModelFile("{"), MalformedModelFileError),
  pure("./ml", "readModelFile", "an empty file", () => ml.readModelFile(""), MalformedModelFileError),
  pure("./ml", "parseLabelled", "a mail with no label", () => ml.parseLabelled("hello"), MalformedLabelledMailError),

  /* ./report */
  pure(
    "./report",
    "formatOpen",
    "an amount that is not one",
    () => report.formatOpen(asAny("lots")),
    InvalidInputError,
  ),
  ...entryRows(),
];

/**
 * The main entry's exports that issue 24's first sweep left out: maths of attribution and valuation, spans, content
 * fetched from a store or a gateway, offering maths and prospectuses, and the Datanet indexer over a chain. Rows of
 * the same subject try several bad inputs; those that read a node or a gateway try an unreachable or lying one.
 */
function mainEntryFollowUpRows(): Row[] {
  const rows = (subject: string, cases: [title: string, call: (w: World) => unknown, expected?: TypedError][]) =>
    cases.map(([title, call, expected]) => pure(".", subject, title, call, expected ?? InvalidInputError));
  const X = () => [
    [1, 0],
    [0, 1],
    [1, 1],
    [0, 0],
  ];
  const y = [1, 0, 1, 0];
  const model = () => main.trainLogistic(X(), y);
  const influenceOf = () => main.prepareInfluence(model(), X(), y);
  const spans = () => main.buildSpanIndex([{ id: "a", text: "the quick brown fox jumps over the lazy dog" }]);
  const store = () => new main.MemoryContentStore();
  const gateway = (w: World) => new main.GatewayContentStore(w.closedGateway, { timeoutMs: 2_000 });
  const CID = () => main.contentId("hello").cid;
  const indexer = (w: World, provider = w.node.provider) =>
    new main.DatanetIndexer(provider, w.datanetsAddress, { blockRange: 1_000 });
  const TERMS = { softCap: ONE, hardCap: 2n * ONE, sale: ONE };
  const vec = (indices: number[], values: number[]) => ({
    indices: Int32Array.from(indices),
    values: Float64Array.from(values),
  });
  return [
    ...rows("checkSparseMatrix", [
      ["a matrix that is null", () => main.checkSparseMatrix(asAny(null))],
      ["plain arrays instead of typed ones", () => main.checkSparseMatrix(asAny({ rows: 1, cols: 1, indptr: [0, 0] }))],
    ]),
    ...rows("sparseMatrix", [
      ["vectors that are not a list", () => main.sparseMatrix(asAny(null), 2)],
      ["a NaN column count", () => main.sparseMatrix([vec([0], [1])], Number.NaN)],
      ["indices in the wrong order", () => main.sparseMatrix([vec([1, 0], [1, 1])], 2)],
      ["more indices than values", () => main.sparseMatrix([vec([0, 1], [1])], 2)],
    ]),
    ...rows("trainLogistic", [
      ["labels that are not 0 or 1", () => main.trainLogistic(X(), [2, 0, 1, 0])],
      ["fewer labels than rows", () => main.trainLogistic(X(), [1, 0])],
      ["a NaN feature", () => main.trainLogistic([[Number.NaN], [1]], [1, 0])],
      ["a negative l2", () => main.trainLogistic(X(), y, { l2: -1 })],
      ["no rows", () => main.trainLogistic([], [])],
    ]),
    ...rows("influence", [
      ["a test point of the wrong size", () => main.influence(model(), X(), y, [1, 2, 3], 1)],
      ["a test label that is not 0 or 1", () => main.influence(model(), X(), y, [1, 0], asAny(7))],
    ]),
    ...rows("prepareInfluence", [
      ["a model of another size", () => main.prepareInfluence({ ...model(), weights: [1] } as never, X(), y)],
      ["a matrix that is null", () => main.prepareInfluence(model(), asAny(null), y)],
    ]),
    ...rows("LogisticInfluence.scores", [
      ["a test point with a NaN", () => influenceOf().scores([Number.NaN, 0], 1)],
      ["a test point of the wrong size", () => influenceOf().scores([1], 1)],
    ]),
    ...rows("LogisticInfluence.meanScores", [
      ["labels of another length", () => influenceOf().meanScores(X(), [1])],
      ["an empty validation set", () => influenceOf().meanScores([], [])],
    ]),
    ...rows("LogisticInfluence.trainingLosses", [
      ["an influence over a tampered model", () => main.prepareInfluence(asAny({}), X(), y).trainingLosses()],
    ]),
    ...rows("logisticDataValues", [
      ["a validation set that is null", () => main.logisticDataValues(model(), X(), y, asAny(null))],
      ["validation labels of another length", () => main.logisticDataValues(model(), X(), y, { X: X(), y: [1] })],
    ]),
    ...rows("detectHarmful", [
      ["values that are null", () => main.detectHarmful(asAny({ value: null }))],
      ["a NaN value", () => main.detectHarmful({ value: [1, Number.NaN] })],
    ]),
    ...rows("knnShapley", [
      ["k of zero", () => main.knnShapley(X(), y, [1, 0], 1, 0)],
      ["a test point of the wrong size", () => main.knnShapley(X(), y, [1], 1, 1)],
      ["a NaN k", () => main.knnShapley(X(), y, [1, 0], 1, Number.NaN)],
    ]),
    ...rows("forEachWord", [
      ["a text that is a number", () => main.forEachWord(asAny(42), () => undefined)],
      ["a visitor that is not a function", () => main.forEachWord("a b", asAny(null))],
    ]),
    ...rows("tokenizeWords", [["a text that is null", () => main.tokenizeWords(asAny(null))]]),
    ...rows("encodeDocuments", [
      ["documents that are not a list", () => main.encodeDocuments(asAny("text"))],
      ["a document that is a number", () => main.encodeDocuments(asAny([42]))],
    ]),
    ...rows("buildSuffixArray", [
      ["a token past the alphabet", () => main.buildSuffixArray(new Int32Array([5, 1]), 2)],
      ["tokens in a plain array", () => main.buildSuffixArray(asAny([1, 2]), 3)],
      ["a negative alphabet size", () => main.buildSuffixArray(new Int32Array([0]), -1)],
    ]),
    ...rows("findSuffixRange", [
      ["a suffix array of another length", () => main.findSuffixRange(new Int32Array([1, 2]), new Int32Array(1), [1])],
      ["a pattern range past its end", () => main.findSuffixRange(new Int32Array([1]), new Int32Array([0]), [1], 0, 5)],
    ]),
    ...rows("buildSpanIndex", [
      ["a document whose text is a number", () => main.buildSpanIndex(asAny([{ id: "a", text: 42 }]))],
      [
        "the same id twice",
        () =>
          main.buildSpanIndex([
            { id: "a", text: "x y" },
            { id: "a", text: "z w" },
          ]),
      ],
      ["a NaN minimum span", () => main.buildSpanIndex([{ id: "a", text: "x" }], { minTokens: Number.NaN })],
    ]),
    ...rows("SpanIndex.of", [["documents that are not a list", () => main.SpanIndex.of(asAny(null))]]),
    ...rows("SpanIndex.attribute", [["a text that is a number", () => spans().attribute(asAny(42))]]),
    ...rows("SpanIndex.attributeSpans", [["a text that is null", () => spans().attributeSpans(asAny(null))]]),
    ...rows("clusterContributions", [
      ["contributions that are not a list", () => main.clusterContributions(asAny(null))],
      ["a contribution without text", () => main.clusterContributions(asAny([{ id: "a" }]))],
      ["a NaN threshold", () => main.clusterContributions([], { threshold: Number.NaN })],
    ]),
    ...rows("hashedFeatures", [
      ["a text that is a number", () => main.hashedFeatures(asAny(42))],
      ["a dimension that is not a power of two", () => main.hashedFeatures("a", { dimension: 3 })],
    ]),
    ...rows("denseOf", [
      ["a vector that is null", () => main.denseOf(asAny(null), 4)],
      ["a negative dimension", () => main.denseOf(vec([0], [1]), -1)],
      ["an index past the dimension", () => main.denseOf(vec([9], [1]), 4)],
    ]),
    ...rows("GatewayContentStore.urlOf", [
      ["a URI that is not a CID", (w) => gateway(w).urlOf("not a cid")],
      ["a URI of another scheme", (w) => gateway(w).urlOf("https://example.com/x")],
    ]),
    ...rows("GatewayContentStore.put", [
      ["content that is a number", (w) => gateway(w).put(asAny(42))],
      ["a gateway, which is read-only", (w) => gateway(w).put("hello"), main.ContentStoreReadOnlyError],
    ]),
    ...rows("GatewayContentStore.get", [
      ["a CID that is not one", (w) => gateway(w).get("zzz")],
      ["an unreachable gateway", (w) => gateway(w).get(CID()), main.ContentUnavailableError],
    ]),
    ...rows("fetchContribution", [
      [
        "a content hash that is not 32 bytes",
        () => main.fetchContribution(store(), { id: "1", uri: "x", contentHash: "0x12" }),
      ],
      [
        "content that is not in the store",
        () => main.fetchContribution(store(), { id: "1", uri: "x", contentHash: ZeroHash }),
        main.ContentUnavailableError,
      ],
      [
        "an unreachable gateway",
        (w) => main.fetchContribution(gateway(w), { id: "1", uri: "x", contentHash: ZeroHash }),
        main.ContentUnavailableError,
      ],
    ]),
    ...rows("fetchContent", [
      [
        "a URI of another scheme",
        () => main.fetchContent(store(), "https://example.com/x", "item"),
        main.ContentUnavailableError,
      ],
      ["a CID the store does not have", () => main.fetchContent(store(), CID(), "item"), main.ContentUnavailableError],
      [
        "a store that answers other bytes",
        () => main.fetchContent({ ...store(), get: async () => new Uint8Array([1]) } as never, CID(), "item"),
        IntegrityError,
      ],
    ]),
    ...rows("fetchSettlementLog", [
      [
        "a log URI that is not one",
        () => main.fetchSettlementLog(store(), { id: "s", logURI: "nope" }),
        main.ContentUnavailableError,
      ],
      ["a settlement that is null", () => main.fetchSettlementLog(store(), asAny(null))],
    ]),
    ...rows("fetchSettlementLogs", [
      ["a fetcher that is not a function", (w) => main.fetchSettlementLogs(w.input, asAny("fetch"))],
    ]),
    ...rows("readPublishedReport", [
      [
        "a root whose report is not in the store",
        (w) => main.readPublishedReport(store(), { ...PUBLISHED(w), reportURI: `ipfs://${CID()}` }),
        main.PublishedReportError,
      ],
      ["a root that is null", () => main.readPublishedReport(store(), asAny(null))],
      [
        "a report whose hash is not the root's",
        async (w) => {
          const s = store();
          const { uri } = await s.put(serializeEpochReport(w.report));
          return main.readPublishedReport(s, { ...PUBLISHED(w), reportURI: uri, reportHash: ZeroHash });
        },
        IntegrityError,
      ],
    ]),
    ...rows("verifyModelProvenance", [
      ["a model id past uint256", (w) => main.verifyModelProvenance(w.models, asAny({ modelId: PAST_UINT256 }))],
      [
        "an unreachable node",
        (w) => main.verifyModelProvenance(w.models.connect(w.closed), asAny({ modelId: 1n })),
        RpcUnreachableError,
      ],
    ]),
    ...rows("saleFills", [
      [
        "a deposit given as a string",
        () => main.saleFills([{ buyer: ACCOUNT_A, start: 0n, amount: asAny("1") }], TERMS),
      ],
      ["deposits out of order", () => main.saleFills([{ buyer: ACCOUNT_A, start: 5n, amount: ONE }], TERMS)],
      ["a soft cap past the hard cap", () => main.saleFills([], { ...TERMS, softCap: 3n * ONE })],
      ["terms that are null", () => main.saleFills([], asAny(null))],
    ]),
    ...rows("trancheAmounts", [
      ["tranches that sum past 10000", () => main.trancheAmounts(ONE, 5_000, [{ trancheBps: 6_000 }])],
      ["a net raise given as a number", () => main.trancheAmounts(asAny(5), 10_000, [])],
      ["a NaN upfront part", () => main.trancheAmounts(ONE, Number.NaN, [])],
    ]),
    ...rows("fakingCost", [
      ["a threshold given as a string", () => main.fakingCost("SettledCalls", asAny("5"), 1n, 7_000)],
      ["a model part past 10000", () => main.fakingCost("SettledFees", ONE, 1n, 10_001)],
      ["a milestone of no known kind", () => main.fakingCost(asAny("Bribes"), ONE, 1n, 7_000)],
    ]),
    ...rows("contributorShareTree", [
      ["an input that is null", () => main.contributorShareTree(asAny(null))],
      [
        "reports that credit nobody and no fallback",
        () => main.contributorShareTree({ reports: [], modelId: 1n, sharesForContributors: ONE }),
      ],
      [
        "a negative share count",
        (w) => main.contributorShareTree({ reports: [w.report], modelId: 1n, sharesForContributors: -1n }),
      ],
    ]),
    ...rows("buildProspectus", [
      ["an input that is null", () => main.buildProspectus(asAny(null))],
      [
        "terms without a contributors root",
        () => main.buildProspectus(asAny({ terms: {}, contributors: { root: ZeroHash } })),
      ],
    ]),
    ...rows("serializeProspectus", [["a prospectus that is not one", () => main.serializeProspectus(asAny({}))]]),
    ...rows("prospectusHash", [["a prospectus that is null", () => main.prospectusHash(asAny(null))]]),
    ...rows("verifyProspectus", [
      ["a prospectus that is not one", () => main.verifyProspectus(asAny({}), asAny({}))],
      ["a chain view that is null", () => main.verifyProspectus(asAny(null), asAny(null))],
    ]),
    ...rows("verifyContributorShares", [
      ["a prospectus that is not one", () => main.verifyContributorShares(asAny({}), asAny({ reports: [] }))],
    ]),
    ...rows("validateOfferingTerms", [
      ["terms that are null", () => main.validateOfferingTerms(asAny(null), asAny({}), asAny({}))],
      ["terms without milestones", () => main.validateOfferingTerms(asAny({ split: {} }), asAny({}), asAny({}))],
    ]),
    ...rows("newIndexedDatanet", [
      ["a negative id", () => main.newIndexedDatanet(-1n, ACCOUNT_A, "ipfs://x")],
      ["an owner that is not an address", () => main.newIndexedDatanet(1n, NOT_AN_ADDRESS, "ipfs://x")],
      ["a URI that is a number", () => main.newIndexedDatanet(1n, ACCOUNT_A, asAny(42))],
    ]),
    ...rows("DatanetIndexer.sync", [
      ["an unreachable node", (w) => indexer(w, w.closed).sync(), RpcUnreachableError],
      ["a node answering garbage", (w) => indexer(w, w.garbage).sync(), RpcResponseError],
      ["a NaN block", (w) => indexer(w).sync(Number.NaN)],
      ["a registry that is not an address", (w) => new main.DatanetIndexer(w.node.provider, NOT_AN_ADDRESS).sync()],
    ]),
    ...rows("DatanetIndexer.datanet", [
      ["a Datanet it has not seen", (w) => indexer(w).datanet(999n)],
      ["an id given as a string", (w) => indexer(w).datanet(asAny("1"))],
    ]),
    ...rows("DatanetIndexer.reputation", [["a negative id", (w) => indexer(w).reputation(-1n)]]),
    ...rows("DatanetIndexer.latest", [
      ["a content hash that is not 32 bytes", (w) => indexer(w).latest(1n, "0x12")],
      ["an id past uint256", (w) => indexer(w).latest(PAST_UINT256, ZeroHash)],
    ]),
    ...rows("DatanetIndexer.contributionsOf", [["an id given as NaN", (w) => indexer(w).contributionsOf(asAny(NaN))]]),
  ];
}

/** A root whose published report is the world's. */
const PUBLISHED = (w: World) => ({
  epoch: BigInt(w.report.epoch),
  root: w.report.tree.root,
  total: BigInt(w.report.tree.total),
  reportHash: w.report.reportHash,
  reportURI: "",
});

const POLICY = sdkPolicy();

const SPEC: ModelSpec = {
  baseModel: "base",
  adapterKind: "LoRA",
  adapterHash: ethers.id("adapter"),
  trainingConfigHash: ethers.id("config"),
  trainedOn: [{ datanetId: 1n, version: 1 }],
};

const ACCOUNT_A = address("a1");
const ACCOUNT_B = address("b2");
const ACCOUNT_C = address("c3");

const RECORD = {
  id: "r1",
  modelId: 1n,
  modelVersion: 1,
  calls: 1n,
  queryHash: ethers.id("q"),
  output: { kind: "text" as const, text: "hello" },
};

/** Rows of a chain client's methods, sent from the payer: nothing may move. */
function chainRows(
  client: string,
  rows: [method: string, title: string, call: (w: World) => unknown][],
  entry = ".",
): Row[] {
  return rows.map(([method, title, call]) => ({
    entry,
    subject: `${client}.${method}`,
    case: title,
    call,
    expect: ProtocolError,
    chain: true,
  }));
}

/** A row of a function without the chain. */
function pure(
  entry: string,
  subject: string,
  title: string,
  call: (w: World) => unknown,
  expected: Row["expect"],
): Row {
  return { entry, subject, case: title, call, expect: expected };
}

/**
 * Exports without rows, each with why: what takes no input that can be bad (constants, constructors of values
 * checked where used), or what is swept elsewhere.
 */
const NOT_SWEPT: Record<string, string> = {
  ". findRevertData": "maps an error to a typed one and never throws (test/sdk/errors.test.ts)",
  ". decodeRevert": "maps an error to a typed one and never throws (test/sdk/errors.test.ts)",
  ". toSdkError": "maps an error to a typed one and never throws (test/sdk/errors.test.ts)",
  ". withDecodedErrors": "runs a callback and types what it throws: every client row goes through it",
  ". randomSalt": "takes no input",
  ". DatanetIndexer.apply": "a private helper (TypeScript private), reached only through the swept public methods",
  ". DatanetIndexer.contribution":
    "a private helper (TypeScript private), reached only through the swept public methods",
  ". DatanetIndexer.statsOf": "a private helper (TypeScript private), reached only through the swept public methods",
  ". DatanetIndexer.addCredit": "a private helper (TypeScript private), reached only through the swept public methods",
  ". DatanetClient.signerAddress":
    "a private helper (TypeScript private), reached only through the swept public methods",
  ". DatanetClient.send": "a private helper (TypeScript private), reached only through the swept public methods",
  ". DatanetClient.expireIfStale":
    "a private helper (TypeScript private), reached only through the swept public methods",
  ". DatanetClient.ensureBondAllowance":
    "a private helper (TypeScript private), reached only through the swept public methods",
  ". RewardsClient.send": "a private helper (TypeScript private), reached only through the swept public methods",
  ". StakingClient.send": "a private helper (TypeScript private), reached only through the swept public methods",
  ". RewardTree.toJSON": "takes no input: a tree or log that exists was checked when built",
  ". RewardTree.indexOfAccount": "a private helper (TypeScript private), reached only through the swept public methods",
  ". RewardTree.proofAt": "a private helper (TypeScript private), reached only through the swept public methods",
  ". RewardTree.nodeHex": "a private helper (TypeScript private), reached only through the swept public methods",
  ". RewardTree.checkAgainst": "a private helper (TypeScript private), reached only through the swept public methods",
  ". ModelClient.send": "a private helper (TypeScript private), reached only through the swept public methods",
  ". GovernanceClient.send": "a private helper (TypeScript private), reached only through the swept public methods",
  ". GovernanceClient.idOf": "a private helper (TypeScript private), reached only through the swept public methods",
  ". SettlementClient.send": "a private helper (TypeScript private), reached only through the swept public methods",
  ". LogisticInfluence.newtonStepTerms":
    "a private helper (TypeScript private), reached only through the swept public methods",
  ". SpanIndex.maximalMatches": "a private helper (TypeScript private), reached only through the swept public methods",
  ". SpanIndex.clustersIn": "a private helper (TypeScript private), reached only through the swept public methods",
  ". SpanIndex.documentAt": "a private helper (TypeScript private), reached only through the swept public methods",
  ". InferenceLog.toJSON": "takes no input: a tree or log that exists was checked when built",
  ". InferenceLog.serialize": "takes no input: a tree or log that exists was checked when built",
  ". InferenceLog.contentId": "takes no input: a tree or log that exists was checked when built",
  ". InferenceLog.indexOf": "a private helper (TypeScript private), reached only through the swept public methods",
  ". InferenceLog.nodeHex": "a private helper (TypeScript private), reached only through the swept public methods",
  ". GatewayContentStore.request":
    "a private helper (TypeScript private), reached only through the swept public methods",
  "./node buildRewardTree": "the main entry's buildRewardTree with a helper thread: same checks, swept there",
  "./node TreeHelperThread.wants":
    "a private helper (TypeScript private), reached only through the swept public methods",
  "./node TreeHelperThread.post":
    "a private helper (TypeScript private), reached only through the swept public methods",
  "./node TreeHelperThread.ready":
    "a private helper (TypeScript private), reached only through the swept public methods",
  "./node TreeHelperThread.close":
    "the helper thread's plumbing, driven by buildRewardTree (swept) with no input of its own",
  "./node TreeHelperThread.start":
    "a private helper (TypeScript private), reached only through the swept public methods",
  "./node TreeHelperThread.fail":
    "a private helper (TypeScript private), reached only through the swept public methods",
  "./node treeHelper": "the helper thread's plumbing, driven by buildRewardTree (swept) with no input of its own",
  "./node ProtocolIndexer.checkIdentity":
    "a private helper (TypeScript private), reached only through the swept public methods",
  "./node ProtocolIndexer.readLogs":
    "a private helper (TypeScript private), reached only through the swept public methods",
  "./node ProtocolIndexer.call": "a private helper (TypeScript private), reached only through the swept public methods",
  "./node ProtocolIndexer.blockNumber":
    "a private helper (TypeScript private), reached only through the swept public methods",
  "./node ProtocolIndexer.getLogs":
    "a private helper (TypeScript private), reached only through the swept public methods",
  "./node ProtocolIndexer.header":
    "a private helper (TypeScript private), reached only through the swept public methods",
  "./node ProtocolIndexer.decode":
    "a private helper (TypeScript private), reached only through the swept public methods",
  "./node ProtocolIndexer.headers":
    "a private helper (TypeScript private), reached only through the swept public methods",
  "./node ProtocolIndexer.write":
    "a private helper (TypeScript private), reached only through the swept public methods",
  "./node ProtocolIndexer.rewindIfReorganised":
    "a private helper (TypeScript private), reached only through the swept public methods",
  "./node ProtocolIndexer.request":
    "a private helper (TypeScript private), reached only through the swept public methods",
  "./ml InferenceGateway.served":
    "a private helper (TypeScript private), reached only through the swept public methods",
  "./ml InferenceGateway.nextRecordId":
    "a private helper (TypeScript private), reached only through the swept public methods",
  "./ml InferenceGateway.record":
    "a private helper (TypeScript private), reached only through the swept public methods",
  "./ml InferenceGateway.settleModel":
    "a private helper (TypeScript private), reached only through the swept public methods",
  "./ml InferenceGateway.serially":
    "a private helper (TypeScript private), reached only through the swept public methods",
  "./offering OfferingClient.send":
    "a private helper (TypeScript private), reached only through the swept public methods",
  "./offering OfferingClient.expectCode":
    "a private helper (TypeScript private), reached only through the swept public methods",
  "./offering OfferingClient.sharesToken":
    "a private helper (TypeScript private), reached only through the swept public methods",
  "./offering OfferingClient.sharesVault":
    "a private helper (TypeScript private), reached only through the swept public methods",
};

describe("The SDK's bad-input sweep: every entry point answers bad input with a typed one-line error", function () {
  this.timeout(120_000);
  const world = {} as World;
  const proxies: RpcProxy[] = [];

  before(async function () {
    world.node = await startHardhatNode();
    const d = await deployWithModel(world.node.provider, 10n);
    world.d = d;
    world.datanets = await DatanetClient.connect(await d.datanets.getAddress(), d.payer);
    world.models = await ModelClient.connect(await d.models.getAddress(), d.payer);
    world.settlement = await SettlementClient.connect(await d.settlement.getAddress(), d.payer);
    world.staking = await StakingClient.connect(await d.staking.getAddress(), d.payer);
    world.rewards = await RewardsClient.connect(await d.rewards.getAddress(), d.payer);
    world.offerings = await OfferingClient.connect(await d.offeringFactory.getAddress(), d.payer);
    world.governance = await GovernanceClient.connect(await d.settlement.getAddress(), d.payer);
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, "127.0.0.1", done));
    const closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((done) => closed.close(done));
    const fixed = (url: string, chainId: number) =>
      new JsonRpcProvider(url, Network.from(chainId), { staticNetwork: true, batchMaxCount: 1 });
    world.closed = fixed(closedUrl, 31337);
    world.closedGateway = closedUrl;
    world.datanetsAddress = await d.datanets.getAddress();
    const other = await startLyingNode(world.node.url, (method) =>
      method === "eth_chainId" ? "0x1" : method === "eth_call" || method === "eth_getCode" ? "0x" : undefined,
    );
    const garbage = await startLyingNode(world.node.url, (method) => (method === "eth_chainId" ? "0x7a69" : "0x1234"));
    proxies.push(other, garbage);
    world.otherChain = fixed(other.url, 1);
    world.garbage = fixed(garbage.url, 31337);
    world.tree = buildRewardTree([
      { account: ACCOUNT_A, amount: 1_000n },
      { account: ACCOUNT_B, amount: 5n },
      { account: d.payer.address, amount: 7n },
    ]);
    const contributions = indexedContributions([
      { id: "c1", datanetId: 1n, contributor: ACCOUNT_A, text: "the quick brown fox jumps over the lazy dog" },
      { id: "c2", datanetId: 1n, contributor: ACCOUNT_B, text: "a stitch in time saves nine says the old tailor" },
    ]);
    world.input = spansEpoch(contributions, [
      textSettlement("s1", ONE, [{ id: "i1", output: "the quick brown fox jumps and a stitch in time saves nine" }]),
    ]);
    world.report = attributeEpoch(world.input);
    world.dir = await mkdtemp(join(tmpdir(), "sdk-sweep-"));
    world.emptyFile = join(world.dir, "empty.json");
    world.hugeFile = join(world.dir, "huge.json");
    await writeFile(world.emptyFile, "");
    await writeFile(world.hugeFile, Buffer.alloc(50 * 1024 * 1024, "0"));
  });

  after(async function () {
    for (const p of [world.closed, world.otherChain, world.garbage]) p?.destroy();
    await Promise.all(proxies.map((p) => p.close()));
    await world.node?.stop();
    if (world.dir) await rm(world.dir, { recursive: true, force: true });
  });

  /** Nonces and OPEN and ETH balances of the development accounts and the protocol's contracts. */
  async function chainState(): Promise<string[]> {
    const { d, node: n } = world;
    const contracts = await Promise.all(
      (["datanets", "models", "settlement", "staking", "rewards", "offeringFactory"] as const).map((c) =>
        d[c].getAddress(),
      ),
    );
    const accounts = await Promise.all([0, 1, 2, 3, 4, 5].map(async (i) => (await n.provider.getSigner(i)).address));
    return Promise.all(
      [...accounts, ...contracts].map(async (a) =>
        [a, await n.provider.getTransactionCount(a), await d.open.balanceOf(a), await n.provider.getBalance(a)].join(),
      ),
    );
  }

  for (const row of ROWS) {
    it(`${row.subject} (${row.entry}) refuses ${row.case} with a ${row.expect.name}`, async function () {
      const before = row.chain ? await chainState() : undefined;
      let thrown: unknown;
      try {
        await row.call(world);
      } catch (error) {
        thrown = error;
      }
      if (before) expect(await chainState(), "nothing sent").to.deep.equal(before);
      const name = (thrown as Error | undefined)?.constructor?.name ?? String(thrown);
      const first = String((thrown as Error | undefined)?.message).split("\n")[0];
      expect(thrown, `no error; or ${name}: ${first}`).to.be.instanceOf(row.expect);
      expect(thrown, `${name}: ${first}`).to.be.instanceOf(ProtocolError);
      const short = (thrown as ProtocolError).shortMessage;
      expect(short, "one line").to.not.contain("\n");
      expect(short.length, "says what was wrong").to.be.greaterThan(10);
      if (row.message) expect(short).to.match(row.message);
    });
  }

  it("has a row or a reason for every function, class and class method the package exports", function () {
    const swept = new Set(ROWS.map((r) => `${r.entry} ${r.subject}`));
    const missing: string[] = [];
    const listed = new Set<string>();
    const seen = new Set<unknown>();
    for (const [entry, exports] of Object.entries(ENTRIES)) {
      for (const [name, value] of Object.entries(exports)) {
        if (typeof value !== "function" || seen.has(value)) continue;
        seen.add(value);
        // Error classes are what the sweep expects, not entry points.
        if (value === ProtocolError || value.prototype instanceof Error) continue;
        const subjects = [name];
        if (/^[A-Z]/.test(name)) {
          const statics = Object.getOwnPropertyNames(value).filter(
            (m) => !["length", "name", "prototype"].includes(m) && typeof (value as never)[m] === "function",
          );
          const methods = Object.getOwnPropertyNames(value.prototype).filter((m) => {
            const d = Object.getOwnPropertyDescriptor(value.prototype, m)!;
            return m !== "constructor" && typeof d.value === "function";
          });
          subjects.splice(0, 1, ...[...statics, ...methods].map((m) => `${name}.${m}`));
        }
        for (const subject of subjects) {
          const key = `${entry} ${subject}`;
          listed.add(key);
          if (!swept.has(key) && !(key in NOT_SWEPT)) missing.push(key);
        }
      }
    }
    expect(missing, "exports with neither a row nor a reason in NOT_SWEPT").to.deep.equal([]);
    const stale = Object.keys(NOT_SWEPT).filter((key) => !listed.has(key));
    expect(stale, "NOT_SWEPT names that are no export").to.deep.equal([]);
    for (const [key, reason] of Object.entries(NOT_SWEPT)) {
      expect(reason, key).to.match(/^[^\n]{10,}$/);
    }
  });
});
