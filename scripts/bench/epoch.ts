/**
 * Epoch attribution: near-duplicate clustering (MinHash + LSH, confirmed by exact Jaccard) against the all-pairs
 * exact Jaccard it replaces, measured side by side on the same mails in one run; then epochs of 10k, 100k and 1M
 * inference records against 100k contributions, each in a process of its own (scripts/bench/epochChild.ts), on 1
 * and 2 scoring threads: time, records per second, peak RSS, the speed-up of 2 threads and the report's bytes.
 *
 * Dedup corpus: the 6,046 SpamAssassin mails (every fifth in quick mode) and one lightly edited copy per ten mails
 * (one word in a hundred replaced, inserted or deleted).
 *
 * `npm run bench -- epoch` (about 30 minutes; `BENCH_QUICK=1`: 10k contributions, 1k and 10k records, 3 minutes).
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { renderBenchHtml } from "../../sdk/src/report";
import { clusterContributions, forEachWord, sha256Hex } from "../../sdk/src";
import type { DedupContribution } from "../../sdk/src";
import type { EpochChildResult } from "./epochChild";
import { loadEmails, seededRandom } from "../lib/corpus";
import { duration, printMachine, time } from "../lib/timing";
import type { Timing } from "../lib/timing";
import { printTable } from "../lib/ui";

/** Goals at full size, judged only outside quick mode. */
const DEDUP_GOAL_MS = 5_000;

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

/** One child run of the scale measurement. */
function runChild(contributions: number, records: number, threads: number): Promise<EpochChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        "--expose-gc",
        "--max-old-space-size=6144",
        "-r",
        "ts-node/register/transpile-only",
        path.join(__dirname, "epochChild.ts"),
        ...["--contributions", String(contributions), "--records", String(records), "--threads", String(threads)],
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("RESULT "));
      if (code !== 0 || !line) reject(new Error(`The epoch bench child (${records} records) exited with ${code}.`));
      else resolve(JSON.parse(line.slice("RESULT ".length)));
    });
  });
}

/**
 * An epoch of 10k, 100k and 1M records (about 200 words each) against 100k contributions (about 50 MB), scored on 1
 * and 2 threads; in quick mode 1k and 10k records against 10k contributions.
 */
async function scaleRuns(quick: boolean): Promise<EpochChildResult[]> {
  execFileSync("npm", ["run", "build", "-w", "sdk", "--silent"], { stdio: "ignore" });
  const contributions = quick ? 10_000 : 100_000;
  const plan: [number, number][] = quick
    ? [
        [1_000, 1],
        [1_000, 2],
        [10_000, 1],
        [10_000, 2],
      ]
    : [
        [10_000, 1],
        [10_000, 2],
        [100_000, 1],
        [100_000, 2],
        [1_000_000, 1],
        [1_000_000, 2],
      ];
  const results: EpochChildResult[] = [];
  for (const [records, threads] of plan) {
    process.stderr.write(`epoch of ${records.toLocaleString("en-US")} records on ${threads} thread(s)…\n`);
    const result = await runChild(contributions, records, threads);
    process.stderr.write(
      `  ${result.seconds.toFixed(1)} s (preparation ${result.prepareSeconds.toFixed(1)} s, finish ` +
        `${result.finishSeconds.toFixed(1)} s), ` +
        `${(result.maxRssMiB / 1024).toFixed(2)} GiB peak, report sha-256 ${result.reportSha256.slice(0, 16)}…\n`,
    );
    results.push(result);
  }
  return results;
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

  const runs = await scaleRuns(quick);
  const first = runs[0];
  printTable(
    `Epoch attribution at scale: ${first.contributions.toLocaleString("en-US")} contributions ` +
      `(${(first.contributionBytes / 1e6).toFixed(1)} MB), records of ${first.recordWords.toFixed(0)} words, ` +
      `settlements of 1,000 records, built package's scoring threads`,
    ["Records", "Threads", "Time", "Preparation", "Scoring", "Finish", "Records/s", "Peak RSS", "Report"],
    runs.map((r) => [
      r.records.toLocaleString("en-US"),
      r.threads,
      duration(r.seconds * 1000),
      duration(r.prepareSeconds * 1000),
      duration(r.scoreSeconds * 1000),
      duration(r.finishSeconds * 1000),
      Math.round(r.records / r.seconds).toLocaleString("en-US"),
      `${(r.maxRssMiB / 1024).toFixed(2)} GiB`,
      `${(r.reportBytes / 1e6).toFixed(1)} MB`,
    ]),
    [0, 1, 2, 3, 4, 5, 6, 7, 8],
  );
  const at = (records: number, threads: number) => runs.find((r) => r.records === records && r.threads === threads);
  const largest = Math.max(...runs.map((r) => r.records));
  const compared = runs.filter((r) => r.threads === 1 && at(r.records, 2));
  const speedUps = compared.map((one) => {
    const two = at(one.records, 2)!;
    return {
      records: one.records,
      total: one.seconds / two.seconds,
      scoring: one.scoreSeconds / two.scoreSeconds,
      identical: one.reportSha256 === two.reportSha256,
    };
  });
  for (const s of speedUps) {
    console.log(
      `${s.records.toLocaleString("en-US")} records: 2 threads ${s.total.toFixed(2)}× as fast as 1 ` +
        `(scoring alone ${s.scoring.toFixed(2)}×); reports ${s.identical ? "byte-identical ✓" : "DIFFER ✗"}`,
    );
    if (!s.identical) throw new Error("The report depends on the number of threads.");
  }
  const twoThreads = runs.filter((r) => r.threads === 2).sort((a, b) => a.records - b.records);
  for (let k = 1; k < twoThreads.length; k++) {
    const a = twoThreads[k - 1];
    const b = twoThreads[k];
    const perRecord = (r: EpochChildResult) => (r.scoreSeconds / r.records) * 1e6;
    console.log(
      `${a.records.toLocaleString("en-US")} → ${b.records.toLocaleString("en-US")} records (2 threads): time ×` +
        `${(b.seconds / a.seconds).toFixed(2)} for ×${b.records / a.records} records; scoring ` +
        `${perRecord(a).toFixed(0)} → ${perRecord(b).toFixed(0)} µs per record`,
    );
  }
  const big = at(largest, 2)!;
  const judged = speedUps.find((s) => s.records === largest);
  const goals = quick
    ? []
    : [
        [`${largest.toLocaleString("en-US")} records ≤ 5 min`, big.seconds <= 300, duration(big.seconds * 1000)],
        [
          `${largest.toLocaleString("en-US")} records ≤ 6 GiB`,
          big.maxRssMiB <= 6 * 1024,
          `${(big.maxRssMiB / 1024).toFixed(2)} GiB`,
        ],
        [
          `2 threads ≥ 1.7× 1 thread at ${largest.toLocaleString("en-US")} records`,
          (judged?.total ?? 0) >= 1.7,
          judged ? `${judged.total.toFixed(2)}× (scoring ${judged.scoring.toFixed(2)}×)` : "not measured",
        ],
      ];
  if (goals.length > 0) {
    printTable(
      "Goals",
      ["Goal", "Met", "Measured"],
      goals.map(([goal, met, measured]) => [goal as string, met ? "✓" : "✗", measured as string]),
    );
  } else console.log("QUICK MODE: goals are not judged.");
  await writeBenchReport(runs, goals as [string, boolean, string][]);
}

/** The bench report: reports/bench-epoch.json (the runs) and reports/bench-epoch.html (the table and the curve). */
async function writeBenchReport(runs: EpochChildResult[], goals: [string, boolean, string][]): Promise<void> {
  const dir = path.join(__dirname, "../../reports");
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, "bench-epoch.json"), JSON.stringify({ runs, goals }, null, 2));
  const cpu = os.cpus();
  const html = renderBenchHtml({
    title: `Epoch attribution: ${runs[0].contributions.toLocaleString("en-US")} contributions, records of ${runs[0].recordWords.toFixed(0)} words`,
    machine: `${cpu[0].model}, ${cpu.length} cores, Node ${process.version}`,
    rows: runs.map((r) => ({
      records: r.records,
      seconds: r.seconds,
      recordsPerSecond: r.records / r.seconds,
      peakRssMiB: r.maxRssMiB,
      workers: r.threads,
    })),
    goals: goals.map(([label, met, detail]) => ({ label, met, detail })),
  });
  const htmlPath = path.join(dir, "bench-epoch.html");
  await writeFile(htmlPath, html);
  console.log(`Runs written to ${path.relative(process.cwd(), htmlPath)} and bench-epoch.json beside it.`);
}
