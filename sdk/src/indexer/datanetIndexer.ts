import { Interface, ZeroAddress, ZeroHash } from "ethers";
import type { Log, LogDescription, Provider } from "ethers";
import { DatanetRegistry__factory } from "../contracts/typechain/factories/contracts/DatanetRegistry__factory";
import { IntegrityError, InvalidInputError } from "../errors";
import { contributionIdOf, digestOf, foldDigest } from "../datanet/digest";
import type { Acceptance } from "../datanet/digest";
import { fromPolicyTuple } from "../datanet/types";
import type { ContributionStatusName, DatanetPolicy } from "../datanet/types";
import type { ContributorStats } from "../reputation/leaderboard";
import { checkAddress, checkBytes32, checkString, checkUint, refuseUnless } from "../internal/check";
import { eventsOf } from "../internal/logs";

/** A contribution's status as the events tell it: the contract's, plus `Superseded` for an attempt that a submission
 * with an earlier commitment took over. */
export type IndexedStatus = Exclude<ContributionStatusName, "None"> | "Superseded";

/** A contribution (one attempt of a content hash in a Datanet) rebuilt from events. */
export interface IndexedContribution {
  id: bigint;
  datanetId: bigint;
  contributor: string;
  contentHash: string;
  /** 1 for the content's first submission to the Datanet, one more for each resubmission or takeover. */
  attempt: number;
  size: bigint;
  uri: string;
  termsVersion: number;
  /** The bond posted, surge included. */
  bond: bigint;
  status: IndexedStatus;
  votes: { validator: string; accept: boolean }[];
  /** 1-based acceptance order in its Datanet, once accepted. */
  acceptedIndex?: number;
  /** Block of the acceptance: orders acceptances across Datanets (an epoch's `acceptedAt`). */
  acceptedBlock?: number;
  submittedBlock: number;
  submittedTx: string;
}

/** Terms (policy and validators) of one version, rebuilt from `TermsUpdated`. */
export interface IndexedTerms {
  version: number;
  policy: DatanetPolicy;
  validators: string[];
}

/** A published Datanet version with the digest recomputed from the acceptances before it. */
export interface IndexedVersion {
  version: number;
  count: number;
  digest: string;
  recomputedDigest: string;
  blockNumber: number;
}

/** A Datanet rebuilt from events. */
export interface IndexedDatanet {
  id: bigint;
  owner: string;
  uri: string;
  terms: IndexedTerms[];
  /** Acceptances in order; the contribution id is recomputed from the submitted content hash. */
  acceptances: Acceptance[];
  digest: string;
  versions: IndexedVersion[];
  treasury: bigint;
  approvedModelOwners: Set<string>;
}

/** A Datanet as `DatanetCreated` leaves it: no terms, acceptances, versions or treasury yet. */
export function newIndexedDatanet(id: bigint, owner: string, uri: string): IndexedDatanet {
  checkUint(id, "id");
  checkAddress(owner, "owner");
  checkString(uri, "uri");
  return {
    id,
    owner,
    uri,
    terms: [],
    acceptances: [],
    digest: ZeroHash,
    versions: [],
    treasury: 0n,
    approvedModelOwners: new Set(),
  };
}

/** Options of {@link DatanetIndexer}. */
export interface DatanetIndexerOptions {
  /** First block to read (the registry's deployment block saves work). Default 0. */
  fromBlock?: number;
  /** Blocks per `eth_getLogs` request, for providers that cap ranges. Default 10,000. */
  blockRange?: number;
  /** Called after each range with the last block read and the target block. */
  onProgress?: (block: number, toBlock: number) => void;
}

const iface = new Interface(DatanetRegistry__factory.abi);
const key = (datanetId: bigint, account: string) => `${datanetId}:${account.toLowerCase()}`;

/**
 * Rebuilds Datanets, contributions, reputation, bond credits and every published version from the registry's events
 * alone, through any ethers provider. Each acceptance's digest and each version's digest are recomputed from the
 * submitted content hashes and checked against what the chain emitted; a mismatch throws {@link IntegrityError}.
 * `sync()` is incremental: call it again to read new blocks.
 */
export class DatanetIndexer {
  readonly datanets = new Map<bigint, IndexedDatanet>();
  readonly contributions = new Map<bigint, IndexedContribution>();
  readonly bondCredits = new Map<string, bigint>();
  /** Attempts so far per `datanetId:contentHash`. */
  private readonly attempts = new Map<string, number>();
  private readonly stats = new Map<string, ContributorStats & { datanetId: bigint }>();
  private nextBlock: number;
  private readonly blockRange: number;

  constructor(
    readonly provider: Provider,
    readonly registryAddress: string,
    private readonly options: DatanetIndexerOptions = {},
  ) {
    this.nextBlock = options.fromBlock ?? 0;
    this.blockRange = options.blockRange ?? 10_000;
    checkAddress(registryAddress, "registryAddress");
    if (this.blockRange < 1) throw new InvalidInputError("blockRange must be at least 1.");
  }

  /** Reads events up to `toBlock` (default: the latest block) and applies them. Returns the last block read. */
  async sync(toBlock?: number): Promise<number> {
    refuseUnless(toBlock === undefined || toBlock >>> 0 === toBlock, toBlock, "toBlock", "a block number");
    const target = toBlock ?? (await eventsOf(() => this.provider.getBlockNumber()));
    while (this.nextBlock <= target) {
      const end = Math.min(target, this.nextBlock + this.blockRange - 1);
      const range = { address: this.registryAddress, fromBlock: this.nextBlock, toBlock: end };
      const logs = await eventsOf(() => this.provider.getLogs(range));
      for (const log of logs) this.apply(log);
      this.nextBlock = end + 1;
      this.options.onProgress?.(end, target);
    }
    return this.nextBlock - 1;
  }

  /** A Datanet, or an error naming the id when the events never created it. */
  datanet(datanetId: bigint): IndexedDatanet {
    checkUint(datanetId, "datanetId");
    const d = this.datanets.get(datanetId);
    if (!d) throw new InvalidInputError(`Datanet ${datanetId} is not in the indexed events.`);
    return d;
  }

  /** Reputation counters of every contributor of a Datanet (leaderboard input). */
  reputation(datanetId: bigint): ContributorStats[] {
    checkUint(datanetId, "datanetId");
    return [...this.stats.values()]
      .filter((s) => s.datanetId === datanetId)
      .map(({ account, accepted, rejected, acceptedBytes }) => ({ account, accepted, rejected, acceptedBytes }));
  }

  /** The latest attempt of `contentHash` in a Datanet, if it was ever submitted. */
  latest(datanetId: bigint, contentHash: string): IndexedContribution | undefined {
    checkUint(datanetId, "datanetId");
    checkBytes32(contentHash, "contentHash");
    const attempt = this.attempts.get(`${datanetId}:${contentHash.toLowerCase()}`);
    return attempt === undefined
      ? undefined
      : this.contributions.get(contributionIdOf(datanetId, contentHash, attempt));
  }

  /** Contributions of a Datanet in submission order. */
  contributionsOf(datanetId: bigint): IndexedContribution[] {
    checkUint(datanetId, "datanetId");
    return [...this.contributions.values()].filter((c) => c.datanetId === datanetId);
  }

  private apply(log: Log): void {
    let parsed: LogDescription | null;
    try {
      parsed = iface.parseLog(log);
    } catch {
      return;
    }
    if (!parsed) return;
    const a = parsed.args;
    switch (parsed.name) {
      case "DatanetCreated":
        this.datanets.set(a.datanetId, newIndexedDatanet(a.datanetId, a.owner, a.uri));
        break;
      case "Transfer":
        if (a.from !== ZeroAddress) this.datanet(a.tokenId).owner = a.to;
        break;
      case "DatanetURIUpdated":
        this.datanet(a.datanetId).uri = a.uri;
        break;
      case "TermsUpdated":
        this.datanet(a.datanetId).terms.push({
          version: Number(a.termsVersion),
          policy: fromPolicyTuple(a.policy),
          validators: [...a.validators],
        });
        break;
      case "ModelAccessSet": {
        const approved = this.datanet(a.datanetId).approvedModelOwners;
        if (a.approved) approved.add(a.account.toLowerCase());
        else approved.delete(a.account.toLowerCase());
        break;
      }
      case "ContributionSubmitted": {
        const attemptKey = `${a.datanetId}:${String(a.contentHash).toLowerCase()}`;
        const attempt = (this.attempts.get(attemptKey) ?? 0) + 1;
        const id = contributionIdOf(a.datanetId, a.contentHash, attempt);
        if (id !== a.contributionId) {
          throw new IntegrityError(
            `Contribution id ${a.contributionId} does not match attempt ${attempt} of its Datanet and content hash.`,
          );
        }
        this.attempts.set(attemptKey, attempt);
        this.contributions.set(id, {
          id,
          datanetId: a.datanetId,
          contributor: a.contributor,
          contentHash: a.contentHash,
          attempt,
          size: a.size,
          uri: a.uri,
          termsVersion: Number(a.termsVersion),
          bond: a.bond,
          status: "Pending",
          votes: [],
          submittedBlock: log.blockNumber,
          submittedTx: log.transactionHash,
        });
        this.statsOf(a.datanetId, a.contributor);
        if (a.fromCredit) this.addCredit(a.contributor, -BigInt(a.bond));
        break;
      }
      case "VoteCast":
        this.contribution(a.contributionId).votes.push({ validator: a.validator, accept: a.accept });
        break;
      case "ContributionAccepted": {
        const c = this.contribution(a.contributionId);
        const d = this.datanet(c.datanetId);
        const digest = foldDigest(d.digest, c.id, c.contentHash);
        if (digest !== a.digest || Number(a.index) !== d.acceptances.length + 1) {
          throw new IntegrityError(
            `Datanet ${d.id}: acceptance ${a.index} emitted digest ${a.digest}, recomputed ${digest} at index ${d.acceptances.length + 1}.`,
          );
        }
        d.digest = digest;
        d.acceptances.push({ contributionId: c.id, contentHash: c.contentHash });
        c.status = "Accepted";
        c.acceptedIndex = d.acceptances.length;
        c.acceptedBlock = log.blockNumber;
        const s = this.statsOf(c.datanetId, c.contributor);
        s.accepted += 1;
        s.acceptedBytes += c.size;
        this.addCredit(c.contributor, a.refund);
        break;
      }
      case "ContributionRejected": {
        const c = this.contribution(a.contributionId);
        c.status = "Rejected";
        this.statsOf(c.datanetId, c.contributor).rejected += 1;
        this.datanet(c.datanetId).treasury += a.slashed;
        break;
      }
      case "ContributionSuperseded":
        this.contribution(a.contributionId).status = "Superseded";
        this.addCredit(a.contributor, a.refund);
        break;
      case "ContributionExpired": {
        const c = this.contribution(a.contributionId);
        c.status = "Expired";
        this.datanet(c.datanetId).treasury += a.kept;
        break;
      }
      case "BondCreditWithdrawn":
        this.addCredit(a.account, -BigInt(a.amount));
        break;
      case "TreasuryWithdrawn":
        this.datanet(a.datanetId).treasury -= a.amount;
        break;
      case "VersionPublished": {
        const d = this.datanet(a.datanetId);
        const count = Number(a.count);
        const recomputedDigest = digestOf(d.acceptances.slice(0, count));
        if (recomputedDigest !== a.digest || count !== d.acceptances.length) {
          throw new IntegrityError(
            `Datanet ${d.id} version ${a.version}: emitted (${count}, ${a.digest}), recomputed (${d.acceptances.length}, ${recomputedDigest}).`,
          );
        }
        d.versions.push({
          version: Number(a.version),
          count,
          digest: a.digest,
          recomputedDigest,
          blockNumber: log.blockNumber,
        });
        break;
      }
    }
  }

  private contribution(id: bigint): IndexedContribution {
    const c = this.contributions.get(id);
    if (!c) throw new IntegrityError(`An event names contribution ${id}, which was never submitted.`);
    return c;
  }

  private statsOf(datanetId: bigint, account: string) {
    const k = key(datanetId, account);
    let s = this.stats.get(k);
    if (!s) {
      s = { datanetId, account, accepted: 0, rejected: 0, acceptedBytes: 0n };
      this.stats.set(k, s);
    }
    return s;
  }

  private addCredit(account: string, delta: bigint): void {
    const k = account.toLowerCase();
    this.bondCredits.set(k, (this.bondCredits.get(k) ?? 0n) + delta);
  }
}
