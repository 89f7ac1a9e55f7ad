/**
 * One run of `npm run bench -- epoch`'s scale part, in a process of its own so that its peak RSS is its own: builds
 * an epoch of `--contributions` synthetic mails (about 75 words, 500 bytes, each) and `--records` inference records
 * of about 200 words (quotes of four contributions between words of their own) in settlements of 1,000 records with
 * real logs, written as files to a temporary folder as a gateway's content store holds them; then attributes it with
 * `attributeEpochInThreads` on `--threads` threads, each log read from its file when a thread is ready for it, and
 * prints one line, `RESULT {json}` (an {@link EpochChildResult}). Only the attribution is timed (reading the logs
 * included), not the making of the input; the report is hashed as it is written, never held as one string.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { getAddress, keccak256, toUtf8Bytes } from "ethers";
import { buildInferenceLog, contributionIdOf, digestOf, sha256Hex, writeEpochReport } from "../../sdk/src";
import type { EpochContribution, EpochInput, EpochSettlement, InferenceRecord } from "../../sdk/src";
import { loadEmails, seededRandom } from "../lib/corpus";

export interface EpochChildResult {
  contributions: number;
  contributionBytes: number;
  records: number;
  recordWords: number;
  threads: number;
  /**
   * Seconds: the whole attribution; its preparation (checks, dedup, each thread's index, the first settlement); the
   * settlements read and scored; the finish (pots split, report and its hash).
   */
  seconds: number;
  prepareSeconds: number;
  scoreSeconds: number;
  finishSeconds: number;
  maxRssMiB: number;
  reportBytes: number;
  /** sha-256 of the report's bytes: the same for any number of threads. */
  reportSha256: string;
}

const RECORDS_PER_SETTLEMENT = 1_000;

/**
 * The built package's Node entry, as an application installs it: its scoring threads start from
 * `dist/epochWorker.js`, plain JavaScript, in milliseconds (the sources' would compile TypeScript in each thread).
 */
const { attributeEpochInThreads } = require("@open-attribution/sdk/node") as typeof import("../../sdk/src/node");

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
}

/** A word-bigram chain over the SpamAssassin mails: texts that read like mail without repeating one. */
function mailChain(random: () => number): (words: number) => string {
  const vocabulary = new Map<string, number>();
  const names: string[] = [];
  const stream: number[] = [];
  for (const mail of loadEmails()) {
    for (const word of mail.text.split(/\s+/)) {
      if (word.length === 0 || word.length > 24) continue;
      let id = vocabulary.get(word);
      if (id === undefined) vocabulary.set(word, (id = names.push(word) - 1));
      stream.push(id);
    }
  }
  const counts = new Int32Array(names.length + 1);
  for (let i = 0; i + 1 < stream.length; i++) counts[stream[i] + 1]++;
  for (let w = 0; w < names.length; w++) counts[w + 1] += counts[w];
  const next = new Int32Array(stream.length);
  const fill = counts.slice(0, names.length);
  for (let i = 0; i + 1 < stream.length; i++) next[fill[stream[i]]++] = stream[i + 1];
  return (length) => {
    let word = stream[Math.floor(random() * stream.length)];
    const out: string[] = [];
    for (let k = 0; k < length; k++) {
      out.push(names[word]);
      const from = counts[word];
      const to = counts[word + 1];
      word = to > from ? next[from + Math.floor(random() * (to - from))] : stream[Math.floor(random() * stream.length)];
    }
    return out.join(" ");
  };
}

function makeEpoch(
  contributionCount: number,
  recordCount: number,
  logDir: string,
): { input: EpochInput; bytes: number; words: number } {
  const random = seededRandom(70_001);
  const chain = mailChain(random);
  const owners = Array.from({ length: 2_000 }, (_, i) => getAddress("0x" + (i + 1).toString(16).padStart(40, "0")));
  let bytes = 0;
  const contributions: EpochContribution[] = Array.from({ length: contributionCount }, (_, i) => {
    // A chain can repeat a short text; a Datanet holds each content once, so each one ends with its own number.
    const text = `${chain(55 + Math.floor(random() * 40))} n${i}`;
    bytes += text.length;
    return {
      id: `c${i}`,
      datanetId: 1n,
      contributor: owners[(i * 7) % owners.length],
      contentHash: sha256Hex(text),
      index: i + 1,
      acceptedAt: i,
      text,
    };
  });
  const digest = digestOf(
    contributions.map((c) => ({ contributionId: contributionIdOf(1n, c.contentHash), contentHash: c.contentHash })),
  );
  let words = 0;
  const settlements: EpochSettlement[] = [];
  for (let from = 0; from < recordCount; from += RECORDS_PER_SETTLEMENT) {
    const records: InferenceRecord[] = [];
    for (let r = from; r < Math.min(recordCount, from + RECORDS_PER_SETTLEMENT); r++) {
      const parts: string[] = [];
      for (let q = 0; q < 4; q++) {
        const source = contributions[Math.floor(random() * contributions.length)].text!.split(" ");
        const length = 42 + Math.floor(random() * 16);
        const at = Math.floor(random() * Math.max(1, source.length - length));
        parts.push(`zq${r}n${q}`, source.slice(at, at + length).join(" "));
      }
      const text = parts.join(" ");
      words += text.split(" ").length;
      records.push({
        id: `r${r}`,
        modelId: 1n,
        modelVersion: 1,
        calls: BigInt(1 + (r % 5)),
        queryHash: keccak256(toUtf8Bytes(`query ${r}`)),
        output: { kind: "text", text },
      });
    }
    const log = buildInferenceLog(records);
    const file = `settlement-${from}.json`;
    writeFileSync(path.join(logDir, file), log.serialize());
    settlements.push({
      id: `s${String(from / RECORDS_PER_SETTLEMENT).padStart(5, "0")}`,
      modelId: 1n,
      calls: log.calls,
      pot: 10n ** 18n + BigInt(from),
      logRoot: log.root,
      logURI: `file://${file}`,
    });
  }
  return {
    input: {
      epoch: 1n,
      models: [
        { modelId: 1n, version: 1, trainedOn: [{ datanetId: 1n, version: 1, count: contributionCount, digest }] },
      ],
      contributions,
      settlements,
      options: { topK: 1 },
    },
    bytes,
    words,
  };
}

async function main(): Promise<void> {
  const contributionCount = option("contributions", 100_000);
  const recordCount = option("records", 10_000);
  const threads = option("threads", 2);
  const logDir = mkdtempSync(path.join(tmpdir(), "epoch-bench-logs-"));
  try {
    await run(contributionCount, recordCount, threads, logDir);
  } finally {
    rmSync(logDir, { recursive: true, force: true });
  }
}

async function run(contributionCount: number, recordCount: number, threads: number, logDir: string): Promise<void> {
  const { input, bytes, words } = makeEpoch(contributionCount, recordCount, logDir);
  (globalThis as { gc?: () => void }).gc?.();
  const start = performance.now();
  let firstProgress = 0;
  let lastProgress = 0;
  const report = await attributeEpochInThreads(input, {
    threads,
    onProgress: () => {
      lastProgress = performance.now();
      firstProgress ||= lastProgress;
    },
    fetchLog: ({ logURI }) => readFile(path.join(logDir, logURI.slice("file://".length))),
  });
  const seconds = (performance.now() - start) / 1000;
  const hash = createHash("sha256");
  let reportBytes = 0;
  let pending = "";
  const flush = () => {
    hash.update(pending);
    reportBytes += Buffer.byteLength(pending);
    pending = "";
  };
  writeEpochReport(report, (text) => {
    pending += text;
    // Whole pieces only, so a surrogate pair is never split between two updates.
    if (pending.length >= 1 << 16) flush();
  });
  flush();
  const result: EpochChildResult = {
    contributions: contributionCount,
    contributionBytes: bytes,
    records: recordCount,
    recordWords: words / recordCount,
    threads,
    seconds,
    // The first settlement's progress comes after the threads built their index and scored it: counted as preparation.
    prepareSeconds: (firstProgress - start) / 1000,
    scoreSeconds: (lastProgress - firstProgress) / 1000,
    finishSeconds: seconds - (lastProgress - start) / 1000,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    reportBytes,
    reportSha256: hash.digest("hex"),
  };
  console.log(`RESULT ${JSON.stringify(result)}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
