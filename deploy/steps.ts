import { getAddress } from "ethers";
import type { ContractFactory, Interface, Signer, TransactionRequest } from "ethers";

/** Addresses of what earlier steps deployed, by step name ("open", "rewards"), and of what was given ("open"). */
export type Addresses = Readonly<Record<string, string>>;

/**
 * One transaction of a deployment: a contract creation or a call. Its arguments are computed from the addresses of
 * earlier steps, so that a plan can be shown, simulated, run in one go, or resumed from a record of the steps done.
 */
export interface DeployStep {
  /** Unique in its plan; a creation's name is the key of its address ("rewards"), a call's is "staking.setRewardNotifier". */
  name: string;
  /** Creations: the contract's name, as its artifact. */
  contract?: string;
  /** Creations: the contract's ABI, as its artifact has it. */
  abi?: readonly unknown[];
  /** Calls: the called step's name (or the given contract's key) and the function. */
  call?: { target: string; method: string };
  /** The constructor's or the function's arguments; may read the chain (a default genesis) or check it. */
  args(addresses: Addresses, deployer: Signer): Promise<readonly unknown[]>;
  /** The transaction to send, with those arguments. */
  transaction(addresses: Addresses, deployer: Signer): Promise<TransactionRequest>;
}

/** What one step did: the transaction, its block and, for a creation, the contract's address. */
export interface StepRecord {
  name: string;
  txHash: string;
  block: number;
  gasUsed: bigint;
  address?: string;
}

type Args = (addresses: Addresses, deployer: Signer) => readonly unknown[] | Promise<readonly unknown[]>;

/** A TypeChain factory class: it builds deployments, and carries the artifact's ABI. */
export interface FactoryClass {
  new (): ContractFactory;
  readonly abi: readonly unknown[];
}

/** A step named `name` deploying `contract` with the TypeChain `Factory`, with constructor arguments `args`. */
export function creationStep(name: string, contract: string, Factory: FactoryClass, args: Args): DeployStep {
  const factory = new Factory();
  return {
    name,
    contract,
    abi: Factory.abi,
    args: async (a, d) => args(a, d),
    transaction: async (a, d) => factory.getDeployTransaction(...(await args(a, d))),
  };
}

/** A step calling `method` of the contract at `addresses[target]` (of interface `abi`). */
export function callStep(name: string, target: string, abi: Interface, method: string, args: Args): DeployStep {
  return {
    name,
    call: { target, method },
    args: async (a, d) => args(a, d),
    transaction: async (a, d) => ({ to: addressOf(a, target), data: abi.encodeFunctionData(method, await args(a, d)) }),
  };
}

/** The address of `name` among `addresses`; throws when no earlier step gave it (a plan's steps out of order). */
export function addressOf(addresses: Addresses, name: string): string {
  const address = addresses[name];
  if (address === undefined) throw new Error(`deployment plan: "${name}" is used before it is deployed.`);
  return address;
}

/** Options of {@link runSteps}. */
export interface RunStepsOptions {
  /** Addresses known before the first step (a given OPEN token) and those of the steps already done. */
  addresses?: Addresses;
  /** How many of `steps` were done before (resuming); they are skipped. */
  done?: number;
  /** Called with each transaction's hash as soon as it is sent, before it is mined. */
  onSent?: (step: DeployStep, txHash: string) => void | Promise<void>;
  /** Called after each step is mined, before the next is sent. */
  onMined?: (record: StepRecord) => void | Promise<void>;
}

/**
 * Sends `steps` one after another from `deployer`, each once the previous is mined, and returns every address (the
 * given ones and those deployed). Throws when a transaction fails, leaving the steps before it done.
 */
export async function runSteps(
  deployer: Signer,
  steps: DeployStep[],
  options: RunStepsOptions = {},
): Promise<Addresses> {
  const addresses: Record<string, string> = { ...options.addresses };
  for (const step of steps.slice(options.done ?? 0)) {
    const response = await deployer.sendTransaction(await step.transaction(addresses, deployer));
    await options.onSent?.(step, response.hash);
    // wait() throws when the transaction reverts, and resolves to a receipt with one confirmation.
    const receipt = (await response.wait())!;
    const record: StepRecord = {
      name: step.name,
      txHash: response.hash,
      block: receipt.blockNumber,
      gasUsed: receipt.gasUsed,
    };
    if (step.contract !== undefined) {
      record.address = getAddress(receipt.contractAddress!);
      addresses[step.name] = record.address;
    }
    await options.onMined?.(record);
  }
  return addresses;
}
