/**
 * Reward tree and allocation speed, ours against @openzeppelin/merkle-tree and merkletreejs, side by side in one
 * run. Run: `npx ts-node --transpile-only scripts/bench.ts`; `BENCH_QUICK=1` stops OpenZeppelin at 10k accounts
 * (with all proofs it needs about a minute at 100k).
 */
import * as os from "node:os";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { AbiCoder, keccak256 } from "ethers";
import { MerkleTree } from "merkletreejs";
import { allocate, buildRewardTree } from "../sdk/src";
import type { RewardEntry } from "../sdk/src";
import { seededRandom } from "./lib/corpus";
import { printTable } from "./lib/ui";

const SIZES = [10_000, 100_000, 1_000_000];
/** OpenZeppelin takes ~14 s to build and ~55 s with all proofs at 100k, so it stops there (or at 10k when quick). */
const OZ_MAX = process.env.BENCH_QUICK === "1" ? 10_000 : 100_000;
const ENCODING = ["address", "uint256"];

/** Seeded accounts (lower-case hex, as read from JSON or a database) with amounts up to ~10^9 OPEN. */
function makeEntries(count: number): RewardEntry[] {
  const random = seededRandom(count);
  const hex = () =>
    Math.floor(random() * 2 ** 32)
      .toString(16)
      .padStart(8, "0");
  return Array.from({ length: count }, (_, i) => ({
    account: "0x" + hex() + hex() + hex() + hex() + (i + 1).toString(16).padStart(8, "0"),
    amount: BigInt(Math.floor(random() * 2 ** 53)) * 10n ** 11n,
  }));
}

/** Milliseconds `run` takes, and what it returned. */
function time<T>(run: () => T): [ms: number, result: T] {
  const start = performance.now();
  const result = run();
  return [performance.now() - start, result];
}

function seconds(ms: number | undefined): string {
  if (ms === undefined) return "—";
  return ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

function ratio(theirs: number | undefined, ours: number): string {
  return theirs === undefined ? "—" : `${(theirs / ours).toFixed(0)}×`;
}

function ours(entries: RewardEntry[]): { build: number; withProofs: number; root: string } {
  const [build, tree] = time(() => buildRewardTree(entries));
  const [proofs] = time(() => {
    let siblings = 0;
    for (const { account } of entries) siblings += tree.proof(account).length;
    return siblings;
  });
  return { build, withProofs: build + proofs, root: tree.root };
}

function openZeppelin(entries: RewardEntry[]): { build: number; withProofs: number; root: string } {
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

function main(): void {
  const cpu = os.cpus();
  console.log(`Machine: ${cpu[0].model}, ${cpu.length} cores, Node ${process.version}, ${os.type()} ${os.release()}`);
  console.log(
    `Load average at start: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")} (other work skews timings)`,
  );

  // Warm the JIT (and instantiate the WebAssembly keccak) on a small tree first.
  const warm = makeEntries(2_000);
  ours(warm);
  openZeppelin(warm);
  merkletreejs(warm);

  const rows: string[][] = [];
  for (const size of SIZES) {
    const entries = makeEntries(size);
    const mine = ours(entries);
    const oz = size <= OZ_MAX ? openZeppelin(entries) : undefined;
    if (oz && oz.root !== mine.root) throw new Error(`Roots differ at ${size} accounts: ${oz.root} vs ${mine.root}`);
    const mtjs = merkletreejs(entries);
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
  }
  printTable(
    "Reward tree (wall clock, one run each; OpenZeppelin and merkletreejs hash with pure-JS keccak)",
    ["Accounts", "Work", "ours", "@openzeppelin/merkle-tree", "merkletreejs", "OZ / ours", "merkletreejs / ours"],
    rows,
    [2, 3, 4, 5, 6],
  );

  const allocationRows: string[][] = [];
  for (const size of [100_000, 1_000_000]) {
    const random = seededRandom(size + 1);
    const weights = new Map(Array.from({ length: size }, (_, i) => [`contributor-${i}`, random()]));
    const [ms] = time(() => allocate(10n ** 27n, weights));
    allocationRows.push([size.toLocaleString("en-US"), seconds(ms)]);
  }
  printTable("allocate (10^27 wei over random weights)", ["Weights", "Time"], allocationRows, [1]);
}

main();
