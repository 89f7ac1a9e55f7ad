import { AbiCoder, Interface, ZeroHash } from "ethers";
import type { EventFragment, InterfaceAbi, ParamType, Result } from "ethers";
import { DatanetRegistry__factory } from "../../contracts/typechain/factories/contracts/DatanetRegistry__factory";
import { EpochClock__factory } from "../../contracts/typechain/factories/contracts/EpochClock__factory";
import { InferenceSettlement__factory } from "../../contracts/typechain/factories/contracts/InferenceSettlement__factory";
import { ModelRegistry__factory } from "../../contracts/typechain/factories/contracts/ModelRegistry__factory";
import { OpenGovernor__factory } from "../../contracts/typechain/factories/contracts/governance/OpenGovernor__factory";
import { RewardDistributor__factory } from "../../contracts/typechain/factories/contracts/RewardDistributor__factory";
import { StakingPool__factory } from "../../contracts/typechain/factories/contracts/StakingPool__factory";
import { TimelockController__factory } from "../../contracts/typechain/factories/@openzeppelin/contracts/governance/TimelockController__factory";
import { contributionIdOf, foldDigest } from "../../datanet/digest";
import { IntegrityError } from "../../errors";
import type { ContributionsTable, EventPosition, EventTableName, IndexSchema } from "./schema";

/** The contracts the protocol indexer reads, by the names a deployment gives them. */
export const INDEXED_CONTRACTS = {
  datanets: DatanetRegistry__factory.abi,
  models: ModelRegistry__factory.abi,
  settlement: InferenceSettlement__factory.abi,
  staking: StakingPool__factory.abi,
  rewards: RewardDistributor__factory.abi,
  clock: EpochClock__factory.abi,
  timelock: TimelockController__factory.abi,
  governor: OpenGovernor__factory.abi,
} as const satisfies Record<string, InterfaceAbi>;

export type IndexedContractName = keyof typeof INDEXED_CONTRACTS;

/** How to decode one event: its fragment and the types of its data (the indexed arguments are in the topics). */
interface EventCodec {
  fragment: EventFragment;
  dataTypes: ParamType[];
}

/**
 * Each contract's events by topic. Decoding goes around `Interface.parseLog`, which hashes every event's signature
 * for every log and wraps the arguments in a proxy: a hundred thousand logs took seconds more that way.
 */
const EVENTS = Object.fromEntries(
  Object.entries(INDEXED_CONTRACTS).map(([name, abi]) => {
    const byTopic = new Map<string, EventCodec>();
    new Interface(abi).forEachEvent((fragment) =>
      byTopic.set(fragment.topicHash, { fragment, dataTypes: fragment.inputs.filter((p) => !p.indexed) }),
    );
    return [name, byTopic];
  }),
) as Record<IndexedContractName, Map<string, EventCodec>>;

const coder = AbiCoder.defaultAbiCoder();

/** A log as `eth_getLogs` returns it, numbers parsed. */
export interface RawLog {
  address: string;
  topics: readonly string[];
  data: string;
  blockNumber: number;
  blockHash: string;
  transactionHash: string;
  logIndex: number;
  removed?: boolean;
}

/** An event's name, fragment and arguments by name (addresses as the ABI coder gives them, or lower-case). */
export interface DecodedEvent {
  name: string;
  fragment: EventFragment;
  // The arguments' types are the ABI's: each case of buildRangeRows reads the ones its event has.
  args: Record<string, any>;
}

/** A log of an indexed contract, decoded. */
export interface DecodedLog {
  contract: IndexedContractName;
  event: DecodedEvent;
  position: EventPosition;
  blockHash: string;
}

/** An indexed argument from its topic: a value type decoded, a dynamic one left as the hash the topic holds. */
function topicValue(type: ParamType, topic: string): unknown {
  switch (type.baseType) {
    case "address":
      return `0x${topic.slice(26)}`;
    case "bool":
      return BigInt(topic) !== 0n;
    case "string":
    case "bytes":
    case "array":
    case "tuple":
      return topic;
    default:
      return type.type.startsWith("uint") || type.type.startsWith("int")
        ? coder.decode([type], topic)[0]
        : topic.toLowerCase();
  }
}

/** Decodes `log` with `contract`'s ABI; undefined for an event the ABI does not know or data it cannot decode. */
export function decodeLog(contract: IndexedContractName, log: RawLog): DecodedLog | undefined {
  const codec = EVENTS[contract].get(log.topics[0]);
  if (!codec) return undefined;
  const { fragment } = codec;
  const args: Record<string, unknown> = {};
  try {
    const data = coder.decode(codec.dataTypes, log.data);
    let topic = 1;
    let field = 0;
    for (const input of fragment.inputs) {
      args[input.name] = input.indexed ? topicValue(input, log.topics[topic++]) : data[field++];
    }
  } catch {
    return undefined;
  }
  return {
    contract,
    event: { name: fragment.name, fragment, args },
    position: { block_number: log.blockNumber, tx_hash: log.transactionHash.toLowerCase(), log_index: log.logIndex },
    blockHash: log.blockHash.toLowerCase(),
  };
}

/** A contribution decided by an event: the status columns its row takes. */
export type ContributionOutcome = Pick<
  ContributionsTable,
  | "contribution_id"
  | "status"
  | "status_block"
  | "status_tx_hash"
  | "status_log_index"
  | "refund"
  | "slashed"
  | "kept"
  | "accepted_index"
  | "accepted_digest"
>;

/** The status columns of a contribution no event has decided yet. */
export const UNDECIDED = {
  status: "Pending",
  status_block: null,
  status_tx_hash: null,
  status_log_index: null,
  refund: null,
  slashed: null,
  kept: null,
  accepted_index: null,
  accepted_digest: null,
} as const satisfies Omit<ContributionOutcome, "contribution_id">;

/** What the events before a range left, as far as the range's rows depend on it. */
export interface PriorState {
  /** Attempts so far, per `datanetId:contentHash`. */
  attempts: Map<string, number>;
  /** Acceptances so far and the digest after the last one, per Datanet id. */
  acceptances: Map<string, { count: number; digest: string }>;
}

/** The rows of a range of events, in event order within each table. */
export interface RangeRows {
  inserts: { [T in EventTableName]?: IndexSchema[T][] };
  outcomes: ContributionOutcome[];
}

/** The prior state a range needs: the content hashes it submits and the Datanets it accepts into or versions. */
export function priorStateKeys(logs: readonly DecodedLog[]): { contentHashes: Set<string>; datanetIds: Set<string> } {
  const contentHashes = new Set<string>();
  const datanetIds = new Set<string>();
  for (const { contract, event } of logs) {
    if (contract !== "datanets") continue;
    if (event.name === "ContributionSubmitted") contentHashes.add(String(event.args.contentHash).toLowerCase());
    if (event.name === "ContributionAccepted" || event.name === "VersionPublished") {
      datanetIds.add(event.args.datanetId.toString());
    }
  }
  return { contentHashes, datanetIds };
}

export const attemptKey = (datanetId: string, contentHash: string) => `${datanetId}:${contentHash.toLowerCase()}`;

const lower = (address: string) => address.toLowerCase();

/** An event's named arguments as JSON: numbers as decimal strings, addresses lower-case, tuples as objects. */
export function argsJson(event: DecodedEvent): string {
  return JSON.stringify(
    Object.fromEntries(event.fragment.inputs.map((type) => [type.name, plain(event.args[type.name], type)])),
  );
}

function plainTuple(values: Result, types: readonly ParamType[]): Record<string, unknown> {
  return Object.fromEntries(types.map((type, i) => [type.name || String(i), plain(values[i], type)]));
}

function plain(value: unknown, type: ParamType): unknown {
  if (type.isArray()) return Array.from(value as Result, (item) => plain(item, type.arrayChildren));
  if (type.isTuple()) return plainTuple(value as Result, type.components);
  if (typeof value === "bigint") return value.toString();
  if (type.baseType === "address") return lower(value as string);
  return value;
}

/**
 * Turns a range's decoded logs (in chain order) into table rows, checking each contribution id against its attempt,
 * each acceptance's digest against the one recomputed from the content hashes, and each version against the
 * acceptances before it, as {@link DatanetIndexer} does. `prior` is updated as the range goes.
 *
 * @throws IntegrityError when an emitted id, index or digest differs from the recomputed one.
 */
export function buildRangeRows(logs: readonly DecodedLog[], prior: PriorState): RangeRows {
  const inserts: RangeRows["inserts"] = {};
  const outcomes: ContributionOutcome[] = [];
  const add = <T extends EventTableName>(table: T, row: IndexSchema[T]) => {
    const rows = (inserts[table] ?? []) as IndexSchema[T][];
    rows.push(row);
    (inserts as Record<T, IndexSchema[T][]>)[table] = rows;
  };
  for (const { contract, event, position } of logs) {
    const a = event.args;
    const at = position;
    const key = `${contract}.${event.name}`;
    switch (key) {
      case "datanets.DatanetCreated":
        add("datanets", { ...at, datanet_id: a.datanetId.toString(), owner: lower(a.owner), uri: a.uri });
        break;
      case "datanets.Transfer":
      case "models.Transfer":
        add("nft_transfers", {
          ...at,
          contract: contract as "datanets" | "models",
          token_id: a.tokenId.toString(),
          from_address: lower(a.from),
          to_address: lower(a.to),
        });
        break;
      case "datanets.DatanetURIUpdated":
        add("datanet_uri_updates", { ...at, datanet_id: a.datanetId.toString(), uri: a.uri });
        break;
      case "datanets.TermsUpdated": {
        const p = a.policy;
        const datanetId = a.datanetId.toString();
        const termsVersion = Number(a.termsVersion);
        add("terms", {
          ...at,
          datanet_id: datanetId,
          terms_version: termsVersion,
          bond: p.bond.toString(),
          quorum: Number(p.quorum),
          review_window: Number(p.reviewWindow),
          access_mode: Number(p.accessMode),
          max_file_bytes: p.maxFileBytes.toString(),
          contributor_daily_files: Number(p.contributorDailyFiles),
          contributor_daily_bytes: p.contributorDailyBytes.toString(),
          datanet_daily_bytes: p.datanetDailyBytes.toString(),
        });
        (a.validators as string[]).forEach((validator, position) =>
          add("validators", {
            ...at,
            position,
            datanet_id: datanetId,
            terms_version: termsVersion,
            validator: lower(validator),
          }),
        );
        break;
      }
      case "datanets.ModelAccessSet":
        add("model_access", {
          ...at,
          datanet_id: a.datanetId.toString(),
          account: lower(a.account),
          approved: a.approved,
        });
        break;
      case "datanets.ContributionCommitted":
        add("commitments", {
          ...at,
          commitment: String(a.commitment).toLowerCase(),
          contributor: lower(a.contributor),
        });
        break;
      case "datanets.ContributionSubmitted": {
        const datanetId = a.datanetId.toString();
        const contentHash = String(a.contentHash).toLowerCase();
        const k = attemptKey(datanetId, contentHash);
        const attempt = (prior.attempts.get(k) ?? 0) + 1;
        if (contributionIdOf(a.datanetId, contentHash, attempt) !== a.contributionId) {
          throw new IntegrityError(
            `Contribution id ${a.contributionId} does not match attempt ${attempt} of its Datanet and content hash.`,
          );
        }
        prior.attempts.set(k, attempt);
        add("contributions", {
          ...at,
          contribution_id: a.contributionId.toString(),
          datanet_id: datanetId,
          contributor: lower(a.contributor),
          content_hash: contentHash,
          attempt,
          size: a.size.toString(),
          uri: a.uri,
          terms_version: Number(a.termsVersion),
          bond: a.bond.toString(),
          from_credit: a.fromCredit,
          ...UNDECIDED,
        });
        break;
      }
      case "datanets.VoteCast":
        add("votes", {
          ...at,
          datanet_id: a.datanetId.toString(),
          contribution_id: a.contributionId.toString(),
          validator: lower(a.validator),
          accept: a.accept,
        });
        break;
      case "datanets.ContributionAccepted": {
        const datanetId = a.datanetId.toString();
        const before = prior.acceptances.get(datanetId) ?? { count: 0, digest: ZeroHash };
        const digest = foldDigest(before.digest, a.contributionId, a.contentHash);
        const index = before.count + 1;
        if (digest !== a.digest || Number(a.index) !== index) {
          throw new IntegrityError(
            `Datanet ${datanetId}: acceptance ${a.index} emitted digest ${a.digest}, recomputed ${digest} at index ${index}.`,
          );
        }
        prior.acceptances.set(datanetId, { count: index, digest });
        outcomes.push(outcome(a.contributionId, "Accepted", at, { refund: a.refund, index, digest }));
        break;
      }
      case "datanets.ContributionRejected":
        outcomes.push(outcome(a.contributionId, "Rejected", at, { slashed: a.slashed }));
        break;
      case "datanets.ContributionSuperseded":
        outcomes.push(outcome(a.contributionId, "Superseded", at, { refund: a.refund }));
        break;
      case "datanets.ContributionExpired":
        outcomes.push(outcome(a.contributionId, "Expired", at, { refund: a.refund, kept: a.kept }));
        break;
      case "datanets.BondCreditWithdrawn":
        add("bond_credit_withdrawals", {
          ...at,
          account: lower(a.account),
          to_address: lower(a.to),
          amount: a.amount.toString(),
        });
        break;
      case "datanets.TreasuryWithdrawn":
        add("treasury_withdrawals", {
          ...at,
          datanet_id: a.datanetId.toString(),
          to_address: lower(a.to),
          amount: a.amount.toString(),
        });
        break;
      case "datanets.VersionPublished": {
        const datanetId = a.datanetId.toString();
        const count = Number(a.count);
        const state = prior.acceptances.get(datanetId) ?? { count: 0, digest: ZeroHash };
        if (state.digest !== a.digest || count !== state.count) {
          throw new IntegrityError(
            `Datanet ${datanetId} version ${a.version}: emitted (${count}, ${a.digest}), recomputed (${state.count}, ${state.digest}).`,
          );
        }
        add("versions", {
          ...at,
          datanet_id: datanetId,
          version: Number(a.version),
          count,
          digest: String(a.digest).toLowerCase(),
          recomputed_digest: state.digest,
        });
        break;
      }
      case "models.ModelRegistered":
        add("models", { ...at, model_id: a.modelId.toString(), owner: lower(a.owner), uri: a.uri });
        break;
      case "models.ModelVersionAdded": {
        const modelId = a.modelId.toString();
        const version = Number(a.version);
        add("model_versions", {
          ...at,
          model_id: modelId,
          version,
          base_model: a.baseModel,
          adapter_kind: Number(a.adapterKind),
          adapter_hash: String(a.adapterHash).toLowerCase(),
          training_config_hash: String(a.trainingConfigHash).toLowerCase(),
        });
        Array.from(a.trainedOn as Result).forEach((ref, position) =>
          add("model_training_sets", {
            ...at,
            position,
            model_id: modelId,
            version,
            datanet_id: ref.datanetId.toString(),
            datanet_version: Number(ref.version),
          }),
        );
        break;
      }
      case "models.ModelPriceUpdated":
        add("model_updates", {
          ...at,
          model_id: a.modelId.toString(),
          field: "price",
          value: a.pricePerCall.toString(),
        });
        break;
      case "models.ModelRevenueRecipientUpdated":
        add("model_updates", {
          ...at,
          model_id: a.modelId.toString(),
          field: "revenue_recipient",
          value: lower(a.revenueRecipient),
        });
        break;
      case "models.ModelURIUpdated":
        add("model_updates", { ...at, model_id: a.modelId.toString(), field: "uri", value: a.uri });
        break;
      case "settlement.InferenceSettled":
        add("settlements", {
          ...at,
          id: `${at.tx_hash}:${at.log_index}`,
          epoch: Number(a.epoch),
          model_id: a.modelId.toString(),
          payer: lower(a.payer),
          calls: a.calls.toString(),
          fee: a.fee.toString(),
          treasury_share: a.treasuryShare.toString(),
          model_share: a.modelShare.toString(),
          stakers_share: a.stakersShare.toString(),
          contributors_share: a.contributorsShare.toString(),
          log_root: String(a.logRoot).toLowerCase(),
          log_uri: a.logURI,
        });
        break;
      case "staking.Staked":
        add("stakes", {
          ...at,
          account: lower(a.account),
          amount: a.amount.toString(),
          total_staked: a.totalStaked.toString(),
        });
        break;
      case "staking.UnstakeRequested":
        add("unstake_requests", {
          ...at,
          account: lower(a.account),
          amount: a.amount.toString(),
          unstaking: a.unstaking.toString(),
          ready_at: Number(a.readyAt),
        });
        break;
      case "staking.Withdrawn":
        add("withdrawals", { ...at, account: lower(a.account), amount: a.amount.toString() });
        break;
      case "staking.RewardClaimed":
        add("staking_reward_claims", { ...at, account: lower(a.account), amount: a.amount.toString() });
        break;
      case "staking.RewardNotified":
        add("reward_notifications", { ...at, amount: a.amount.toString() });
        break;
      case "staking.RewardPeriodStarted":
        add("reward_periods", {
          ...at,
          period_end: Number(a.periodEnd),
          amount: a.amount.toString(),
          rate: a.rate.toString(),
        });
        break;
      case "rewards.Funded":
        add("reward_fundings", {
          ...at,
          from_address: lower(a.from),
          amount: a.amount.toString(),
          total_funded: a.totalFunded.toString(),
        });
        break;
      case "rewards.RootProposed":
        add("reward_roots", {
          ...at,
          action: "proposed",
          epoch: Number(a.epoch),
          root: String(a.root).toLowerCase(),
          total: a.total.toString(),
          report_hash: String(a.reportHash).toLowerCase(),
          report_uri: a.reportURI,
          valid_at: Number(a.validAt),
          guardian: null,
        });
        break;
      case "rewards.RootRevoked":
        add("reward_roots", {
          ...at,
          action: "revoked",
          epoch: Number(a.epoch),
          root: String(a.root).toLowerCase(),
          total: null,
          report_hash: null,
          report_uri: null,
          valid_at: null,
          guardian: lower(a.guardian),
        });
        break;
      case "rewards.RootAccepted":
        add("reward_roots", {
          ...at,
          action: "accepted",
          epoch: Number(a.epoch),
          root: String(a.root).toLowerCase(),
          total: a.total.toString(),
          report_hash: String(a.reportHash).toLowerCase(),
          report_uri: null,
          valid_at: null,
          guardian: null,
        });
        break;
      case "rewards.Claimed":
        add("claims", {
          ...at,
          account: lower(a.account),
          epoch: Number(a.epoch),
          amount: a.amount.toString(),
          cumulative_amount: a.cumulativeAmount.toString(),
        });
        break;
      default:
        if (contract === "timelock" || contract === "governor") {
          const subject = event.fragment.inputs.find((p) => p.name === "proposalId" || p.name === "id");
          add("governance_events", {
            ...at,
            contract,
            event: event.name,
            subject: subject ? plainScalar(a[subject.name]) : null,
            args: argsJson(event),
          });
        } else {
          add("parameter_changes", { ...at, contract, event: event.name, args: argsJson(event) });
        }
    }
  }
  return { inserts, outcomes };
}

function plainScalar(value: unknown): string {
  return typeof value === "string" ? value.toLowerCase() : String(value);
}

function outcome(
  contributionId: bigint,
  status: ContributionOutcome["status"],
  at: EventPosition,
  amounts: { refund?: bigint; slashed?: bigint; kept?: bigint; index?: number; digest?: string },
): ContributionOutcome {
  return {
    contribution_id: contributionId.toString(),
    status,
    status_block: at.block_number,
    status_tx_hash: at.tx_hash,
    status_log_index: at.log_index,
    refund: amounts.refund?.toString() ?? null,
    slashed: amounts.slashed?.toString() ?? null,
    kept: amounts.kept?.toString() ?? null,
    accepted_index: amounts.index ?? null,
    accepted_digest: amounts.digest ?? null,
  };
}
