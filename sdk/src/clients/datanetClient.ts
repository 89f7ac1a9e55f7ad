import { isAddress } from "ethers";
import type { ContractRunner, ContractTransactionReceipt, ContractTransactionResponse } from "ethers";
import { DatanetRegistry__factory } from "../contracts/typechain/factories/contracts/DatanetRegistry__factory";
import { OpenToken__factory } from "../contracts/typechain/factories/contracts/token/OpenToken__factory";
import type { DatanetRegistry, OpenToken } from "../contracts/typechain";
import { contentId } from "../content/hash";
import type { ContentInput } from "../content/hash";
import { commitmentOf, randomSalt } from "../datanet/commitment";
import { digestOf } from "../datanet/digest";
import { CONTRIBUTION_STATUSES, fromPolicyTuple, toPolicyTuple } from "../datanet/types";
import type { ContributionStatusName, DatanetPolicy } from "../datanet/types";
import { IntegrityError, InvalidInputError, ProtocolError, withDecodedErrors } from "../errors";
import type { DatanetIndexer } from "../indexer/datanetIndexer";
import { syncedIndexer } from "../indexer/synced";
import { retryWhileTooRecent } from "./reveal";
import { sendFrom, signerAddressOf, throwingSdkErrors } from "./tx";

/** Parameters of {@link DatanetClient.createDatanet}. */
export interface CreateDatanetParameters {
  uri: string;
  policy: DatanetPolicy;
  validators: string[];
}

/** Parameters of {@link DatanetClient.submit}. */
export interface SubmitParameters {
  datanetId: bigint;
  /** The contribution's bytes (a string is taken as UTF-8). */
  content: ContentInput;
  /** Where the bytes can be fetched; defaults to `ipfs://<cid>`. */
  uri?: string;
  /** Approve the registry for the bond when the allowance and bond credit fall short. Default true. */
  approve?: boolean;
  /**
   * The most bond to post. Default: the bond the registry quotes for this submission right before the reveal, so a
   * day that fills up in between makes the reveal revert (`TermsChangedError`) instead of costing more.
   */
  maxBond?: bigint;
  /**
   * The terms version agreed to. Default: the Datanet's current terms, read right before the reveal; a change of terms
   * mined before the reveal makes it revert (`TermsChangedError`).
   */
  termsVersion?: number;
  /** The salt of an earlier, unfinished submission of the same content, to reuse its commitment. Default: a new one. */
  salt?: string;
  /** Seconds to keep retrying a reveal that lands in its commitment's block (chains with sub-second blocks). Default 30. */
  revealTimeout?: number;
}

/** What a submission produced. */
export interface SubmitReturnType {
  contributionId: bigint;
  contentHash: string;
  cid: string;
  size: number;
  uri: string;
  /** The bond posted, surge included. */
  bond: bigint;
  termsVersion: number;
  commitment: string;
  salt: string;
  receipt: ContractTransactionReceipt;
}

/** A contribution read from the chain: the latest attempt of a content hash in a Datanet. */
export interface ContributionView {
  id: bigint;
  datanetId: bigint;
  contentHash: string;
  contributor: string;
  status: ContributionStatusName;
  /** 1 for the content's first submission, one more for each resubmission or takeover. */
  attempt: number;
  size: bigint;
  submittedAt: number;
  committedAt: number;
  termsVersion: number;
  /** The bond posted: the terms' bond doubled `surgeLevel` times. */
  bond: bigint;
  surgeLevel: number;
  accepts: number;
  rejects: number;
}

/** A published version and whether the events reproduce it. */
export interface VersionCheck {
  version: number;
  count: number;
  onchainDigest: string;
  recomputedDigest: string;
  valid: boolean;
}

/** The error a failed reveal throws, with the salt that reuses its commitment added to the hint. */
function withSaltHint(error: unknown, salt: string): unknown {
  if (!(error instanceof ProtocolError)) return error;
  const retry = `The commitment is recorded: retry with { salt: "${salt}" } to reuse it.`;
  const hint = error.hint ? `${error.hint} ${retry}` : retry;
  Object.defineProperty(error, "hint", { value: hint });
  error.message = [error.shortMessage, error.details && `Details: ${error.details}`, `Hint: ${hint}`]
    .filter(Boolean)
    .join("\n");
  return error;
}

function bits(mask: bigint): number {
  let count = 0;
  for (let m = mask; m > 0n; m >>= 1n) count += Number(m & 1n);
  return count;
}

/**
 * Typed access to a {@link DatanetRegistry}. Every method that sends a transaction waits for it to be mined and
 * throws the SDK's typed errors (see `errors/`) when it reverts.
 */
export class DatanetClient {
  private constructor(
    readonly registry: DatanetRegistry,
    readonly token: OpenToken,
  ) {}

  /** Connects to the registry at `address`; the bond token is read from the registry. */
  static async connect(address: string, runner: ContractRunner): Promise<DatanetClient> {
    if (!isAddress(address)) throw new InvalidInputError(`"${address}" is not an address.`);
    const registry = DatanetRegistry__factory.connect(address, runner);
    const token = OpenToken__factory.connect(await registry.BOND_TOKEN(), runner);
    return new DatanetClient(registry, token);
  }

  /** The same client sending from another signer. */
  connect(runner: ContractRunner): DatanetClient {
    return new DatanetClient(this.registry.connect(runner), this.token.connect(runner));
  }

  private signerAddress(): Promise<string> {
    return signerAddressOf(this.registry.runner);
  }

  private send(tx: () => Promise<ContractTransactionResponse>): Promise<ContractTransactionReceipt> {
    return sendFrom(this.registry.runner, tx);
  }

  /** Creates a Datanet owned by the signer. */
  async createDatanet(p: CreateDatanetParameters): Promise<{ datanetId: bigint; receipt: ContractTransactionReceipt }> {
    for (const v of p.validators) if (!isAddress(v)) throw new InvalidInputError(`Validator "${v}" is not an address.`);
    return withDecodedErrors(async () => {
      const receipt = await this.send(() => this.registry.createDatanet(p.uri, toPolicyTuple(p.policy), p.validators));
      const event = receipt.logs
        .map((l) => this.registry.interface.parseLog(l))
        .find((e) => e?.name === "DatanetCreated");
      return { datanetId: event!.args.datanetId as bigint, receipt };
    });
  }

  /** Replaces the policy for future submissions (owner only). */
  async setPolicy(datanetId: bigint, policy: DatanetPolicy): Promise<ContractTransactionReceipt> {
    return withDecodedErrors(() => this.send(() => this.registry.setPolicy(datanetId, toPolicyTuple(policy))));
  }

  /** Replaces the validator set for future submissions (owner only). */
  async setValidators(datanetId: bigint, validators: string[]): Promise<ContractTransactionReceipt> {
    return withDecodedErrors(() => this.send(() => this.registry.setValidators(datanetId, validators)));
  }

  /** Approves or revokes a model registrant on a permissioned Datanet (owner only). */
  async setModelAccess(datanetId: bigint, account: string, approved: boolean): Promise<ContractTransactionReceipt> {
    return withDecodedErrors(() => this.send(() => this.registry.setModelAccess(datanetId, account, approved)));
  }

  /** The current policy of a Datanet. */
  async policy(datanetId: bigint): Promise<DatanetPolicy> {
    return withDecodedErrors(async () => {
      const terms = await this.registry.currentTermsVersion(datanetId);
      return fromPolicyTuple(await this.registry.getPolicy(datanetId, terms));
    });
  }

  /** The bond a submission of `size` bytes to `datanetId` would post now (the terms' bond, doubled on busy days). */
  async bondFor(datanetId: bigint, size: bigint | number): Promise<bigint> {
    return withDecodedErrors(() => this.registry.bondFor(datanetId, size));
  }

  /**
   * Hashes `content` (sha-256 and CIDv1) and submits it in the registry's two steps: a commitment that hides the
   * content, then, in a later block, the reveal with the terms and the bond agreed to. A copy of the reveal seen in the
   * mempool cannot get in first, and the earlier commitment wins even if a copy does. When the content's last attempt
   * is pending past its review deadline, expires it first (`reclaimBond`, which refunds its contributor). When the
   * signer's bond credit does not cover the bond and its allowance is short, approves the registry for the bond first
   * (unless `approve` is false). If the reveal fails, the error's hint gives the salt: pass it back as `salt` to retry
   * without a new commitment.
   */
  async submit(p: SubmitParameters): Promise<SubmitReturnType> {
    const { contentHash, cid, size } = contentId(p.content);
    const uri = p.uri ?? `ipfs://${cid}`;
    const account = await this.signerAddress();
    const salt = p.salt ?? randomSalt();
    const commitment = commitmentOf(account, p.datanetId, contentHash, salt);
    await withDecodedErrors(async () => {
      await this.expireIfStale(p.datanetId, contentHash);
      if ((await this.registry.committedAt(commitment)) === 0n) {
        await this.send(() => this.registry.commit(commitment));
      }
    });
    try {
      return await withDecodedErrors(async () => {
        const termsVersion = p.termsVersion ?? Number(await this.registry.currentTermsVersion(p.datanetId));
        const bond = await this.registry.bondFor(p.datanetId, size);
        const maxBond = p.maxBond ?? bond;
        if (p.approve !== false) await this.ensureBondAllowance(account, bond);
        const request = { datanetId: p.datanetId, contentHash, size, termsVersion, maxBond, salt };
        const receipt = await retryWhileTooRecent(
          () => withDecodedErrors(() => this.send(() => this.registry.submit(request, uri))),
          p.revealTimeout ?? 30,
        );
        // Only the registry's own logs: the bond's ERC-20 Transfer has the same topic as the registry's ERC-721 one.
        const registry = (await this.registry.getAddress()).toLowerCase();
        const event = receipt.logs
          .filter((l) => l.address.toLowerCase() === registry)
          .map((l) => this.registry.interface.parseLog(l))
          .find((e) => e?.name === "ContributionSubmitted");
        const a = event!.args;
        return {
          contributionId: a.contributionId as bigint,
          contentHash,
          cid,
          size,
          uri,
          bond: a.bond as bigint,
          termsVersion: Number(a.termsVersion),
          commitment,
          salt,
          receipt,
        };
      });
    } catch (error) {
      throw withSaltHint(error, salt);
    }
  }

  /** Expires the content's last attempt when it is pending past its review deadline, so it can be submitted again. */
  private async expireIfStale(datanetId: bigint, contentHash: string): Promise<void> {
    const c = await this.registry.getContribution(datanetId, contentHash);
    if (Number(c.status) !== 1) return;
    const deadline = await this.registry.reviewDeadline(datanetId, contentHash);
    const latest = await this.registry.runner!.provider!.getBlock("latest");
    if (latest && BigInt(latest.timestamp) > deadline) {
      await this.send(() => this.registry.reclaimBond(datanetId, contentHash));
    }
  }

  private async ensureBondAllowance(account: string, bond: bigint): Promise<void> {
    if (bond === 0n || (await this.registry.bondCredit(account)) >= bond) return;
    const spender = await this.registry.getAddress();
    if ((await this.token.allowance(account, spender)) >= bond) return;
    await this.send(() => this.token.approve(spender, bond));
  }

  /** Votes on a pending contribution as a validator. */
  async vote(datanetId: bigint, contentHash: string, accept: boolean): Promise<ContractTransactionReceipt> {
    return withDecodedErrors(() => this.send(() => this.registry.vote(datanetId, contentHash, accept)));
  }

  /** Expires a contribution whose review window passed and sends its bond to the contributor. */
  async reclaimBond(datanetId: bigint, contentHash: string): Promise<ContractTransactionReceipt> {
    return withDecodedErrors(() => this.send(() => this.registry.reclaimBond(datanetId, contentHash)));
  }

  /** Withdraws bond credit (refunded bonds) to `to` (default: the signer). */
  async withdrawBondCredit(amount: bigint, to?: string): Promise<ContractTransactionReceipt> {
    const receiver = to ?? (await this.signerAddress());
    return withDecodedErrors(() => this.send(() => this.registry.withdrawBondCredit(receiver, amount)));
  }

  /** Bond credit of `account`. */
  async bondCredit(account: string): Promise<bigint> {
    return this.registry.bondCredit(account);
  }

  /** The latest attempt of `contentHash` in a Datanet. Throws when the content was never submitted there. */
  async contribution({
    datanetId,
    contentHash,
  }: {
    datanetId: bigint;
    contentHash: string;
  }): Promise<ContributionView> {
    const c = await withDecodedErrors(() => this.registry.getContribution(datanetId, contentHash));
    if (Number(c.status) === 0) {
      throw new InvalidInputError(`Content ${contentHash} was never submitted to Datanet ${datanetId}.`, {
        hint: "Check the Datanet id and content hash.",
      });
    }
    return {
      id: c.contributionId,
      datanetId,
      contentHash,
      contributor: c.contributor,
      status: CONTRIBUTION_STATUSES[Number(c.status)],
      attempt: Number(c.attempt),
      size: c.size,
      submittedAt: Number(c.submittedAt),
      committedAt: Number(c.committedAt),
      termsVersion: Number(c.termsVersion),
      bond: c.bond,
      surgeLevel: Number(c.surgeLevel),
      accepts: bits(c.acceptMask),
      rejects: bits(c.rejectMask),
    };
  }

  /** Reputation counters of `account` in a Datanet. */
  async reputation(
    datanetId: bigint,
    account: string,
  ): Promise<{ accepted: number; rejected: number; acceptedBytes: bigint }> {
    const r = await this.registry.reputation(datanetId, account);
    return { accepted: Number(r.accepted), rejected: Number(r.rejected), acceptedBytes: r.acceptedBytes };
  }

  /** Snapshots the Datanet's accepted contributions as a new version (owner only). */
  async publishVersion(
    datanetId: bigint,
  ): Promise<{ version: number; count: number; digest: string; receipt: ContractTransactionReceipt }> {
    return withDecodedErrors(async () => {
      const receipt = await this.send(() => this.registry.publishVersion(datanetId));
      const event = receipt.logs
        .map((l) => this.registry.interface.parseLog(l))
        .find((e) => e?.name === "VersionPublished");
      const a = event!.args;
      return { version: Number(a.version), count: Number(a.count), digest: a.digest as string, receipt };
    });
  }

  /**
   * Recomputes a published version from the registry's events alone (through this client's provider) and compares
   * it with the snapshot stored on-chain. Pass an indexer already synced to reuse its work.
   */
  async verifyVersion(datanetId: bigint, version: number, indexer?: DatanetIndexer): Promise<VersionCheck> {
    const onchain = await withDecodedErrors(() => this.registry.getVersion(datanetId, version));
    const source = await syncedIndexer(this.registry, indexer, "verifyVersion");
    const acceptances = source.datanet(datanetId).acceptances;
    const count = Number(onchain.count);
    if (acceptances.length < count) {
      throw new IntegrityError(
        `The events hold ${acceptances.length} acceptances but version ${version} counts ${count}.`,
        {
          hint: "Sync the indexer to the latest block.",
        },
      );
    }
    const recomputedDigest = digestOf(acceptances.slice(0, count));
    return {
      version,
      count,
      onchainDigest: onchain.digest,
      recomputedDigest,
      valid: recomputedDigest === onchain.digest,
    };
  }

  // Whatever fails below a method (an argument ethers refuses, a node down or lying) reaches the caller typed.
  static {
    throwingSdkErrors(this);
    throwingSdkErrors(this.prototype);
  }
}
