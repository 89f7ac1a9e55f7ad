import { ethers } from "hardhat";
import type { ContractTransactionReceipt, ContractTransactionResponse, Signer } from "ethers";
import type { DatanetRegistry } from "../../typechain-types";

/** The largest bond a contributor can sign for: tests that do not test the bound accept any bond. */
export const ANY_BOND = 2n ** 96n - 1n;

/** What a test submission may override; everything else is what an honest contributor would send. */
export interface SubmissionOptions {
  size?: bigint | number;
  uri?: string;
  /** Default {@link ANY_BOND}. */
  maxBond?: bigint;
  /** Default: the Datanet's terms when the submission is revealed. */
  termsVersion?: bigint | number;
  /** Default: a fresh salt per commitment. */
  salt?: string;
}

/** A committed submission, waiting for its reveal. */
export interface CommittedSubmission {
  commitment: string;
  salt: string;
  /** The mined `commit`. */
  commitReceipt: ContractTransactionReceipt;
  /**
   * Sends the reveal (`submit`); reads the current terms first unless the options fixed them. Give a `gasLimit` when
   * the reveal is to be mined with automine off: a gas estimate would run against the state before the block.
   */
  reveal(
    overrides?: Pick<SubmissionOptions, "maxBond" | "termsVersion"> & TxOverrides,
  ): Promise<ContractTransactionResponse>;
}

/** Gas and fees of a transaction, for one mined with automine off or ordered by its tip. */
export interface TxOverrides {
  gasLimit?: bigint | number;
  maxFeePerGas?: bigint;
  maxPriorityFeePerGas?: bigint;
}

let salts = 0;

/** A salt no earlier call returned, so that every test commitment is new. */
export function freshSalt(): string {
  salts += 1;
  return ethers.id(`test salt ${salts}`);
}

/** Commits `who` to submitting `contentHash` to `datanetId` (one transaction) and returns how to reveal it. */
export async function commitSubmission(
  datanets: DatanetRegistry,
  who: Signer,
  datanetId: bigint,
  contentHash: string,
  options: SubmissionOptions = {},
): Promise<CommittedSubmission> {
  const registry = datanets.connect(who);
  const salt = options.salt ?? freshSalt();
  const commitment = await registry.commitmentOf(await who.getAddress(), datanetId, contentHash, salt);
  const commitReceipt = (await (await registry.commit(commitment)).wait())!;
  return {
    commitment,
    salt,
    commitReceipt,
    async reveal({ maxBond, termsVersion: agreed, ...tx } = {}) {
      const termsVersion = agreed ?? options.termsVersion ?? (await registry.currentTermsVersion(datanetId));
      const request = {
        datanetId,
        contentHash,
        size: options.size ?? 1_000,
        termsVersion,
        maxBond: maxBond ?? options.maxBond ?? ANY_BOND,
        salt,
      };
      return registry.submit(request, options.uri ?? `ipfs://${contentHash}`, tx);
    },
  };
}

/** Commits, then reveals in the next block: the two transactions of an honest submission. Resolves to the reveal. */
export async function submitContribution(
  datanets: DatanetRegistry,
  who: Signer,
  datanetId: bigint,
  contentHash: string,
  options: SubmissionOptions = {},
): Promise<ContractTransactionResponse> {
  return (await commitSubmission(datanets, who, datanetId, contentHash, options)).reveal();
}
