import { foldDigest } from "../../../sdk/src/datanet/digest";
import { keccakHex } from "../../../sdk/src/rewards/keccak";
import type { AcceptancesPage, VersionView } from "../../server/types";
import { getJson } from "./api";

/*
 * A Datanet version's digest recomputed in the browser: the registry folds every acceptance into a running digest,
 * `keccak256(abi.encode(previous, contributionId, contentHash))` from zero, and a version publishes the digest after
 * its `count` acceptances. The page folds the same acceptances with the SDK's own code (the indexer's and the tests'),
 * read either from the app's index or, through a wallet, from the chain's logs, and compares.
 */

/** Acceptances a request to the app's API asks for (its maximum). */
const PAGE = 5_000;
/** Blocks an `eth_getLogs` asks for at first; halved when the node refuses the range. */
const LOG_RANGE = 10_000;

const ZERO = `0x${"0".repeat(64)}`;

/** What the fold of a version's acceptances gave. */
export interface DigestCheck {
  /** Acceptances folded (the version's count unless some were missing). */
  folded: number;
  digest: string;
  matches: boolean;
}

/** Progress: acceptances folded so far. */
export type OnProgress = (folded: number) => void;

/** An EIP-1193 provider (`window.ethereum`). */
export interface Eip1193 {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

/** Folds one acceptance that must be the `index`-th into `state`; false when it is not the next one. */
function fold(state: { folded: number; digest: string }, index: number, id: string, contentHash: string): boolean {
  if (index !== state.folded + 1) return false;
  state.digest = foldDigest(state.digest, BigInt(id), contentHash);
  state.folded = index;
  return true;
}

const result = (version: VersionView, state: { folded: number; digest: string }): DigestCheck => ({
  ...state,
  matches: state.folded === version.count && state.digest === version.digest.toLowerCase(),
});

/** Recomputes `version`'s digest from the acceptances the app's index holds, `PAGE` a request. */
export async function checkFromIndex(
  datanetId: string,
  version: VersionView,
  onProgress: OnProgress,
): Promise<DigestCheck> {
  const state = { folded: 0, digest: ZERO };
  let cursor: string | null = "";
  while (cursor !== null && state.folded < version.count) {
    const limit = Math.min(PAGE, version.count - state.folded);
    const page: AcceptancesPage = await getJson<AcceptancesPage>(
      `/api/datanets/${datanetId}/acceptances?limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`,
    );
    for (const a of page.items) {
      if (!fold(state, a.acceptedIndex, a.contributionId, a.contentHash)) return result(version, state);
    }
    onProgress(state.folded);
    cursor = page.next;
  }
  return result(version, state);
}

/** A raw log as `eth_getLogs` answers it. */
interface RpcLog {
  topics: string[];
  data: string;
}

/** `ContributionAccepted(uint256 indexed datanetId, uint256 indexed contributionId, address indexed contributor,
 * bytes32 contentHash, uint64 index, bytes32 digest, uint96 refund)`'s topic. */
const ACCEPTED_TOPIC = keccakHex(
  new TextEncoder().encode("ContributionAccepted(uint256,uint256,address,bytes32,uint64,bytes32,uint96)"),
);

const word = (data: string, i: number) => `0x${data.slice(2 + 64 * i, 66 + 64 * i)}`;
const hexBlock = (n: number) => `0x${n.toString(16)}`;

/**
 * Recomputes `version`'s digest from the registry's `ContributionAccepted` logs, read through `ethereum` from the
 * Datanet's creation block to the version's, in ranges that halve when the node refuses one.
 */
export async function checkFromChain(
  ethereum: Eip1193,
  registry: string,
  datanetId: string,
  fromBlock: number,
  version: VersionView,
  onProgress: OnProgress,
): Promise<DigestCheck> {
  const state = { folded: 0, digest: ZERO };
  const datanetTopic = `0x${BigInt(datanetId).toString(16).padStart(64, "0")}`;
  let range = LOG_RANGE;
  for (let from = fromBlock; from <= version.block && state.folded < version.count;) {
    const to = Math.min(from + range - 1, version.block);
    let logs: RpcLog[];
    try {
      logs = (await ethereum.request({
        method: "eth_getLogs",
        params: [
          {
            address: registry,
            fromBlock: hexBlock(from),
            toBlock: hexBlock(to),
            topics: [ACCEPTED_TOPIC, datanetTopic],
          },
        ],
      })) as RpcLog[];
    } catch (error) {
      if (range === 1) throw error;
      range = Math.ceil(range / 2);
      continue;
    }
    for (const log of logs) {
      const index = Number(BigInt(word(log.data, 1)));
      // A version's block may hold acceptances after it: they belong to the next version.
      if (index > version.count) break;
      if (!fold(state, index, BigInt(log.topics[2]).toString(), word(log.data, 0))) return result(version, state);
    }
    onProgress(state.folded);
    from = to + 1;
  }
  return result(version, state);
}
