/**
 * A model's Initial AI Offering from the command line, one command each (--help for every option):
 *
 *   npm run offering -- launch --network localhost --model 1 --terms docs/offering-terms.json [--dry-run]
 *       builds the contributors' share tree (from the accepted reports, else the accepted-bytes rule) and the
 *       prospectus, publishes it to the content store, prints the split and the milestones with their faking costs,
 *       and launches (the model's owner only).
 *   npm run offering -- status --network localhost --model 1 [--account 0x…] [--json]
 *   npm run offering -- buy --network localhost --model 1 --amount 250.5
 *   npm run offering -- finalize --network localhost --model 1 [--settle]
 *   npm run offering -- claim shares|revenue|vested --network localhost --model 1 [--account 0x…]
 */
import { readFile } from "node:fs/promises";
import { ZeroAddress, ZeroHash, getAddress, id as keccakText } from "ethers";
import type { Signer } from "ethers";
import * as z from "zod";
import {
  ContractRevertError,
  InvalidInputError,
  InvalidOfferingTermsError,
  MILESTONE_KINDS,
  ModelClient,
  buildProspectus,
  buildRewardTree,
  contentId,
  contributorShareTree,
  fakingCost,
  pricePerShare,
  prospectusHash,
  readProspectus,
  saleFills,
  serializeProspectus,
  totalSupplyOf,
  trancheAmounts,
  validateOfferingTerms,
  withDecodedErrors,
} from "../sdk/src";
import type {
  AcceptedContribution,
  EpochReport,
  GovernanceTerms,
  Milestone,
  OfferingTerms,
  SaleDeposit,
} from "../sdk/src";
import { OfferingClient } from "../sdk/src/clients/offeringClient";
import type { OfferingStatus } from "../sdk/src/clients/offeringClient";
import { describeZodIssue } from "../sdk/src/internal/zod";
import {
  CommandError,
  SIGNER_ENVIRONMENT,
  SIGNER_OPTIONS,
  SIGNER_SCHEMA,
  exitWithGroup,
  opt,
  parseOpen,
  signerChoice,
} from "./lib/cli";
import type { Command, CommandContext, CommandGroup, OptionSpec } from "./lib/cli";
import { NETWORK_ENVIRONMENT, NETWORK_OPTIONS, NETWORK_SCHEMA, openNetwork } from "./lib/operator";
import type { NetworkChoice, OperatorNetwork } from "./lib/operator";
import { chainTime, proposalEvent, publishedReport } from "./lib/roots";
import { duration, open, printTable, when } from "./lib/ui";

/* THE TERMS FILE */

const DURATION = /^(0|[1-9][0-9]*)(s|m|h|d)?$/;
const UNIT_SECONDS = { s: 1, m: 60, h: 3_600, d: 86_400 } as const;

/** Seconds of "90", "90s", "15m", "2h", "30d" (or a number of seconds). */
function seconds(value: string | number): number | undefined {
  const match = DURATION.exec(String(value));
  if (!match) return undefined;
  const total = Number(match[1]) * UNIT_SECONDS[(match[2] ?? "s") as keyof typeof UNIT_SECONDS];
  return Number.isSafeInteger(total) ? total : undefined;
}

const durationSchema = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const s = seconds(v);
  if (s === undefined) {
    ctx.addIssue({
      code: "custom",
      message: `must be seconds or a duration like "90s", "15m", "2h", "30d"; got ${JSON.stringify(v)}.`,
    });
    return z.NEVER;
  }
  return s;
});

/** A unix time, or "+<duration>" from the latest block's time when the command runs. */
const deadlineSchema = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const relative = typeof v === "string" && v.startsWith("+") ? seconds(v.slice(1)) : undefined;
  if (relative !== undefined) return (now: number) => now + relative;
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return () => v;
  ctx.addIssue({
    code: "custom",
    message: `must be a unix time or "+<duration>" from now ("+3d"); got ${JSON.stringify(v)}.`,
  });
  return z.NEVER;
});

/** An amount of OPEN or of shares (18 decimals both), as a decimal string. */
const amountSchema = z.string({ error: 'must be a decimal string ("1000", "0.5").' }).transform((v, ctx) => {
  const wei = parseOpen(v);
  if (wei === undefined) {
    ctx.addIssue({
      code: "custom",
      message: `must be a decimal amount with at most 18 decimals, below 2^256 wei; got "${v}".`,
    });
    return z.NEVER;
  }
  return wei;
});

const bpsSchema = z.number().int("must be an integer.").min(0, "must be ≥ 0.").max(10_000, "must be ≤ 10,000.");
const integerSchema = z.union([z.number().int().min(0), z.string().regex(/^(0|[1-9][0-9]*)$/)]).transform(BigInt);

const TERMS_FILE_SCHEMA = z.strictObject({
  name: z.string().min(1, "must not be empty."),
  symbol: z.string().min(1, "must not be empty."),
  split: z.strictObject({
    sale: amountSchema,
    creator: amountSchema,
    contributors: amountSchema.refine((v) => v > 0n, "must be positive: the contributors' part is the point."),
    treasury: amountSchema,
  }),
  sale: z.strictObject({
    softCap: amountSchema,
    hardCap: amountSchema,
    deadline: deadlineSchema,
    upfrontBps: bpsSchema,
  }),
  vesting: z.strictObject({ cliff: durationSchema, duration: durationSchema }),
  endVote: z.strictObject({ quorumBps: bpsSchema, votingPeriod: durationSchema }),
  milestones: z.array(
    z.strictObject({
      kind: z.enum(MILESTONE_KINDS),
      trancheBps: bpsSchema,
      deadline: deadlineSchema,
      /** SettledCalls: calls since launch (an integer); SettledFees: OPEN since launch (a decimal). */
      threshold: z.union([z.string(), z.number()]).optional(),
      datanetId: integerSchema.optional(),
      datanetVersion: z.number().int().min(0).optional(),
    }),
  ),
  creatorKeepsVersions: z.boolean(),
  governance: z.strictObject({
    votingDelay: durationSchema,
    votingPeriod: durationSchema,
    quorumPercent: z.number().int("must be an integer.").min(0).max(100, "must be ≤ 100."),
    proposalThreshold: amountSchema.optional(),
    timelockDelay: durationSchema,
  }),
});

/** A terms file read: everything but the times that depend on when it is launched, and the contributors' root. */
export interface TermsFile {
  name: string;
  symbol: string;
  governance: GovernanceTerms;
  /** The terms with deadlines resolved against `now` (the latest block's time) and the contributors' `root`. */
  terms(now: number, root: string): OfferingTerms;
}

/**
 * Reads and checks an offering's terms file (see `npm run offering -- launch --help` and the README's "Initial AI
 * Offering"). @throws InvalidOfferingTermsError naming the first field that is wrong.
 */
export async function readTermsFile(path: string): Promise<TermsFile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new InvalidInputError(`Cannot read the terms file "${path}".`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`The terms file "${path}" is not JSON.`, { cause: error });
  }
  const parsed = TERMS_FILE_SCHEMA.safeParse(json);
  if (!parsed.success) {
    const [where, message] = describeZodIssue(parsed.error.issues[0], "the terms");
    throw new InvalidOfferingTermsError(where, message);
  }
  const f = parsed.data;
  const milestones = f.milestones.map((m, i) => {
    const threshold = m.threshold === undefined ? "0" : String(m.threshold);
    const value =
      m.kind === "SettledFees"
        ? parseOpen(threshold)
        : /^(0|[1-9][0-9]*)$/.test(threshold)
          ? BigInt(threshold)
          : undefined;
    if (value === undefined) {
      throw new InvalidOfferingTermsError(
        `milestones[${i}].threshold`,
        m.kind === "SettledFees"
          ? `must be an amount of OPEN; got "${threshold}".`
          : `must be a whole number of calls; got "${threshold}".`,
      );
    }
    return { ...m, threshold: value };
  });
  return {
    name: f.name,
    symbol: f.symbol,
    governance: { ...f.governance, proposalThreshold: f.governance.proposalThreshold ?? 0n },
    terms: (now, root) => ({
      split: f.split,
      sale: { ...f.sale, deadline: f.sale.deadline(now) },
      vesting: f.vesting,
      endVote: f.endVote,
      milestones: milestones.map((m): Milestone => ({
        kind: m.kind,
        trancheBps: m.trancheBps,
        deadline: m.deadline(now),
        datanetId: m.datanetId ?? 0n,
        datanetVersion: m.datanetVersion ?? 0,
        threshold: m.threshold,
      })),
      contributorsRoot: root,
      creatorKeepsVersions: f.creatorKeepsVersions,
    }),
  };
}

/* SHARED */

const MODEL_OPTION: OptionSpec = {
  type: "string",
  value: "<id>",
  description: "the model whose offering this is",
  example: "--model 1",
};
const ACCOUNT_OPTION: OptionSpec = {
  type: "string",
  value: "<address>",
  description: "the account to show or claim for (default: the signer's)",
  example: "--account 0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
};

const OFFERING_SCHEMA = {
  ...NETWORK_SCHEMA,
  ...SIGNER_SCHEMA,
  model: opt.bigint("model"),
};

/** Shares (18 decimals) for people: like OPEN, without the unit. */
const sharesOf = (units: bigint) => open(units).replace(" OPEN", "");
const yesNo = (v: boolean) => (v ? "yes" : "no");
const percent = (part: bigint, whole: bigint) =>
  whole === 0n ? "—" : `${(Number((part * 1_000_000n) / whole) / 10_000).toFixed(2)}%`;

/** A network and the offering factory's client on it; `close` when done. */
interface OfferingSession {
  network: OperatorNetwork;
  client: OfferingClient;
  /** The block the offering factory was deployed in: where its offerings' events start. */
  fromBlock: number;
}

/** Runs `work` with a session (and the signer, when the options name one), closing the index after. */
async function withSession<T>(
  context: CommandContext,
  o: NetworkChoice & z.output<z.ZodObject<typeof SIGNER_SCHEMA>>,
  needsSigner: boolean,
  work: (session: OfferingSession, signer: Signer | undefined) => Promise<T>,
): Promise<T> {
  const network = await openNetwork(context, o);
  try {
    const choice = signerChoice(o);
    const given = choice.privateKey ?? choice.keystore ?? choice.accountIndex;
    const signer = needsSigner || given !== undefined ? await context.signer(network.connection, choice) : undefined;
    const client = await OfferingClient.connect(
      network.address("offeringFactory"),
      signer ?? network.connection.provider,
    );
    return await work({ network, client, fromBlock: network.deployment.contracts.offeringFactory?.block ?? 0 }, signer);
  } finally {
    await network.close();
  }
}

/** Refuses a model id the registry does not have (an InvalidInputError: nothing is sent). */
async function checkModel(client: OfferingClient, modelId: bigint): Promise<void> {
  const count = await client.models.modelCount();
  if (modelId === 0n || modelId > count) {
    throw new InvalidInputError(
      `Model ${modelId} does not exist: the registry has ${count} model${count === 1n ? "" : "s"} (ids 1 to ${count}).`,
    );
  }
}

/** The offering of `modelId`. @throws InvalidInputError for an unknown model, OfferingNotFoundError for none. */
async function offeringOf(client: OfferingClient, modelId: bigint): Promise<string> {
  await checkModel(client, modelId);
  return (await client.offeringOf(modelId)).offering;
}

/** Every deposit of the sale, in order, from its SharesBought events. */
async function saleDeposits(session: OfferingSession, offering: string): Promise<SaleDeposit[]> {
  const contract = session.client.offering(offering);
  const events = await contract.queryFilter(contract.filters.SharesBought(), session.fromBlock);
  return events
    .map((e) => ({ buyer: e.args.buyer, start: e.args.start, amount: e.args.amount }))
    .sort((a, b) => (a.start < b.start ? -1 : 1));
}

/* LAUNCH */

/**
 * The contributors' share tree of `modelId`: by attribution, from every accepted report (each fetched from the
 * content store at the URI its root's proposal published, checked against the chain), else by the accepted-bytes rule
 * from the index.
 */
async function contributorsOf(network: OperatorNetwork, modelId: bigint, shares: bigint) {
  const { provider } = network.connection;
  const rewards = network.address("rewards");
  const fromBlock = network.deployment.contracts.rewards?.block ?? 0;
  const accepted = await network.index.db
    .selectFrom("reward_roots")
    .selectAll()
    .where("action", "=", "accepted")
    .orderBy("epoch")
    .execute();
  const reports: EpochReport[] = [];
  for (const row of accepted) {
    const epoch = BigInt(row.epoch);
    const event = await proposalEvent(provider, rewards, fromBlock, epoch, row.root);
    if (!event) throw new CommandError(`no RootProposed event of epoch ${epoch}'s accepted root ${row.root}.`);
    reports.push(
      await publishedReport(network.store, {
        epoch,
        root: row.root,
        validAt: 0n,
        state: "accepted",
        ...event,
      }),
    );
  }
  const trained = await network.index.db
    .selectFrom("model_training_sets")
    .innerJoin("versions", (join) =>
      join
        .onRef("versions.datanet_id", "=", "model_training_sets.datanet_id")
        .onRef("versions.version", "=", "model_training_sets.datanet_version"),
    )
    .select(["model_training_sets.datanet_id", "versions.count"])
    .where("model_training_sets.model_id", "=", modelId.toString())
    .execute();
  const datanets = [...new Set(trained.map((t) => t.datanet_id))];
  const contributions: AcceptedContribution[] =
    datanets.length === 0
      ? []
      : (
          await network.index.db
            .selectFrom("contributions")
            .select(["datanet_id", "contributor", "size", "accepted_index"])
            .where("datanet_id", "in", datanets)
            .where("status", "=", "Accepted")
            .execute()
        ).map((c) => ({
          datanetId: BigInt(c.datanet_id),
          contributor: c.contributor,
          size: BigInt(c.size),
          acceptedIndex: c.accepted_index ?? undefined,
        }));
  const tree = contributorShareTree({
    reports,
    modelId,
    sharesForContributors: shares,
    fallback: {
      versions: trained.map((t) => ({ datanetId: BigInt(t.datanet_id), count: Number(t.count) })),
      contributions,
    },
  });
  return { tree, reports: tree.rule === "attribution" ? reports : [] };
}

const LAUNCH_SCHEMA = z.object({
  ...OFFERING_SCHEMA,
  terms: opt.inputFile("terms"),
  "dry-run": opt.flag(),
});

/** `npm run offering -- launch`: see --help. */
export const launchCommand: Command<z.output<typeof LAUNCH_SCHEMA>> = {
  name: "offering launch",
  summary:
    "Launches a model's Initial AI Offering (its owner only, once): reads the terms file, refuses terms the factory\n" +
    "would refuse before sending anything, syncs the index, allocates the contributors' part by attribution from\n" +
    "every accepted epoch report (each read at its root's published URI and checked against the chain), or, when no\n" +
    "accepted report credited the model, by the bytes each contributor had accepted in the model's Datanet versions;\n" +
    "builds the prospectus (provenance, settled calls and fees, split, sale, milestones with their faking costs,\n" +
    "governance, the contributors' shares), publishes it to the content store, prints it and launches.\n\n" +
    "The terms file (JSON; amounts of OPEN and shares as decimal strings, 18 decimals; durations as seconds or\n" +
    '"90s" / "15m" / "2h" / "30d"; deadlines as unix times or "+<duration>" from the latest block):\n' +
    "  name, symbol               the share token's\n" +
    "  split                      { sale, creator, contributors, treasury }: whole shares each; the supply is their sum\n" +
    "  sale                       { softCap, hardCap (OPEN), deadline, upfrontBps (paid to the creator at success) }\n" +
    "  vesting                    { cliff, duration } of the creator's shares, from the sale's success\n" +
    "  endVote                    { quorumBps, votingPeriod } of the holders' vote to end an overdue offering\n" +
    "  milestones                 [{ kind: SettledCalls | SettledFees | ModelVersion, trancheBps, deadline,\n" +
    "                               threshold (calls, or OPEN for SettledFees), datanetId, datanetVersion\n" +
    "                               (ModelVersion only) }]; upfrontBps and the tranches sum to 10,000\n" +
    "  creatorKeepsVersions       whether the creator still registers model versions after launch\n" +
    "  governance                 { votingDelay, votingPeriod, quorumPercent, proposalThreshold (shares), timelockDelay }\n" +
    "Example: docs/offering-terms.json.",
  options: {
    ...NETWORK_OPTIONS,
    ...SIGNER_OPTIONS,
    model: MODEL_OPTION,
    terms: {
      type: "string",
      value: "<file>",
      description: "the offering's terms (JSON, shape above)",
      example: "--terms docs/offering-terms.json",
    },
    "dry-run": {
      type: "boolean",
      description: "print the split, milestones and prospectus CID; publish and send nothing",
      example: "--dry-run",
    },
  },
  environment: { ...SIGNER_ENVIRONMENT, ...NETWORK_ENVIRONMENT },
  examples: [
    "npm run offering -- launch --network localhost --model 1 --terms docs/offering-terms.json --account-index 0 --dry-run",
    "PRIVATE_KEY=0x… npm run offering -- launch --network mainnet --rpc https://rpc.example --model 1 --terms terms.json",
  ],
  schema: LAUNCH_SCHEMA,
  async run(o, context) {
    const file = await readTermsFile(o.terms);
    await withSession(context, o, true, async (session, signer) => {
      const { client, network } = session;
      const creator = getAddress(await signer!.getAddress());
      await checkModel(client, o.model);
      const owner = await client.models.ownerOf(o.model);
      if (owner !== creator) {
        throw new CommandError(
          `only model ${o.model}'s owner ${owner} can launch its offering; the signer is ${creator}.`,
        );
      }
      const existing = await client.factory.offeringOf(o.model);
      if (existing.offering !== ZeroAddress) {
        throw new CommandError(
          `model ${o.model} already has an offering, at ${existing.offering}: a model launches once.`,
        );
      }
      const models = await ModelClient.connect(await client.models.getAddress(), network.connection.provider);
      const [now, totals] = await Promise.all([
        chainTime(network.connection.provider),
        client.settlement.modelTotals(o.model),
      ]);
      const checks = {
        ...(await client.launchContext(o.model, file.terms(Number(now), ZeroHash).milestones)),
        now: Number(now),
      };
      // Checked before the index is synced, so that terms the factory would refuse fail at once.
      validateOfferingTerms(file.terms(checks.now, keccakText("contributors")), file.governance, checks);
      await network.sync();
      const split = file.terms(checks.now, ZeroHash).split;
      const { tree, reports } = await contributorsOf(network, o.model, split.contributors);
      const terms = file.terms(checks.now, tree.root);
      validateOfferingTerms(terms, file.governance, checks);

      const versions = await models.versions(o.model);
      const baseModels = new Map(
        (
          await network.index.db
            .selectFrom("model_versions")
            .select(["version", "base_model"])
            .where("model_id", "=", o.model.toString())
            .execute()
        ).map((v) => [v.version, v.base_model]),
      );
      const trainedOn = new Map<string, { count: number; digest: string }>();
      for (const v of versions) {
        for (const d of v.trainedOn) {
          const published = await models.datanets.getVersion(d.datanetId, d.version);
          trainedOn.set(`${d.datanetId}:${d.version}`, { count: Number(published.count), digest: published.digest });
        }
      }
      const prospectus = buildProspectus({
        modelId: o.model,
        name: file.name,
        symbol: file.symbol,
        creator,
        versions: versions.map((v) => {
          const baseModel = baseModels.get(v.version);
          if (baseModel === undefined)
            throw new CommandError(`the index has no version ${v.version} of model ${o.model} yet.`);
          return {
            version: v.version,
            baseModel,
            adapterKind: v.adapterKind,
            adapterHash: v.adapterHash,
            trainingConfigHash: v.trainingConfigHash,
            trainedOn: v.trainedOn.map((d) => ({ ...d, ...trainedOn.get(`${d.datanetId}:${d.version}`)! })),
          };
        }),
        settled: { calls: totals.calls, fees: totals.fees },
        pricePerCall: checks.pricePerCall,
        modelBps: checks.modelBps,
        protocolFeeBps: checks.protocolFeeBps,
        terms,
        governance: file.governance,
        contributors: tree,
        reports: reports.map((r) => ({ epoch: r.epoch, reportHash: r.reportHash })),
      });
      const bytes = serializeProspectus(prospectus);
      const hash = prospectusHash(prospectus);
      const uri = o["dry-run"] ? `ipfs://${contentId(bytes).cid}` : (await network.store.put(bytes)).uri;
      printLaunch(o.model, prospectus.name, terms, checks, tree, reports.length);
      context.info(`\nProspectus ${uri} (keccak256 ${hash})${o["dry-run"] ? ", not published" : ", published"}`);
      if (o["dry-run"]) {
        context.info("Dry run: nothing was sent.");
        return;
      }
      const { contracts } = await client.launch({
        modelId: o.model,
        name: file.name,
        symbol: file.symbol,
        terms,
        governance: file.governance,
        prospectusHash: hash,
        prospectusURI: uri,
      });
      printTable(
        `Model ${o.model}'s offering launched; the sale is open until ${when(terms.sale.deadline)}`,
        ["Contract", "Address"],
        Object.entries(contracts),
      );
    });
  },
};

function printLaunch(
  modelId: bigint,
  name: string,
  terms: OfferingTerms,
  checks: { protocolFeeBps: number; pricePerCall: bigint; modelBps: number },
  tree: ReturnType<typeof contributorShareTree>,
  reports: number,
): void {
  const { split, sale, vesting } = terms;
  const supply = totalSupplyOf(split);
  printTable(
    `${name}: model ${modelId}'s supply of ${sharesOf(supply)} shares, split fixed at launch`,
    ["Part", "Shares", "Of supply", "Terms"],
    [
      [
        "Sale",
        sharesOf(split.sale),
        percent(split.sale, supply),
        `${open(pricePerShare(sale.hardCap, split.sale))} a share; soft cap ${open(sale.softCap)}, hard cap ${open(sale.hardCap)}, until ${when(sale.deadline)}`,
      ],
      [
        "Creator",
        sharesOf(split.creator),
        percent(split.creator, supply),
        `vested linearly over ${duration(vesting.duration)}, cliff ${duration(vesting.cliff)}`,
      ],
      [
        "Contributors",
        sharesOf(split.contributors),
        percent(split.contributors, supply),
        tree.rule === "attribution"
          ? `by attribution in ${reports} accepted report(s), ${tree.entries.length} accounts`
          : `by accepted bytes in the model's Datanet versions (no accepted report credited it), ${tree.entries.length} accounts`,
      ],
      [
        "Model treasury",
        sharesOf(split.treasury),
        percent(split.treasury, supply),
        "its timelock, at the sale's success",
      ],
    ],
    [1, 2],
  );
  const tranches = trancheAmounts(maxNetRaise(sale.hardCap, checks.protocolFeeBps), sale.upfrontBps, terms.milestones);
  printTable(
    `Raise: ${sale.upfrontBps / 100}% (up to ${open(tranches.upfront)}) to the creator at success, the rest escrowed by milestone`,
    ["#", "Kind", "Threshold", "Deadline", "Tranche (at most)", "Faking cost"],
    terms.milestones.map((m, i) => [
      i,
      m.kind,
      thresholdOf(m),
      when(m.deadline),
      `${m.trancheBps / 100}% (${open(tranches.milestones[i])})`,
      costOf(m, checks.pricePerCall, checks.modelBps),
    ]),
    [2, 4, 5],
  );
  printTable(
    `Contributors' shares (${tree.rule})`,
    ["Contributor", tree.rule === "attribution" ? "Attributed" : "Accepted bytes", "Shares"],
    tree.entries.map((e) => [e.account, tree.rule === "attribution" ? open(e.weight) : e.weight, sharesOf(e.shares)]),
    [1, 2],
  );
}

function thresholdOf(m: Milestone): string {
  if (m.kind === "SettledCalls") return `${m.threshold.toLocaleString("en-US")} calls since launch`;
  if (m.kind === "SettledFees") return `${open(m.threshold)} of fees since launch`;
  return `a version on Datanet ${m.datanetId}${m.datanetVersion ? ` v${m.datanetVersion}` : ""}`;
}

function costOf(m: Milestone, pricePerCall: bigint, modelBps: number): string {
  const cost = fakingCost(m.kind, m.threshold, pricePerCall, modelBps);
  return cost === null ? "— (no payment meets it)" : open(cost);
}

/* STATUS */

const STATUS_SCHEMA = z
  .object({
    ...NETWORK_SCHEMA,
    ...SIGNER_SCHEMA,
    model: opt.bigint("model").optional(),
    offering: opt.address("offering").optional(),
    account: opt.address("account").optional(),
    json: opt.flag(),
  })
  .refine((o) => o.model !== undefined || o.offering !== undefined, {
    message: "missing --model <id> or --offering <address> (see --help).",
  });

/** What `status --json` prints: the SDK's status, the sale's preview and the account's part. */
export interface StatusReport {
  status: OfferingStatus;
  buyers: number;
  /** The fills if the sale closed now (in the sale), or as settled. */
  preview: ReturnType<typeof saleFills>;
  account?: {
    address: string;
    deposit: bigint;
    fill: bigint;
    shares: bigint;
    refund: bigint;
    settled: boolean;
    balance: bigint;
    votes: bigint;
    accruedRevenue: bigint;
  };
  /** Each milestone's faking cost at today's price and fee split (null: none). */
  fakingCosts: (bigint | null)[];
  /** Each milestone's tranche at the hard cap, after today's protocol fee: the most it can release. */
  maxTranches: bigint[];
}

async function statusReport(session: OfferingSession, offering: string, account?: string): Promise<StatusReport> {
  const { client } = session;
  const status = await client.status(offering);
  const [deposits, feeBps, modelTerms, feeSplit] = await Promise.all([
    saleDeposits(session, offering),
    client.factory.protocolFeeBps(),
    client.models.terms(status.modelId),
    client.settlement.feeSplit(),
  ]);
  const { terms } = status;
  const preview = saleFills(deposits, {
    softCap: terms.sale.softCap,
    hardCap: terms.sale.hardCap,
    sale: terms.split.sale,
    protocolFeeBps: Number(feeBps),
  });
  let mine: StatusReport["account"];
  if (account !== undefined) {
    const fill = preview.fills.find((f) => f.buyer.toLowerCase() === account.toLowerCase());
    const [deposit] = await client.buyers(offering, [account]);
    const [holder] = await client.holders(status.contracts.shares, [account]);
    mine = {
      address: account,
      deposit: fill?.amount ?? 0n,
      fill: fill?.fill ?? 0n,
      shares: fill?.shares ?? 0n,
      refund: fill?.refund ?? 0n,
      settled: fill !== undefined && deposit.amount === 0n,
      balance: holder.balance,
      votes: holder.votes,
      accruedRevenue: holder.accrued,
    };
  }
  return {
    status,
    buyers: deposits.length,
    preview,
    account: mine,
    maxTranches: trancheAmounts(
      maxNetRaise(terms.sale.hardCap, Number(feeBps)),
      terms.sale.upfrontBps,
      terms.milestones,
    ).milestones,
    fakingCosts: terms.milestones.map((m) =>
      fakingCost(m.kind, m.threshold, modelTerms.pricePerCall, Number(feeSplit.modelBps)),
    ),
  };
}

function printStatus(r: StatusReport): void {
  const s = r.status;
  const { sale, split, vesting } = s.terms;
  const open_ = s.state === "Sale" && s.now < sale.deadline;
  printTable(
    `Model ${s.modelId}'s offering: ${s.state}${s.state === "Sale" ? (open_ ? " (open)" : " (closed, to finalize)") : ""}`,
    ["", ""],
    [
      ["Offering", s.offering],
      ["Shares", s.contracts.shares],
      ["Creator", s.creator],
      ["Governor / timelock", `${s.contracts.governor} / ${s.contracts.timelock}`],
      ["Prospectus", `${s.prospectusURI} (keccak256 ${s.prospectusHash})`],
      ["Supply", `${sharesOf(s.shares.totalSupply)} shares`],
    ],
  );
  const left = sale.deadline - s.now;
  printTable(
    `Sale: ${open(s.totalDeposits)} deposited by ${r.buyers} buyer(s)`,
    ["Deposited", "Soft cap", "Hard cap", "Price a share", "Deadline", "If it closed now"],
    [
      [
        `${open(s.totalDeposits)} (${percent(s.totalDeposits, sale.hardCap)} of the hard cap)`,
        open(sale.softCap),
        open(sale.hardCap),
        open(pricePerShare(sale.hardCap, split.sale)),
        `${when(sale.deadline)}${left > 0 ? ` (in ${duration(left)})` : " (passed)"}`,
        !r.preview.succeeded
          ? "fails: every deposit refunded"
          : r.preview.deposited > sale.hardCap
            ? `oversubscribed: each deposit filled ${percent(r.preview.raised, r.preview.deposited)}`
            : "succeeds: every deposit filled",
      ],
    ],
    [0, 1, 2, 3],
  );
  if (r.account) {
    const a = r.account;
    printTable(
      `${a.address}: ${s.state === "Sale" ? "its fill if the sale closed now" : a.settled ? "settled" : "to settle"}`,
      ["Deposited", "Filled", "Shares", "Refund", "Share balance", "Votes", "Revenue accrued"],
      [
        [
          open(a.deposit),
          open(a.fill),
          sharesOf(a.shares),
          open(a.refund),
          sharesOf(a.balance),
          sharesOf(a.votes),
          `${open(a.accruedRevenue)} (${a.accruedRevenue} wei)`,
        ],
      ],
      [0, 1, 2, 3, 4, 5, 6],
    );
  }
  printTable(
    `Raise: net ${open(s.netRaise)}, released to the creator ${open(s.released)}`,
    ["#", "Kind", "Threshold", "Progress", "Met", "Released", "Deadline", "Tranche", "Faking cost"],
    s.milestones.map((m, i) => [
      i,
      m.kind,
      thresholdOf(m),
      m.progress === undefined ? "—" : m.kind === "SettledFees" ? open(m.progress) : m.progress.toLocaleString("en-US"),
      yesNo(m.met),
      yesNo(m.released),
      when(m.deadline),
      `${m.trancheBps / 100}% (${s.state === "Sale" ? `up to ${open(r.maxTranches[i])}` : open(m.tranche)})`,
      r.fakingCosts[i] === null ? "—" : open(r.fakingCosts[i]!),
    ]),
    [2, 3, 7, 8],
  );
  const e = s.endVote;
  printTable(
    "Creator's vesting and the holders' end vote",
    ["", ""],
    [
      [
        "Vesting",
        `${sharesOf(s.vesting.vested)} of ${sharesOf(split.creator)} vested, ${sharesOf(s.vesting.claimed)} claimed ` +
          `(cliff ${duration(vesting.cliff)}, over ${duration(vesting.duration)})`,
      ],
      [
        "End vote",
        e.open
          ? `open on milestone ${e.index} until ${when(e.voteEnd)}: ${sharesOf(e.votesFor)} for, ${sharesOf(e.votesAgainst)} against, quorum ${sharesOf(e.quorum)}`
          : `none open (quorum ${s.terms.endVote.quorumBps / 100}% over ${duration(s.terms.endVote.votingPeriod)}, once a milestone is overdue)`,
      ],
    ],
  );
  printTable(
    "Holders' revenue",
    ["Received", "Paid", "Per share (scaled)"],
    [
      [
        `${open(s.shares.revenueReceived)} (${s.shares.revenueReceived} wei)`,
        `${open(s.shares.revenuePaid)} (${s.shares.revenuePaid} wei)`,
        s.shares.revenuePerShare.toString(),
      ],
    ],
    [0, 1, 2],
  );
}

/** The net raise at the hard cap, after a protocol fee of `feeBps`: what the tranches split at most. */
const maxNetRaise = (hardCap: bigint, feeBps: number) => hardCap - (hardCap * BigInt(feeBps)) / 10_000n;

/** JSON with bigints as decimal strings. */
const toJson = (value: unknown) =>
  JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);

/** `npm run offering -- status`: see --help. */
export const statusCommand: Command<z.output<typeof STATUS_SCHEMA>> = {
  name: "offering status",
  summary:
    "Shows an offering: its state, the sale's deposits against its caps and deadline, what every deposit would fill if\n" +
    "the sale closed now, the account's fill, shares, votes and revenue, each milestone (threshold, progress, met,\n" +
    "released, deadline, tranche, faking cost), the creator's vesting, the end vote and the holders' revenue.",
  options: {
    ...NETWORK_OPTIONS,
    ...SIGNER_OPTIONS,
    model: MODEL_OPTION,
    offering: {
      type: "string",
      value: "<address>",
      description: "the offering contract instead of --model",
      example: "--offering 0x5FbDB2315678afecb367f032d93F642f64180aa3",
    },
    account: {
      ...ACCOUNT_OPTION,
      description: "show this account's fill, shares and revenue (default: the signer's, if any)",
    },
    json: { type: "boolean", description: "print the status as JSON (amounts in wei, as strings)", example: "--json" },
  },
  environment: NETWORK_ENVIRONMENT,
  examples: [
    "npm run offering -- status --network localhost --model 1",
    "npm run offering -- status --network localhost --offering 0x… --account 0x… --json",
  ],
  schema: STATUS_SCHEMA,
  async run(o, context) {
    // With --json, stdout is the JSON alone: the lines about the chain and the signer are left out.
    if (o.json) context.info = () => undefined;
    await withSession(context, o, false, async (session, signer) => {
      let offering = o.offering;
      if (offering === undefined) offering = await offeringOf(session.client, o.model!);
      const account = o.account ?? (signer && (await signer.getAddress()));
      const report = await statusReport(session, offering, account);
      if (o.json) console.log(toJson(report));
      else printStatus(report);
    });
  },
};

/* BUY */

const BUY_SCHEMA = z.object({ ...OFFERING_SCHEMA, amount: opt.open("amount") });

/** `npm run offering -- buy`: see --help. */
export const buyCommand: Command<z.output<typeof BUY_SCHEMA>> = {
  name: "offering buy",
  summary:
    "Deposits OPEN in a model's sale (once per buyer), approving the offering first when the allowance is short. The\n" +
    "sale's checks run against the chain before anything is sent: a closed sale or a second deposit sends nothing.\n" +
    "After the deadline, finalize and settle: an oversubscribed sale fills every deposit pro rata and refunds the rest.",
  options: {
    ...NETWORK_OPTIONS,
    ...SIGNER_OPTIONS,
    model: MODEL_OPTION,
    amount: {
      type: "string",
      value: "<OPEN>",
      description: "the deposit, in OPEN (decimal)",
      example: "--amount 250.5",
    },
  },
  environment: { ...SIGNER_ENVIRONMENT, ...NETWORK_ENVIRONMENT },
  examples: ["npm run offering -- buy --network localhost --model 1 --amount 250 --account-index 3"],
  schema: BUY_SCHEMA,
  async run(o, context) {
    await withSession(context, o, true, async (session, signer) => {
      const { client } = session;
      const offering = await offeringOf(client, o.model);
      const buyer = await signer!.getAddress();
      // The sale's own checks (deadline, one deposit, amount) come before its transfer: a call that fails only for the
      // allowance passes them, and anything else is refused before the approval is sent.
      try {
        await withDecodedErrors(() => client.offering(offering).buy.staticCall(o.amount));
      } catch (error) {
        if (!(error instanceof ContractRevertError && error.errorName === "ERC20InsufficientAllowance")) throw error;
      }
      const balance = await client.token.balanceOf(buyer);
      if (balance < o.amount) {
        throw new CommandError(`${buyer} holds ${open(balance)}, less than the ${open(o.amount)} to deposit.`);
      }
      await client.buy(offering, o.amount);
      const report = await statusReport(session, offering, buyer);
      const a = report.account!;
      context.info(
        `Deposited ${open(o.amount)} in model ${o.model}'s sale (${open(report.status.totalDeposits)} deposited in all, ` +
          `hard cap ${open(report.status.terms.sale.hardCap)}); if the sale closed now: ${open(a.fill)} filled for ` +
          `${sharesOf(a.shares)} shares, ${open(a.refund)} refunded.`,
      );
    });
  },
};

/* FINALIZE */

const FINALIZE_SCHEMA = z.object({ ...OFFERING_SCHEMA, settle: opt.flag() });

/** `npm run offering -- finalize`: see --help. */
export const finalizeCommand: Command<z.output<typeof FINALIZE_SCHEMA>> = {
  name: "offering finalize",
  summary:
    "Closes a sale after its deadline (anyone): under the soft cap it fails and every deposit is refundable in full;\n" +
    "else it raises min(deposits, hard cap), pays the protocol fee and the creator's upfront part, and escrows the\n" +
    "rest. With --settle, then settles every buyer not yet settled (its shares and refund, or its whole deposit).",
  options: {
    ...NETWORK_OPTIONS,
    ...SIGNER_OPTIONS,
    model: MODEL_OPTION,
    settle: { type: "boolean", description: "also settle every buyer (from the sale's events)", example: "--settle" },
  },
  environment: { ...SIGNER_ENVIRONMENT, ...NETWORK_ENVIRONMENT },
  examples: ["npm run offering -- finalize --network localhost --model 1 --settle --account-index 0"],
  schema: FINALIZE_SCHEMA,
  async run(o, context) {
    await withSession(context, o, true, async (session) => {
      const { client } = session;
      const offering = await offeringOf(client, o.model);
      if ((await client.offering(offering).state()) === 0n) await client.finalize(offering);
      else context.info(`Model ${o.model}'s sale is already finalized.`);
      const status = await client.status(offering);
      context.info(
        status.state === "Failed"
          ? `The sale failed (${open(status.totalDeposits)} deposited, soft cap ${open(status.terms.sale.softCap)}): every deposit is refunded in full.`
          : `The sale succeeded: net raise ${open(status.netRaise)}, ${open(status.released)} released to the creator, the rest escrowed by milestone.`,
      );
      if (!o.settle) return;
      const deposits = await saleDeposits(session, offering);
      const buyers = await client.buyers(
        offering,
        deposits.map((d) => d.buyer),
      );
      const rows: string[][] = [];
      for (const [i, b] of buyers.entries()) {
        const pending = b.amount !== 0n;
        if (pending) await client.settle(offering, b.buyer);
        rows.push([b.buyer, open(deposits[i].amount), sharesOf(b.shares), open(b.refund), pending ? "now" : "before"]);
      }
      printTable("Buyers settled", ["Buyer", "Deposited", "Shares", "Refund", "Settled"], rows, [1, 2, 3]);
    });
  },
};

/* CLAIM */

const CLAIM_KINDS = ["shares", "revenue", "vested"] as const;

const CLAIM_SCHEMA = z.object({
  ...OFFERING_SCHEMA,
  account: opt.address("account").optional(),
  positionals: z
    .array(z.string())
    .refine((p) => p.length === 1 && (CLAIM_KINDS as readonly string[]).includes(p[0]), {
      message: `give what to claim: one of ${CLAIM_KINDS.join(", ")} (see --help).`,
    })
    .transform((p) => p[0] as (typeof CLAIM_KINDS)[number]),
});

/** `npm run offering -- claim`: see --help. */
export const claimCommand: Command<z.output<typeof CLAIM_SCHEMA>> = {
  name: "offering claim",
  summary:
    "Claims from a model's offering: shares, a contributor's shares from the share tree in the prospectus (fetched\n" +
    "from the content store and checked against the hash the offering records; anyone may claim for an account, the\n" +
    "shares go to it); revenue, an account's accrued revenue from the share token (anyone may claim for it, paid to\n" +
    "it); vested, the creator's vested shares (the creator only).",
  positionals: { value: "<shares|revenue|vested>", description: "what to claim" },
  options: { ...NETWORK_OPTIONS, ...SIGNER_OPTIONS, model: MODEL_OPTION, account: ACCOUNT_OPTION },
  environment: { ...SIGNER_ENVIRONMENT, ...NETWORK_ENVIRONMENT },
  examples: [
    "npm run offering -- claim shares --network localhost --model 1 --account 0x… --account-index 0",
    "npm run offering -- claim revenue --network localhost --model 1 --account-index 3",
    "npm run offering -- claim vested --network localhost --model 1 --account-index 6",
  ],
  schema: CLAIM_SCHEMA,
  async run(o, context) {
    await withSession(context, o, true, async (session, signer) => {
      const { client, network } = session;
      await checkModel(client, o.model);
      const { offering, shares } = await client.offeringOf(o.model);
      const account = o.account ?? (await signer!.getAddress());
      const balanceOf = (of: string) => client.token.balanceOf(of);
      if (o.positionals === "revenue") {
        const before = await balanceOf(account);
        await client.claimRevenue(shares, account);
        const paid = (await balanceOf(account)) - before;
        context.info(`Claimed ${open(paid)} (${paid} wei) of model ${o.model}'s revenue for ${account}.`);
        return;
      }
      if (o.positionals === "vested") {
        const [creator, vesting] = await Promise.all([
          client.offering(offering).creator(),
          client.offering(offering).vesting(),
        ]);
        await client.claimVested(offering);
        const [vested, claimed] = await client.offering(offering).vesting();
        context.info(
          `Claimed ${sharesOf(claimed - vesting[1])} vested shares for the creator ${creator} (${sharesOf(claimed)} of ` +
            `${sharesOf(vested)} vested so far).`,
        );
        return;
      }
      const uri = await client.offering(offering).prospectusURI();
      const bytes = await network.store.get(uri);
      if (bytes === undefined) throw new CommandError(`the prospectus ${uri} is not in the content store.`);
      const prospectus = readProspectus(bytes);
      const recorded = await client.offering(offering).prospectusHash();
      if (prospectusHash(prospectus) !== recorded) {
        throw new CommandError(`the prospectus at ${uri} does not have the hash the offering records (${recorded}).`);
      }
      const tree = buildRewardTree(
        prospectus.contributors.shares
          .filter((e) => e.shares !== "0")
          .map((e) => ({ account: e.account, amount: BigInt(e.shares) })),
      );
      const entry = tree.entries.find((e) => e.account.toLowerCase() === account.toLowerCase());
      if (!entry) throw new CommandError(`${account} has no shares in model ${o.model}'s contributor tree.`);
      await client.claimContributorShares(offering, account, tree);
      context.info(`Claimed ${sharesOf(entry.amount)} contributor shares of model ${o.model} for ${account}.`);
    });
  },
};

/** `npm run offering`: its commands. */
export const offeringGroup: CommandGroup = {
  name: "offering",
  summary:
    "A model's Initial AI Offering: launch it (its owner), show its status, buy in its sale, finalize it and settle the\n" +
    "buyers, and claim contributor shares, revenue or vested shares.",
  commands: {
    launch: launchCommand as Command<never>,
    status: statusCommand as Command<never>,
    buy: buyCommand as Command<never>,
    finalize: finalizeCommand as Command<never>,
    claim: claimCommand as Command<never>,
  },
};

if (require.main === module) exitWithGroup(offeringGroup);
