/**
 * The protocol end to end, through the operator's code: deployed by `npm run deploy`'s steps (recorded in a
 * deployment file), a Datanet of labelled mail (SpamAssassin ham and spam, the label in the content) with eight
 * contributors, one of whom relabels spam as ham; validators who reject what they catch, slashed and refused
 * submissions, an expired review; a published version verified from events and the leaderboard; two real models
 * trained by the SDK on that version (a spam classifier and an n-gram text generator), each registered with its
 * model card; every contribution, log, card and validation set in a content folder; a gateway serving the models,
 * each batch's inference log stored by CID and settled with its root; stakers claiming their share; the chain indexed
 * into PGlite; the epoch's input built from the index and the content folder alone, attributed (the classifier's
 * data value and the harmful contributions it flags), its root proposed, accepted and claimed; the sample
 * attributions; an HTML report in reports/.
 *
 *   npm run demo                          the embedded chain; its files in a temporary folder, removed at the end
 *   npm run demo -- --network localhost   a `hardhat node`: leaves deployments/localhost.json, data/localhost/index,
 *                                         data/content and epochs/localhost for the operator commands
 *
 * DEMO_ROOT moves where a node's files go (default: the repository).
 */
import { ethers, network } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { EthereumProvider, HttpNetworkConfig } from "hardhat/types";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { BrowserProvider, keccak256 } from "ethers";
import {
  ContractRevertError,
  MODEL_CARD_FORMAT,
  buildInferenceLog,
  buildSpanIndex,
  validationSetHash,
  DatanetClient,
  DatanetIndexer,
  ModelClient,
  RewardsClient,
  SettlementClient,
  StakingClient,
  contentId,
  rankContributors,
  serializeEpochReport,
  serializeModelCard,
  verifyModelProvenance,
  type DatanetPolicy,
  type ExampleEncoding,
  type ModelCard,
  type EpochReport,
} from "../sdk/src";
import { datanetStateFromIndex, readDeployment } from "../sdk/src/node";
import type { ProtocolDeploymentFile } from "../sdk/src/node";
import {
  InferenceGateway,
  type SettledBatch,
  classifierAccuracy,
  exampleOf,
  formatLabelled,
  mailBody,
  modelFileHash,
  parseLabelled,
  perplexity,
  spamBit,
  spanCoverage,
  trainNgram,
  trainTextClassifier,
} from "../sdk/src/ml";
import { renderEpochHtml } from "../sdk/src/report";
import { DatanetRegistry__factory, OpenToken__factory } from "../typechain-types";
import { currentTree, runClaim } from "./claim";
import { deployTo } from "./deploy";
import { epochViewOf } from "./lib/epochView";
import { DEFAULT_GRACE, acceptPendingRoot, printTopContributors, runEpochPipeline } from "./epoch";
import type { Connection } from "./lib/cli";
import { EMBEDDED_NETWORK, ROOT, networkOf } from "./lib/operator";
import { watchOnce } from "./watch";
import type { OperatorNetwork } from "./lib/operator";
import { loadEmails, seededRandom, type Email } from "./lib/corpus";
import { open, printTable, progress } from "./lib/ui";

const DAY = 24 * 3600;
const POLICY: DatanetPolicy = {
  bond: ethers.parseEther("10"),
  quorum: 2,
  reviewWindow: 2 * DAY,
  accessMode: "Open",
  maxFileBytes: 32_768n,
  contributorDailyFiles: 45,
  contributorDailyBytes: 2_000_000n,
  datanetDailyBytes: 40_000_000n,
};
/** The base model name the classifier registers. */
const CLASSIFIER_BASE_MODEL = "spam-classifier";
/** The classifier: hashed words, and its L2 penalty (the same in the epoch's influence scorer). */
const CLASSIFIER = { dimension: 1024, l2: 0.1 };
/** How the classifier's card says a contribution becomes its example: the label and the mail's hashed words. */
const CLASSIFIER_EXAMPLES: ExampleEncoding = {
  kind: "labelled-mail",
  features: "hashed-words",
  dimension: CLASSIFIER.dimension,
};

/**
 * Who contributes what: labelled mails, `spamShare` of them spam (correctly labelled); mallory relabels spam as ham,
 * the poisoning the data-value report is there to catch.
 */
const CONTRIBUTORS = [
  { name: "ada", count: 42, spamShare: 0.3, relabel: 0 },
  { name: "grace", count: 36, spamShare: 0.4, relabel: 0 },
  { name: "linus", count: 45, spamShare: 0.35, relabel: 0 },
  { name: "margaret", count: 40, spamShare: 0.3, relabel: 0 },
  { name: "ken", count: 34, spamShare: 0.4, relabel: 0 },
  { name: "barbara", count: 42, spamShare: 0.35, relabel: 0 },
  { name: "dennis", count: 6, spamShare: 0.5, relabel: 0 },
  { name: "mallory", count: 40, spamShare: 0, relabel: 0.6 },
];
/** Sends of one request over connections the node closed as idle, before giving up (see resendOnIdleClose). */
const IDLE_CLOSE_ATTEMPTS = 8;
/** Validators catch a relabelled mail this often; the rest gets through, as it would. */
const CATCH_RATE = 0.4;

interface Submitted {
  contributor: string;
  contentHash: string;
  text: string;
  /** Ground truth: a correctly labelled mail is wanted, a relabelled one or junk is not. */
  wanted: boolean;
  /** Relabelled spam: the validators catch it only sometimes. */
  relabelled: boolean;
}

/** Where the demo keeps a network's files: the deployment file, the index database, the content folder, the epochs. */
export interface DemoFiles {
  deploymentPath: string;
  dataDir: string;
  contentDir: string;
  epochsDir: string;
  /** The embedded chain's folder, removed at the end: its chain ends with the process. */
  temporary?: string;
}

async function demoFiles(): Promise<DemoFiles> {
  if (network.name === EMBEDDED_NETWORK) {
    const dir = await mkdtemp(path.join(tmpdir(), "open-demo-"));
    return {
      deploymentPath: path.join(dir, "deployment.json"),
      dataDir: dir,
      contentDir: path.join(dir, "content"),
      epochsDir: path.join(dir, "epochs"),
      temporary: dir,
    };
  }
  const root = process.env.DEMO_ROOT ?? ROOT;
  return {
    deploymentPath: path.join(root, "deployments", `${network.name}.json`),
    dataDir: path.join(root, "data", network.name),
    contentDir: path.join(root, "data", "content"),
    epochsDir: path.join(root, "epochs", network.name),
  };
}

/** The deployment at `files.deploymentPath` when the node still has its contracts (the code that was deployed). */
async function liveDeployment(files: DemoFiles, connection: Connection): Promise<ProtocolDeploymentFile | undefined> {
  const file = await readDeployment(files.deploymentPath).catch(() => undefined);
  if (!file || BigInt(file.chainId) !== connection.chainId) return undefined;
  for (const contract of Object.values(file.contracts)) {
    const code = await connection.provider.getCode(contract.address);
    if (code === "0x" || keccak256(code) !== contract.codeHash) return undefined;
  }
  return file;
}

/**
 * The protocol on this network, deployed by the deploy command's steps: a node's deployment file is used (or
 * resumed) while the node has its contracts; one from an earlier node is moved aside with the index and epochs
 * made from it, and the protocol deployed afresh.
 */
async function deployedProtocol(
  files: DemoFiles,
  connection: Connection,
  deployer: HardhatEthersSigner,
  guardian: HardhatEthersSigner,
): Promise<ProtocolDeploymentFile> {
  if (!files.temporary && existsSync(files.deploymentPath)) {
    const live = await liveDeployment(files, connection);
    if (live?.completedAt) {
      console.log(
        `Using the deployment in ${path.relative(process.cwd(), files.deploymentPath)} (${live.completedAt}).`,
      );
      return live;
    }
    if (!live) {
      const suffix = `stale-${new Date().toISOString().replace(/[:.]/g, "-")}`;
      const moved: string[] = [];
      for (const from of [files.deploymentPath, path.join(files.dataDir, "index"), files.epochsDir]) {
        if (!existsSync(from)) continue;
        const to = from.endsWith(".json") ? from.replace(/\.json$/, `.${suffix}.json`) : `${from}.${suffix}`;
        await rename(from, to);
        moved.push(path.relative(process.cwd(), to));
      }
      console.log(
        `Note: ${path.relative(process.cwd(), files.deploymentPath)} is a deployment whose contracts this node does ` +
          `not have (an earlier node's); moved aside with what was made from it: ${moved.join(", ")}.`,
      );
    }
  } else if (!files.temporary) {
    // A fresh deployment: an index or epochs left without their deployment file belong to another one.
    for (const from of [path.join(files.dataDir, "index"), files.epochsDir]) {
      if (existsSync(from)) await rename(from, `${from}.stale-${new Date().toISOString().replace(/[:.]/g, "-")}`);
    }
  }
  const file = await deployTo(
    {
      network: network.name,
      connection,
      signer: deployer,
      path: files.deploymentPath,
      resume: !files.temporary,
      info: () => undefined,
    },
    { guardian: guardian.address },
  );
  return file!;
}

/**
 * Hardhat's HTTP provider may send on kept-alive connections the node has just closed as idle (after 5 s) when the
 * demo's own work (opening the database, training, attribution) kept the event loop from seeing the closes in time:
 * undici then fails the request with "other side closed", unread by the node. Such a request is sent again, on the
 * next pooled connection (each of which may have been closed the same way) or a new one.
 */
function resendOnIdleClose(provider: EthereumProvider): void {
  const request = provider.request.bind(provider);
  provider.request = async (args) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await request(args);
      } catch (error) {
        if ((error as { code?: unknown }).code !== "UND_ERR_SOCKET" || attempt === IDLE_CLOSE_ATTEMPTS) throw error;
      }
    }
  };
  // hardhat-ethers sends through `send`, which goes around `request` to the provider underneath.
  provider.send = (method, params) => provider.request({ method, params });
}

/** What the demo leaves for a sequel ({@link runOfferingDemo} in demoOffering.ts) to go on with. */
export interface DemoRun {
  started: number;
  signers: HardhatEthersSigner[];
  /** Every named account by lower-cased address. */
  nameOf: Map<string, string>;
  who: (address: string) => string;
  addressOf: (name: string) => string;
  treasury: HardhatEthersSigner;
  /** Owns both models. */
  developer: HardhatEthersSigner;
  /** Pays the gateway's settlements. */
  gatewaySigner: HardhatEthersSigner;
  /** Accounts the demo leaves unused. */
  spare: HardhatEthersSigner[];
  classifierId: bigint;
  /** The base model name the classifier registered. */
  classifierBaseModel: string;
  pricePerCall: bigint;
  epochReport: EpochReport;
  operator: OperatorNetwork;
  files: DemoFiles;
  epoch: bigint;
  guardianIndex: number;
}

/**
 * The demo up to the claimed rewards of its epoch (everything but closing the operator's index and removing its
 * files, which {@link finishDemo} does), for `npm run demo` and the sequels that build on its chain.
 */
export async function runDemo(): Promise<DemoRun> {
  const started = Date.now();
  if (network.name !== EMBEDDED_NETWORK) resendOnIdleClose(network.provider);
  const random = seededRandom(2024);
  const signers = await ethers.getSigners();
  const [deployer, owner, ...rest] = signers;
  const validators = rest.slice(0, 3);
  const people = rest.slice(3, 3 + CONTRIBUTORS.length);
  const nameOf = new Map<string, string>(people.map((s, i) => [s.address.toLowerCase(), CONTRIBUTORS[i].name]));
  validators.forEach((v, i) => nameOf.set(v.address.toLowerCase(), `validator ${i + 1}`));
  const who = (address: string) => nameOf.get(address.toLowerCase()) ?? address;

  const embedded = network.name === EMBEDDED_NETWORK;
  const provider = new BrowserProvider(network.provider);
  const url = embedded ? "the embedded Hardhat chain" : (network.config as HttpNetworkConfig).url;
  const connection: Connection = { provider, url, chainId: (await provider.getNetwork()).chainId };
  console.log(`${embedded ? "Embedded chain" : `Node ${url}`}: ${network.name} (chain id ${connection.chainId})`);
  const files = await demoFiles();
  // The treasury (deployer) attests the reward roots; a separate key guards them.
  const guardian = signers[signers.length - 1];
  const deployment = await deployedProtocol(files, connection, deployer, guardian);
  const treasury = await ethers.getSigner(deployment.roles.treasury);
  const attestor = await ethers.getSigner(deployment.roles.attestor);
  const addressOf = (name: string) => deployment.contracts[name].address;
  const token = OpenToken__factory.connect(addressOf("open"), treasury);
  const datanets = DatanetRegistry__factory.connect(addressOf("datanets"), treasury);
  const registry = addressOf("datanets");
  const operator: OperatorNetwork = await networkOf({
    name: network.name,
    connection,
    deployment,
    deploymentPath: files.deploymentPath,
    dataDir: files.dataDir,
    contentDir: files.contentDir,
    epochsDir: files.epochsDir,
    // The demo mines every block itself; nothing reorganises them.
    confirmations: 0,
  });
  const store = operator.store;
  for (const p of people) await (await token.transfer(p.address, ethers.parseEther("1000"))).wait();

  const emails = loadEmails();
  const fits = (e: Email) => Buffer.byteLength(e.text) <= Number(POLICY.maxFileBytes) - 64;
  const ham = emails.filter((e) => !e.spam && fits(e));
  const spam = emails.filter((e) => e.spam && fits(e));
  const pick = (pool: Email[]) => pool.splice(Math.floor(random() * pool.length), 1)[0];
  // Held out before anyone contributes: the validation set the classifier registers (by hash), the mails its
  // accuracy and the generator's perplexity are measured on, and the queries the gateway will serve.
  const heldOut = (count: number) => Array.from({ length: count }, (_, k) => pick(k % 2 === 0 ? ham : spam));
  const validationMails = heldOut(300);
  const testMails = heldOut(400);
  const queryMails = heldOut(120);
  const promptMails = Array.from({ length: 60 }, () => pick(ham));
  console.log(
    `Corpus: ${emails.length} SpamAssassin e-mails; ${validationMails.length + testMails.length + queryMails.length + promptMails.length} held out ` +
      `(validation, test, queries, prompts), ${ham.length} ham and ${spam.length} spam left to contribute`,
  );
  const ownerClient = (await DatanetClient.connect(registry, owner)).connect(owner);
  const { datanetId } = await ownerClient.createDatanet({
    uri: "ipfs://bafkreilabelled-mail-for-spam-filters",
    policy: POLICY,
    validators: validators.map((v) => v.address),
  });
  console.log(
    `Datanet ${datanetId} "Labelled mail for spam filters": bond ${open(POLICY.bond)}, quorum 2 of 3, review window 2 days`,
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
      const relabelled = random() < c.relabel;
      const isSpam = relabelled || random() < c.spamShare;
      const email = pick(isSpam ? spam : ham);
      const text = formatLabelled({ label: isSpam && !relabelled ? "spam" : "ham", mail: email.text });
      const r = await client.submit({ datanetId, content: text });
      await store.put(text);
      submitted.push({
        contributor: people[i].address,
        contentHash: r.contentHash,
        text,
        wanted: !relabelled,
        relabelled,
      });
      if (c.name === "ada") firstOfAda.push(text);
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
    [
      `linus submits a ${CONTRIBUTORS[2].count + 1}th e-mail today`,
      () => linus.submit({ datanetId, content: formatLabelled({ label: "ham", mail: pick(ham).text }) }),
    ],
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
    await store.put(junk);
    submitted.push({
      contributor: people[CONTRIBUTORS.length - 1].address,
      contentHash: r.contentHash,
      text: junk,
      wanted: false,
      relabelled: false,
    });
  }
  printTable("Refused by the registry", ["Attempt", "Error"], refused);

  // Review: two validators look at each contribution (round robin) and vote by its content. One contribution gets
  // a single vote, so it reaches no quorum and expires.
  const reviewers = validators.map((v) => ownerClient.connect(v));
  const left = submitted[submitted.length - 5];
  const reviewBar = progress("Reviewing", submitted.length);
  let votes = 0;
  let slipped = 0;
  for (const [i, s] of submitted.entries()) {
    const pair = [reviewers[i % 3], reviewers[(i + 1) % 3]];
    const verdict = s.relabelled ? (random() < CATCH_RATE ? false : true) : s.wanted;
    if (s.relabelled && verdict) slipped++;
    for (const r of s === left ? pair.slice(0, 1) : pair) {
      await r.vote(datanetId, s.contentHash, verdict);
      votes++;
    }
    reviewBar.increment();
  }
  reviewBar.stop();
  const relabelledCount = submitted.filter((x) => x.relabelled).length;
  console.log(
    `${submitted.length} contributions, ${votes} votes cast; of mallory's ${relabelledCount} relabelled spam mails ` +
      `the validators caught ${relabelledCount - slipped}, ${slipped} got through`,
  );

  // Two days later: the unreviewed contribution expires and its bond goes back; linus's 26th e-mail goes through.
  await time.increase(POLICY.reviewWindow + 1);
  await ownerClient.reclaimBond(datanetId, left.contentHash);
  const lateMail = formatLabelled({ label: "ham", mail: pick(ham).text });
  const late = await linus.submit({ datanetId, content: lateMail });
  await store.put(lateMail);
  submitted.push({
    contributor: people[2].address,
    contentHash: late.contentHash,
    text: lateMail,
    wanted: true,
    relabelled: false,
  });
  await reviewers[0].vote(datanetId, late.contentHash, true);
  await reviewers[1].vote(datanetId, late.contentHash, true);
  console.log(
    `After the review window: ${who(left.contributor)}'s unreviewed contribution expired and its bond was returned;`,
  );
  console.log(`linus's next e-mail, a new UTC day later, was accepted.`);

  // Version: an on-chain snapshot, then recomputed from events alone; the chain so far indexed into the database.
  const version = await ownerClient.publishVersion(datanetId);
  const indexer = new DatanetIndexer(ethers.provider, registry);
  await indexer.sync();
  await operator.sync();
  const indexed = await datanetStateFromIndex(operator.index.db);
  const contributionsOf = (id: bigint) => [...indexed.contributions.values()].filter((c) => c.datanetId === id);
  const check = await ownerClient.verifyVersion(datanetId, version.version, indexer);
  console.log(
    `\nVersion ${version.version}: ${version.count} accepted contributions, digest ${version.digest}` +
      `\n  recomputed from events: ${check.recomputedDigest} ${check.valid ? "✓ matches" : "✗ MISMATCH"}`,
  );
  if (!check.valid) throw new Error("The version could not be reproduced from events.");

  // Leaderboard from the index database, checked against the on-chain counters.
  const rows = rankContributors(indexed.reputation.get(datanetId) ?? []);
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
  const pending = [...indexed.contributions.values()].filter((c) => c.status === "Pending");
  const pendingBonds = pending.reduce((n, c) => n + c.bond, 0n);
  const credits = [...indexed.bondCredits.values()].reduce((n, v) => n + v, 0n);
  let slashed = 0n;
  for (const id of indexed.datanets.keys()) slashed += await datanets.treasuryBalance(id);
  printTable(
    "Bonds held by the registry",
    ["Pending bonds", "Refunded as credit", "Slashed to treasury", "Registry balance", "Balanced"],
    [
      [
        open(pendingBonds),
        open(credits),
        open(slashed),
        open(held),
        held === pendingBonds + credits + slashed ? "✓" : "✗",
      ],
    ],
  );
  // Two real models, trained by the SDK on the accepted contributions of the version: a spam classifier (logistic
  // regression on hashed words) and a text generator (word trigrams) on the accepted ham. Each registers its file's
  // hash; the classifier also commits to its validation set, which will decide who is called harmful.
  const textOf = new Map(submitted.map((s) => [s.contentHash, s.text]));
  const relabelledHashes = new Set(submitted.filter((s) => s.relabelled).map((s) => s.contentHash));
  const accepted = contributionsOf(datanetId).filter((c) => c.status === "Accepted");
  const trainingSet = accepted
    .filter((c) => c.acceptedIndex! <= version.count)
    .map((c) => parseLabelled(textOf.get(c.contentHash)!));
  const trainStarted = Date.now();
  const classifier = trainTextClassifier(
    trainingSet.map(({ label, mail }) => ({ text: mail, label: spamBit(label) })),
    CLASSIFIER,
  );
  const accuracy = classifierAccuracy(
    classifier,
    testMails.map((m) => ({ text: m.text, label: m.spam ? 1 : 0 })),
  );
  const generator = trainNgram(
    trainingSet.filter((x) => x.label === "ham").map((x) => mailBody(x.mail)),
    { order: 3 },
  );
  const heldOutHam = testMails.filter((m) => !m.spam).map((m) => mailBody(m.text));
  const validation = {
    features: validationMails.map(
      (m) => exampleOf(formatLabelled({ label: m.spam ? "spam" : "ham", mail: m.text }), CLASSIFIER_EXAMPLES).features,
    ),
    labels: validationMails.map((m) => (m.spam ? 1 : 0)),
  };
  const validationHash = validationSetHash(validation);
  printTable(
    `Models trained on Datanet ${datanetId} version ${version.version} in ${((Date.now() - trainStarted) / 1000).toFixed(1)} s`,
    ["Model", "Trained on", "Held-out measure", "Model file hash"],
    [
      [
        "spam classifier (logistic, 1,024 hashed words)",
        `${trainingSet.length} labelled mails`,
        `accuracy ${(100 * accuracy).toFixed(1)}% on ${testMails.length} mails`,
        modelFileHash(classifier),
      ],
      [
        "text generator (word trigrams, Kneser–Ney)",
        `${trainingSet.filter((x) => x.label === "ham").length} ham bodies`,
        `perplexity ${perplexity(generator, heldOutHam).toFixed(0)} on ${heldOutHam.length} bodies (unigram: ${perplexity(
          trainNgram(
            trainingSet.filter((x) => x.label === "ham").map((x) => mailBody(x.mail)),
            { order: 1 },
          ),
          heldOutHam,
        ).toFixed(0)})`,
        modelFileHash(generator),
      ],
    ],
  );

  const [developer, gatewaySigner, careless, ...stakerSigners] = signers.slice(3 + validators.length + people.length);
  const stakers = [
    { name: "sam", signer: stakerSigners[0], stake: ethers.parseEther("30000") },
    { name: "tia", signer: stakerSigners[1], stake: ethers.parseEther("10000") },
  ];
  nameOf.set(developer.address.toLowerCase(), "model developer");
  stakers.forEach((s) => nameOf.set(s.signer.address.toLowerCase(), `staker ${s.name}`));
  const modelClient = await ModelClient.connect(addressOf("models"), developer);
  const prices = { classifier: ethers.parseEther("0.5"), generator: ethers.parseEther("2") };
  // Each model's URI names its card in the content folder: how an epoch attributes its inferences (the classifier's
  // influence on its validation set, stored beside it; the generator's matched spans) and how a contribution becomes
  // one of the classifier's examples.
  const validationURI = (await store.put(JSON.stringify(validation))).uri;
  const cards: Record<"classifier" | "generator", ModelCard> = {
    classifier: {
      format: MODEL_CARD_FORMAT,
      name: "spam classifier",
      description: `logistic regression on ${CLASSIFIER.dimension} hashed words`,
      attribution: {
        kind: "logistic-influence",
        l2: CLASSIFIER.l2,
        validationURI,
        validationHash,
        examples: CLASSIFIER_EXAMPLES,
      },
    },
    generator: {
      format: MODEL_CARD_FORMAT,
      name: "text generator",
      description: "word trigrams, Kneser–Ney",
      attribution: { kind: "spans" },
    },
  };
  const register = async (
    name: string,
    card: ModelCard,
    adapterHash: string,
    trainingConfig: unknown,
    pricePerCall: bigint,
  ) =>
    modelClient.registerModel({
      uri: (await store.put(serializeModelCard(card))).uri,
      spec: {
        baseModel: name,
        adapterKind: "Full",
        adapterHash,
        trainingConfigHash: ethers.keccak256(ethers.toUtf8Bytes(JSON.stringify(trainingConfig))),
        trainedOn: [{ datanetId, version: version.version }],
      },
      pricePerCall,
    });
  const { modelId: classifierId } = await register(
    CLASSIFIER_BASE_MODEL,
    cards.classifier,
    modelFileHash(classifier),
    { ...CLASSIFIER, validationHash },
    prices.classifier,
  );
  const { modelId: generatorId } = await register(
    "mail-trigrams",
    cards.generator,
    modelFileHash(generator),
    { order: 3 },
    prices.generator,
  );
  const modelNames = new Map([
    [classifierId.toString(), "spam classifier"],
    [generatorId.toString(), "text generator"],
  ]);
  for (const modelId of [classifierId, generatorId]) {
    const provenance = await verifyModelProvenance(modelClient, { modelId, indexer, assert: true });
    console.log(
      `Model ${modelId} (${modelNames.get(modelId.toString())}): training data reproduced from events ${provenance.ok ? "✓" : "✗"}`,
    );
  }

  const pool = await StakingClient.connect(addressOf("staking"), treasury);
  for (const s of stakers) {
    await (await token.transfer(s.signer.address, s.stake)).wait();
    await pool.connect(s.signer).stake(s.stake);
  }
  for (const payer of [gatewaySigner, careless]) {
    await (await token.transfer(payer.address, ethers.parseEther("100000"))).wait();
  }

  // The gateway serves both models: held-out mails to classify, prompts (the first words of held-out ham) to
  // complete. Every 40 records it stores the batch's log by CID and settles it with its root, URI and quoted fee.
  const settler = await SettlementClient.connect(addressOf("settlement"), gatewaySigner);
  let clock = 1_733_000_000_000;
  const batches: SettledBatch[] = [];
  const gateway = new InferenceGateway({
    settlement: settler,
    store,
    batchSize: 40,
    now: () => clock++,
    onSettled: (batch) => batches.push(batch),
  });
  gateway.serve(classifierId, 1, classifier);
  gateway.serve(generatorId, 1, generator, { maxWords: 40 });
  const answers = new Map<string, { query: string; answer: string }>();
  const serveBar = progress("Serving", queryMails.length + promptMails.length);
  let correct = 0;
  for (const mail of queryMails) {
    const r = await gateway.classify(classifierId, mail.text);
    if (r.label === (mail.spam ? 1 : 0)) correct++;
    answers.set(r.recordId, {
      query: mail.text.split("\n").find((line) => line.startsWith("Subject:")) ?? "(no subject)",
      answer: `${r.label === 1 ? "spam" : "ham"} (p = ${r.probability.toFixed(2)})`,
    });
    serveBar.increment();
  }
  for (const mail of promptMails) {
    const prompt = mailBody(mail.text).split(/\s+/).filter(Boolean).slice(0, 4).join(" ");
    const r = await gateway.complete(generatorId, prompt);
    answers.set(r.recordId, { query: prompt, answer: r.text });
    serveBar.increment();
  }
  await gateway.flush();
  serveBar.stop();
  // A second payer settles a batch whose log it never publishes: the epoch cannot attribute it and carries its pot.
  const hidden = buildInferenceLog(
    Array.from({ length: 10 }, (_, k) => ({
      id: `unpublished-${k}`,
      modelId: generatorId,
      modelVersion: 1,
      calls: 1n,
      queryHash: ethers.id(`unpublished ${k}`),
      output: { kind: "text" as const, text: "a completion nobody can check" },
    })),
  );
  await (
    await SettlementClient.connect(addressOf("settlement"), careless)
  ).settleLog({ modelId: generatorId, log: hidden });
  nameOf.set(careless.address.toLowerCase(), "careless payer");
  const epoch = await settler.currentEpoch();
  console.log(
    `Gateway: ${queryMails.length} mails classified (${correct} right), ${promptMails.length} prompts completed, ` +
      `${batches.length} batches settled with their logs stored by CID; one more settlement's log was never published`,
  );

  const split = await settler.feeSplit();
  const ledger = await settler.verifyLedger(epoch);
  const fees = ledger.onchain.fees;
  const settled = await settler.settlements(epoch);
  const received = { treasury: 0n, model: 0n, stakers: 0n, contributors: 0n };
  for (const x of settled)
    for (const key of Object.keys(received) as (keyof typeof received)[]) received[key] += x.shares[key];
  printTable(
    `Epoch ${epoch}: ${ledger.onchain.settlements} settlements, ${ledger.onchain.calls.toLocaleString("en-US")} calls, ${open(fees)} in fees`,
    ["Party", "Split", "Received", "Where it went"],
    [
      ["Protocol treasury", `${split.treasuryBps / 100}%`, open(received.treasury), "treasury account"],
      ["Model revenue", `${split.modelBps / 100}%`, open(received.model), "the developer"],
      ["Stakers", `${split.stakersBps / 100}%`, open(received.stakers), "staking pool, pro rata to stake"],
      [
        "Contributors",
        `${split.contributorsBps / 100}%`,
        open(received.contributors),
        `reward distributor, epoch ${epoch}`,
      ],
      ["Total", "100%", open(fees), fees === Object.values(received).reduce((a, b) => a + b, 0n) ? "✓ exact" : "✗"],
    ],
    [1, 2],
  );
  console.log(
    `Ledger of epoch ${epoch} recomputed from the settlement events: ${ledger.valid ? "✓ matches" : "✗ MISMATCH"}`,
  );
  if (!ledger.valid) throw new Error("The epoch ledger could not be reproduced from events.");

  // The stakers' share of a day's fees streams over the next day, so stake earns in proportion to stake × time.
  const stream = await pool.stream();
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

  // Proof of Attribution for the epoch once it is over and the grace period for late logs has passed, run by the
  // attestor with `npm run epoch -- run`'s pipeline: the index synced, the input built from it and the content folder
  // alone, attributed (the generator's outputs by matched spans, the classifier's predictions by influence, as their
  // cards say; each settlement's contributors' share in proportion to calls; the classifier's training data valued on
  // its registered validation set, what it flags as harmful earning nothing), the report and tree written under
  // epochs/, the report published to the content folder and its root proposed with its hash and CID.
  const epochEnd = await settler.epochStart(epoch + 1n);
  const due = epochEnd + DEFAULT_GRACE;
  if (BigInt(await time.latest()) < due) await time.increaseTo(due);
  console.log(`\nEpoch ${epoch} is over: the attestor runs it through the pipeline of \`npm run epoch -- run\``);
  const run = await runEpochPipeline(operator, { signer: attestor, epoch });
  if (run.outcome !== "proposed") throw new Error(`Epoch ${epoch} was not proposed by this run (${run.outcome}).`);
  const epochReport = run.report;
  printTable(
    `Settlements of epoch ${epoch} and where each one's pot went`,
    ["Settlement", "Model", "Records", "Pot", "Paid", "Carried", "Status"],
    epochReport.settlements.map((s) => [
      `${s.id.slice(0, 10)}…`,
      modelNames.get(s.modelId) ?? s.modelId,
      s.records.length,
      open(BigInt(s.pot)),
      open(BigInt(s.paid)),
      open(BigInt(s.carried)),
      s.exclusion ? `excluded: ${s.exclusion.code}` : "attributed",
    ]),
    [2, 3, 4, 5],
  );
  printTopContributors(epochReport, CONTRIBUTORS.length, nameOf);
  // The guardian's watcher (npm run watch): the pending root recomputed from the chain and the content folder alone,
  // every record proven against its log root; a root that differed would be revoked within its window.
  const verdict = await watchOnce(operator, guardian, new Set(), (line) => console.log(`Watcher: ${line}`));
  if (verdict !== "matches") throw new Error(`The guardian's watcher did not find the proposal sound (${verdict}).`);

  // Data value: each training mail's influence on the classifier's validation loss; harmful only with evidence.
  const classifierReport = epochReport.models.find((m) => m.modelId === classifierId.toString())!;
  const dataValue = classifierReport.dataValue!;
  const idToHash = new Map(accepted.map((c) => [c.id.toString(), c.contentHash]));
  const slippedIds = accepted.filter((c) => relabelledHashes.has(c.contentHash)).map((c) => c.id.toString());
  const flaggedRelabelled = dataValue.harmful.filter((id) => relabelledHashes.has(idToHash.get(id)!)).length;
  const contributorOfId = new Map(accepted.map((c) => [c.id.toString(), c.contributor]));
  // Contribution ids are 32-byte hashes; people know a contribution by its place in the Datanet.
  const shortId = new Map(accepted.map((c) => [c.id.toString(), `#${c.acceptedIndex}`]));
  printTable(
    `Data value of the classifier's ${dataValue.values.length} training mails (validation set ${validationHash.slice(0, 10)}…, fixed at registration)`,
    [
      "Contributor",
      "Harmful (earn nothing)",
      "Of which relabelled",
      "Low value (not penalised)",
      "Relabelled, got through",
    ],
    CONTRIBUTORS.map((c, i) => {
      const mine = (ids: string[]) => ids.filter((id) => contributorOfId.get(id) === people[i].address);
      return [
        c.name,
        mine(dataValue.harmful).length,
        mine(dataValue.harmful).filter((id) => relabelledHashes.has(idToHash.get(id)!)).length,
        mine(dataValue.lowValue).length,
        mine(slippedIds).length,
      ];
    }),
    [1, 2, 3, 4],
  );
  console.log(
    `Flagged ${dataValue.harmful.length} mails (values at or below ${dataValue.threshold.toExponential(2)}, split from the rest): ` +
      `${flaggedRelabelled} of the ${slippedIds.length} relabelled mails that got past the validators, ` +
      `${dataValue.harmful.length - flaggedRelabelled} clean.`,
  );

  // Two sample inferences and why they were credited.
  const eligibleDocs = accepted
    .filter((c) => c.acceptedIndex! <= version.count)
    .map((c) => ({ id: c.id.toString(), text: textOf.get(c.contentHash)! }));
  const spanIndex = buildSpanIndex(eligibleDocs);
  const records = epochReport.settlements.flatMap((s) =>
    s.records.map((r) => ({ ...r, modelId: s.modelId, paid: BigInt(s.paid), settlementCalls: BigInt(s.calls) })),
  );
  const generated = records
    .filter((r) => r.modelId === generatorId.toString() && r.top.length > 0 && answers.has(r.id))
    .map((r) => ({ r, coverage: spanCoverage(spanIndex, answers.get(r.id)!.answer) }))
    .sort((a, b) => b.coverage.coveredShare - a.coverage.coveredShare || (a.r.id < b.r.id ? -1 : 1));
  const coverages = generated.map((g) => g.coverage);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(
    `\nGenerator outputs: median ${(100 * median(coverages.map((c) => c.coveredShare))).toFixed(0)}% of words in ` +
      `matched spans, from a median of ${median(coverages.map((c) => c.contributions))} contributions; the largest ` +
      `share any one contribution covers is at most ${(100 * Math.max(...coverages.map((c) => c.largestShare))).toFixed(0)}%`,
  );
  const sampleGen = generated[Math.floor(generated.length / 2)];
  const sampleCls = records.find((r) => r.modelId === classifierId.toString() && r.top.length > 0)!;
  const spansOf = (text: string) => spanIndex.attributeSpans(text).filter((span) => span.weight > 0);
  // What the record's part of its settlement's pot (by calls) gave each credited contribution, to the micro-weight.
  const creditsOf = (record: (typeof records)[number], why: (id: string) => string) =>
    record.top.slice(0, 5).map((t) => ({
      contribution: shortId.get(t.contribution)!,
      contributor: who(contributorOfId.get(t.contribution)!),
      weight: t.weight,
      amount:
        (record.paid * BigInt(record.calls) * BigInt(Math.round(t.weight * 1e6))) /
        (record.settlementCalls * 1_000_000n),
      why: why(t.contribution),
    }));
  const genCredits = creditsOf(sampleGen.r, (id: string) => {
    const span = spansOf(answers.get(sampleGen.r.id)!.answer).find((x) => x.ids.includes(id));
    return span ? `matched span "${span.text}" (${span.length} words)` : "shares a span";
  });
  const clsCredits = creditsOf(sampleCls, (id) => {
    const { label, mail } = parseLabelled(textOf.get(idToHash.get(id)!)!);
    const subject = mail.split("\n").find((line) => line.startsWith("Subject:")) ?? "(no subject)";
    return `influence on this prediction; a ${label} mail, ${subject.slice(0, 60)}`;
  });
  for (const [title, answer, list] of [
    [`Generator: "${answers.get(sampleGen.r.id)!.query} …"`, answers.get(sampleGen.r.id)!.answer, genCredits],
    [`Classifier: ${answers.get(sampleCls.id)!.query.slice(0, 70)}`, answers.get(sampleCls.id)!.answer, clsCredits],
  ] as const) {
    console.log(`\n${title}\n  → ${answer.slice(0, 300)}`);
    printTable(
      "Credited",
      ["Contribution", "Contributor", "Weight", "Earned", "Why"],
      list.map((c) => [c.contribution, c.contributor, c.weight.toFixed(3), open(c.amount), c.why.slice(0, 90)]),
      [2, 3],
    );
  }

  const reportsDir = path.join(__dirname, "../reports");
  await mkdir(reportsDir, { recursive: true });
  const notes = new Map(
    accepted.filter((c) => relabelledHashes.has(c.contentHash)).map((c) => [c.id.toString(), "labelled ham, is spam"]),
  );
  const view = epochViewOf(epochReport, {
    names: nameOf,
    modelNames,
    datanetNames: new Map([[datanetId.toString(), "Labelled mail for spam filters"]]),
    contributions: new Map(accepted.map((c) => [c.id.toString(), { contributor: c.contributor, datanetId }])),
    notes,
    labels: shortId,
    samples: [
      {
        title: `Generator: completion of "${answers.get(sampleGen.r.id)!.query}"`,
        model: "text generator",
        output: answers.get(sampleGen.r.id)!.answer,
        coverage: { share: sampleGen.coverage.coveredShare, contributions: sampleGen.coverage.contributions },
        credits: genCredits,
      },
      {
        title: `Classifier: ${answers.get(sampleCls.id)!.query}`,
        model: "spam classifier",
        output: answers.get(sampleCls.id)!.answer,
        credits: clsCredits,
      },
    ],
    generatedBy: "npm run demo",
  });
  const reportName = `${embedded ? "" : `${network.name}-`}epoch-${epoch}`;
  const htmlPath = path.join(reportsDir, `${reportName}.html`);
  await writeFile(htmlPath, renderEpochHtml(view));
  await writeFile(path.join(reportsDir, `${reportName}.report.json`), serializeEpochReport(epochReport));
  console.log(`\nHTML report: ${path.relative(process.cwd(), htmlPath)} (open it in a browser; no server needed)`);

  // After the challenge window the root is accepted (npm run epoch -- accept), and a relayer (the treasury here)
  // claims for everyone with the tree of the published report the chain's root names (npm run claim -- --network):
  // each account is paid its own amount.
  const proposed = run.state.proposal!;
  const pendingRoot = await (await RewardsClient.connect(addressOf("rewards"), provider)).pendingRoot();
  console.log(
    `\nEpoch ${epoch} rewards: ${open(BigInt(epochReport.pool))} in the pool, root ${epochReport.tree.root} proposed ` +
      `(${proposed.tx}) for ${open(BigInt(epochReport.tree.total))}, ${open(BigInt(epochReport.carryOver.total))} carried over; ` +
      `report ${run.state.published!.uri}; claimable from ${new Date(Number(pendingRoot.validAt) * 1000).toISOString()}`,
  );
  await time.increaseTo(pendingRoot.validAt);
  await acceptPendingRoot(operator, attestor);
  const distributor = addressOf("rewards");
  const { tree } = await currentTree(connection, distributor, deployment.contracts.rewards.block ?? 0, store);
  // On a node, ada's and grace's rewards stay unclaimed for the web app's Claim (npm run app); the embedded chain
  // claims them all.
  const unclaimed = embedded ? [] : people.slice(0, 2);
  const skipped = new Set(unclaimed.map((s) => s.address.toLowerCase()));
  const after = await runClaim({
    tree,
    distributor,
    signer: treasury,
    accounts: tree.entries.map((e) => e.account).filter((a) => !skipped.has(a.toLowerCase())),
    names: nameOf,
  });
  const paid = after.reduce((sum, s) => sum + s.claimed, 0n);
  const unpaid = unclaimed.reduce((sum, s) => sum + tree.amountOf(s.address), 0n);
  const names = unclaimed.map((s) => who(s.address)).join(" and ");
  console.log(
    `Claimed ${open(paid)} in all${unclaimed.length > 0 ? ` and left ${open(unpaid)} to ${names}` : ""}, root total ` +
      `${open(tree.total)}: ${paid + unpaid === tree.total ? "✓ exact to the wei" : "✗ MISMATCH"}`,
  );
  if (paid + unpaid !== tree.total) throw new Error("Claims do not sum to the root total.");
  for (const s of unclaimed) {
    console.log(
      `${who(s.address)} (${s.address}, account #${signers.indexOf(s)} of the node) has not claimed: claim in the ` +
        `web app (npm run app) with a wallet on that account, or for it from any.`,
    );
  }

  const example = contentId(firstOfAda[0]);
  console.log(
    `\nExample contribution: sha-256 ${example.contentHash}\n  IPFS CIDv1 ${example.cid} (${example.size} bytes)`,
  );
  return {
    started,
    signers,
    nameOf,
    who,
    addressOf,
    treasury,
    developer,
    gatewaySigner,
    spare: [signers[3 + validators.length + people.length - 1]],
    classifierId,
    classifierBaseModel: CLASSIFIER_BASE_MODEL,
    pricePerCall: prices.classifier,
    epochReport,
    operator,
    files,
    epoch,
    guardianIndex: signers.indexOf(guardian),
  };
}

/** Closes the operator's index, then removes the demo's files or prints what a node keeps of them. */
export async function finishDemo(run: DemoRun): Promise<void> {
  await run.operator.close();
  if (run.files.temporary) await rm(run.files.temporary, { recursive: true, force: true });
  else printNextSteps(run.files, run.epoch, run.guardianIndex);
  console.log(`\nDone in ${((Date.now() - run.started) / 1000).toFixed(1)} s.`);
}

/** The operator commands that read what the demo left on a node. */
function printNextSteps(files: DemoFiles, epoch: bigint, guardianIndex: number): void {
  const shown = (p: string) => path.relative(process.cwd(), p) || ".";
  const options =
    `--network ${network.name}` +
    (process.env.DEMO_ROOT
      ? ` --deployment ${shown(files.deploymentPath)} --data ${shown(files.dataDir)} --content ${shown(files.contentDir)}`
      : "");
  console.log(
    `\nLeft on disk for the operator commands: ${shown(files.deploymentPath)}, ${shown(path.join(files.dataDir, "index"))} ` +
      `(the index), ${shown(files.contentDir)} (contributions, logs, cards, reports), ${shown(files.epochsDir)}.`,
  );
  console.log("Try next (the node keeps running):");
  for (const line of [
    `npm run epoch -- status ${options}`,
    `npm run verify-epoch -- ${options} --epoch ${epoch}`,
    `npm run watch -- ${options} --account-index ${guardianIndex} --once`,
    `npm run claim -- ${options} --account-index <i>`,
  ]) {
    console.log(`  ${line}`);
  }
}

async function main(): Promise<void> {
  await finishDemo(await runDemo());
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
