/**
 * Epoch attribution: near-duplicate clustering (MinHash + LSH, confirmed by exact Jaccard) against the all-pairs
 * exact Jaccard it replaces, measured side by side on the same mails in one run, then a whole epoch (`attributeEpoch`,
 * `readEpochReport`, `verifyEpochReport`) over the SpamAssassin corpus.
 *
 * Corpus: the 6,046 SpamAssassin mails (every fifth in quick mode) and one lightly edited copy per ten mails (one
 * word in a hundred replaced, inserted or deleted), split over two Datanets and 200 contributors; outputs quote three
 * chunks of 15 to 40 words of random mails between novel words.
 *
 * `node --expose-gc -r ts-node/register/transpile-only -e 'require("./scripts/bench/epoch").runEpochBench(false)'`
 * (about a minute; a quarter of that with `true`).
 */
import { getAddress, keccak256, toUtf8Bytes } from "ethers";
import {
  attributeEpoch,
  clusterContributions,
  contributionIdOf,
  digestOf,
  forEachWord,
  readEpochReport,
  serializeEpochReport,
  sha256Hex,
  verifyEpochReport,
} from "../../sdk/src";
import type { DedupContribution, EpochContribution, EpochInput } from "../../sdk/src";
import { loadEmails, seededRandom } from "../lib/corpus";
import { duration, printMachine, time } from "../lib/timing";
import type { Timing } from "../lib/timing";
import { printTable } from "../lib/ui";

/** Goals at full size, judged only outside quick mode. */
const DEDUP_GOAL_MS = 5_000;
const EPOCH_GOAL_MS = 15_000;

/** "wall (CPU)" for a table cell. */
function cell(t: Timing): string {
  return `${duration(t.wall)} (${duration(t.cpu)})`;
}

/** The mails and their edited copies, accepted in that order. */
function makeTexts(quick: boolean): string[] {
  const mails = loadEmails()
    .filter((_, i) => !quick || i % 5 === 0)
    .map((m) => m.text);
  const random = seededRandom(9_001);
  let fresh = 0;
  const copies = mails
    .filter((_, i) => i % 10 === 3)
    .map((text) => {
      const tokens = text.split(/(\s+)/);
      for (let e = 0; e < Math.max(1, Math.floor(tokens.length / 200)); e++) {
        const at = 2 * Math.floor((random() * tokens.length) / 2);
        const kind = random();
        if (kind < 0.4) tokens[at] = `zqedit${fresh++}`;
        else if (kind < 0.7) tokens.splice(at, 0, `zqedit${fresh++}`, " ");
        else tokens.splice(at, 2);
      }
      return tokens.join("");
    });
  return [...mails, ...copies];
}

/** Id → representative by the exact Jaccard of every pair's 5-word shingle sets (Sets of strings), then components. */
function allPairs(docs: readonly DedupContribution[], threshold: number): Map<string, string> {
  const sets = docs.map((d) => {
    const words: string[] = [];
    forEachWord(d.text, (word) => words.push(word));
    const set = new Set<string>();
    if (words.length > 0 && words.length < 5) set.add(words.join(" "));
    for (let i = 0; i + 5 <= words.length; i++) set.add(words.slice(i, i + 5).join(" "));
    return set;
  });
  const parent = docs.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  for (let i = 0; i < docs.length; i++) {
    for (let j = i + 1; j < docs.length; j++) {
      const [a, b] = [sets[i], sets[j]];
      let shared = 0;
      for (const s of a.size < b.size ? a : b) if ((a.size < b.size ? b : a).has(s)) shared++;
      const similar = a.size > 0 && b.size > 0 && shared / (a.size + b.size - shared) >= threshold;
      if (similar || docs[i].contentHash === docs[j].contentHash) {
        const [ri, rj] = [find(i), find(j)];
        parent[Math.max(ri, rj)] = Math.min(ri, rj);
      }
    }
  }
  // Docs are in acceptance order and each union hangs the later root under the earlier: roots are the earliest.
  return new Map(docs.map((d, i) => [d.id, docs[find(i)].id]));
}

function dedupRows(texts: readonly string[], sampleSize: number): { rows: string[][]; full: Timing } {
  const docs: DedupContribution[] = texts.map((text, i) => ({
    id: `doc-${i}`,
    contentHash: sha256Hex(text),
    text,
    acceptedAt: i,
  }));
  const [full, clustering] = time(() => clusterContributions(docs));
  const copies = clustering.clusters.reduce((n, c) => n + c.members.length - 1, 0);
  const random = seededRandom(9_002);
  const sample = docs.filter(() => random() < sampleSize / docs.length);
  const [fast, sampled] = time(() => clusterContributions(sample));
  const [slow, exact] = time(() => allPairs(sample, 0.8));
  const agree = sample.filter((d) => sampled.representativeOf.get(d.id) === exact.get(d.id)).length;
  const pairs = (sample.length * (sample.length - 1)) / 2;
  return {
    full,
    rows: [
      [
        `clusterContributions, ${docs.length.toLocaleString("en-US")} texts`,
        cell(full),
        clustering.comparedPairs.toLocaleString("en-US"),
        `${copies} copies in ${clustering.clusters.filter((c) => c.members.length > 1).length} clusters`,
      ],
      [
        `clusterContributions, ${sample.length} of them`,
        cell(fast),
        sampled.comparedPairs.toLocaleString("en-US"),
        `${agree}/${sample.length} representatives as all pairs`,
      ],
      [`all pairs, exact Jaccard, same ${sample.length}`, cell(slow), pairs.toLocaleString("en-US"), "reference"],
    ],
  };
}

/** An epoch over the texts: two Datanets, 200 contributors, `inferences` outputs quoting random mails. */
function makeEpoch(texts: readonly string[], inferences: number): EpochInput {
  const owners = Array.from({ length: 200 }, (_, i) => getAddress("0x" + (i + 1).toString(16).padStart(40, "0")));
  const indexIn = [0, 0];
  const contributions: EpochContribution[] = texts.map((text, i) => {
    const datanet = i % 2;
    return {
      id: `c${i}`,
      datanetId: BigInt(datanet + 1),
      contributor: owners[(i * 7) % owners.length],
      contentHash: sha256Hex(text),
      index: ++indexIn[datanet],
      acceptedAt: i,
      text,
    };
  });
  const trainedOn = [1n, 2n].map((datanetId) => {
    const own = contributions.filter((c) => c.datanetId === datanetId);
    const digest = digestOf(
      own.map((c) => ({ contributionId: contributionIdOf(datanetId, c.contentHash), contentHash: c.contentHash })),
    );
    return { datanetId, version: 1, count: own.length, digest };
  });
  const random = seededRandom(9_003);
  const logRoot = keccak256(toUtf8Bytes("bench log"));
  return {
    epoch: 1n,
    pool: 10n ** 24n,
    models: [{ modelId: 1n, version: 1, trainedOn }],
    contributions,
    inferences: Array.from({ length: inferences }, (_, k) => {
      const parts: string[] = [];
      for (let p = 0; p < 3; p++) {
        const words = texts[Math.floor(random() * texts.length)].split(/\s+/);
        const length = 15 + Math.floor(random() * 25);
        const at = Math.floor(random() * Math.max(1, words.length - length));
        parts.push(words.slice(at, at + length).join(" "), `zqnovel${k}x${p}`);
      }
      return { id: `inference-${k}`, modelId: 1n, logRoot, output: parts.join(" ") };
    }),
  };
}

function epochRows(texts: readonly string[], inferences: number): { rows: string[][]; total: Timing } {
  const input = makeEpoch(texts, inferences);
  let firstProgress = 0;
  let lastProgress = 0;
  const start = performance.now();
  const [total, report] = time(() =>
    attributeEpoch(input, {
      onProgress: (done) => {
        if (done === 1) firstProgress = performance.now();
        lastProgress = performance.now();
      },
    }),
  );
  const end = start + total.wall;
  const json = serializeEpochReport(report);
  const [read] = time(() => readEpochReport(json));
  const [verify, verification] = time(() => verifyEpochReport(json, input));
  if (!verification.ok) throw new Error(`verifyEpochReport refused the bench's own report at ${verification.path}.`);
  const perInference = (lastProgress - firstProgress) / Math.max(1, inferences - 1);
  return {
    total,
    rows: [
      ["input checks, hashes, dedup, span index", duration(firstProgress - start - perInference)],
      [`attribution, ${inferences.toLocaleString("en-US")} inferences`, `${perInference.toFixed(2)} ms each`],
      ["sums, allocate, reward tree, report hash", duration(end - lastProgress)],
      ["attributeEpoch in all", cell(total)],
      [`readEpochReport (${(json.length / 1e6).toFixed(1)} MB, ${report.accounts.length} accounts)`, cell(read)],
      ["verifyEpochReport (recompute and compare)", cell(verify)],
    ],
  };
}

export async function runEpochBench(quick: boolean): Promise<void> {
  printMachine();
  if (quick) console.log("QUICK MODE: a fifth of the mails; goals are not judged.");
  const texts = makeTexts(quick);

  // All pairs of 1,500 texts take about half a minute; of all 6,650 they would take ten.
  const dedup = dedupRows(texts, quick ? 400 : 1_500);
  printTable(
    "Near-duplicates, 5-word shingles, threshold 0.8, 64 hashes in 16 bands: wall clock (CPU)",
    ["Method", "Time", "Pairs compared", "Found"],
    dedup.rows,
    [1, 2],
  );
  console.log(
    quick
      ? `Dedup of ${texts.length.toLocaleString("en-US")} texts: ${cell(dedup.full)} (goal ≤ ${duration(DEDUP_GOAL_MS)} at full size: not judged)`
      : `Dedup of ${texts.length.toLocaleString("en-US")} texts: ${cell(dedup.full)} (goal ≤ ${duration(DEDUP_GOAL_MS)})`,
  );

  const inferences = quick ? 300 : 2_000;
  const epoch = epochRows(texts, inferences);
  printTable(
    `Epoch of ${texts.length.toLocaleString("en-US")} contributions and ${inferences.toLocaleString("en-US")} inferences`,
    ["Step", "Time"],
    epoch.rows,
    [1],
  );
  console.log(
    quick
      ? `attributeEpoch: ${cell(epoch.total)} (goal ≤ ${duration(EPOCH_GOAL_MS)} at full size: not judged)`
      : `attributeEpoch, ${texts.length.toLocaleString("en-US")} contributions, ${inferences.toLocaleString("en-US")} inferences: ${cell(epoch.total)} (goal ≤ ${duration(EPOCH_GOAL_MS)})`,
  );
}
