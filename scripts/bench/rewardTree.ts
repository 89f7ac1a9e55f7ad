/**
 * Reward tree and allocation speed, ours against @openzeppelin/merkle-tree and merkletreejs, side by side in one
 * run (about 4 minutes, nearly all of it the other libraries). `quick` stops OpenZeppelin at 10k accounts and
 * merkletreejs at 100k (under a minute).
 */
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { AbiCoder, keccak256 } from "ethers";
import { MerkleTree } from "merkletreejs";
import { allocate } from "../../sdk/src";
import type { RewardEntry } from "../../sdk/src";
import { buildRewardTree } from "../../sdk/src/node";
import { seededRandom } from "../lib/random";
import { rewardEntries } from "../lib/rewardEntries";
import { duration, printMachine, time as timeRun } from "../lib/timing";
import { printTable } from "../lib/ui";

const SIZES = [10_000, 100_000, 1_000_000];
const ENCODING = ["address", "uint256"];

/** Milliseconds `run` takes (after a garbage collection), and what it returned. */
function time<T>(run: () => T): [ms: number, result: T] {
  const [{ wall }, result] = timeRun(run);
  return [wall, result];
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? "—" : duration(ms);
}

function ratio(theirs: number | undefined, ours: number): string {
  return theirs === undefined ? "—" : `${(theirs / ours).toFixed(0)}×`;
}

/**
 * Our build, then all proofs twice: in leaf order through `forEachProof` (how a publisher writes every proof out)
 * and by looking each account up with `proof(account)` (how a claims page serves one).
 */
function ours(entries: RewardEntry[]): { build: number; withProofs: number; withLookups: number; root: string } {
  const [build, tree] = time(() => buildRewardTree(entries));
  const [proofs] = time(() => {
    let siblings = 0;
    tree.forEachProof((_account, _amount, proof) => (siblings += proof.length));
    return siblings;
  });
  const [lookups] = time(() => {
    let siblings = 0;
    for (const { account } of entries) siblings += tree.proof(account).length;
    return siblings;
  });
  return { build, withProofs: build + proofs, withLookups: build + lookups, root: tree.root };
}

/** @openzeppelin/merkle-tree's build, then every proof by index. */
export function openZeppelin(entries: RewardEntry[]): { build: number; withProofs: number; root: string } {
  const values = entries.map((e): [string, string] => [e.account, e.amount.toString()]);
  const [build, tree] = time(() => StandardMerkleTree.of(values, ENCODING));
  const [proofs] = time(() => {
    let siblings = 0;
    for (let i = 0; i < values.length; i++) siblings += tree.getProof(i).length;
    return siblings;
  });
  return { build, withProofs: build + proofs, root: tree.root };
}

/** merkletreejs as it is usually fed: leaves encoded and double-hashed with ethers, pairs sorted. */
function merkletreejs(entries: RewardEntry[]): number {
  const coder = AbiCoder.defaultAbiCoder();
  return time(() => {
    const leaves = entries.map((e) => keccak256(keccak256(coder.encode(ENCODING, [e.account, e.amount]))));
    return new MerkleTree(leaves, keccak256, { sortLeaves: true, sortPairs: true });
  })[0];
}

export async function runRewardTreeBench(quick: boolean): Promise<void> {
  // OpenZeppelin needs ~15 s to build and ~60 s with all proofs at 100k; a million would take the better part of an
  // hour. merkletreejs needs ~2.5 minutes at a million.
  const ozMax = quick ? 10_000 : 100_000;
  const merkletreejsMax = quick ? 100_000 : 1_000_000;
  printMachine();

  // Warm every library's code up on a small tree first (and instantiate our WebAssembly keccak).
  const warm = rewardEntries(2_000);
  ours(warm);
  openZeppelin(warm);
  merkletreejs(warm);

  const rows: string[][] = [];
  const goals: string[] = [];
  for (const size of SIZES) {
    const entries = rewardEntries(size);
    const mine = ours(entries);
    const oz = size <= ozMax ? openZeppelin(entries) : undefined;
    if (oz && oz.root !== mine.root) throw new Error(`Roots differ at ${size} accounts: ${oz.root} vs ${mine.root}`);
    const mtjs = size <= merkletreejsMax ? merkletreejs(entries) : undefined;
    const label = size.toLocaleString("en-US");
    rows.push([
      label,
      "build",
      seconds(mine.build),
      seconds(oz?.build),
      seconds(mtjs),
      ratio(oz?.build, mine.build),
      ratio(mtjs, mine.build),
    ]);
    rows.push([
      label,
      "build + all proofs",
      seconds(mine.withProofs),
      seconds(oz?.withProofs),
      "—",
      ratio(oz?.withProofs, mine.withProofs),
      "—",
    ]);
    rows.push([
      label,
      "build + proof(account) for each",
      seconds(mine.withLookups),
      seconds(oz?.withProofs),
      "—",
      ratio(oz?.withProofs, mine.withLookups),
      "—",
    ]);
    if (size === 1_000_000) goals.push(`1M accounts with all proofs: ${seconds(mine.withProofs)} (goal ≤ 5 s)`);
    if (size === 100_000 && oz) {
      goals.push(
        `100k accounts vs OpenZeppelin: ${ratio(oz.build, mine.build)} build, ` +
          `${ratio(oz.withProofs, mine.withProofs)} with all proofs (goal ≥ 25×)`,
      );
    }
  }
  printTable(
    "Reward tree (wall clock, one run each; OpenZeppelin and merkletreejs hash with pure-JS keccak)",
    ["Accounts", "Work", "ours", "@openzeppelin/merkle-tree", "merkletreejs", "OZ / ours", "merkletreejs / ours"],
    rows,
    [2, 3, 4, 5, 6],
  );
  for (const goal of goals) console.log(goal);

  const allocationRows: string[][] = [];
  for (const size of [100_000, 1_000_000]) {
    const random = seededRandom(size + 1);
    const weights = new Map(Array.from({ length: size }, (_, i) => [`contributor-${i}`, random()]));
    const [ms] = time(() => allocate(10n ** 27n, weights));
    allocationRows.push([size.toLocaleString("en-US"), seconds(ms)]);
  }
  printTable("allocate (10^27 wei over random weights)", ["Weights", "Time"], allocationRows, [1]);
}
