/**
 * Span attribution: suffix array build speed (ours against mnemonist's SuffixArray on the same input, in one run),
 * attribution time of a 500-word output against a corpus of 50 MiB, and index size.
 *
 * The corpus is deterministic: the SpamAssassin mails as they are (all 6,046; every tenth in quick mode), then
 * documents from a seeded word-level bigram Markov chain trained on those mails (each next word is the successor of
 * a random occurrence of the current word in the mails; each document as long as a random real mail, in words)
 * until the texts reach 50 MiB (5 MiB in quick mode). The output quotes three long spam bodies in chunks of 15 to
 * 40 words between runs of 1 to 4 novel words.
 *
 * `node --expose-gc -r ts-node/register/transpile-only -e 'require("./scripts/bench/spans").runSpansBench(false)'`
 * (under a minute; about 15 s with `true`).
 */
import SuffixArray from "mnemonist/suffix-array";
import { buildSpanIndex, buildSuffixArray, encodeDocuments, tokenizeWords } from "../../sdk/src";
import type { SpanDocument } from "../../sdk/src";
import { loadEmails, seededRandom } from "../lib/corpus";
import type { Email } from "../lib/corpus";
import { printMachine, time } from "../lib/timing";
import { printTable } from "../lib/ui";

const MiB = 2 ** 20;
const OUTPUT_WORDS = 500;

/** Milliseconds `run` takes (after a garbage collection), and what it returned. */
function timed<T>(run: () => T): [ms: number, result: T] {
  const [{ wall }, result] = time(run);
  return [wall, result];
}

function bytesOf(docs: readonly { text: string }[]): number {
  return docs.reduce((sum, doc) => sum + Buffer.byteLength(doc.text), 0);
}

function mbPerSecond(bytes: number, ms: number): string {
  return `${(bytes / 1e6 / (ms / 1000)).toFixed(2)} MB/s`;
}

/** The mails, then bigram Markov documents until the texts hold `targetBytes`. */
function makeCorpus(mails: readonly Email[], targetBytes: number): SpanDocument[] {
  const docs: SpanDocument[] = mails.map((m) => ({ id: m.id, text: m.text }));
  const { tokens, documentStarts, vocabulary } = encodeDocuments(docs.map((d) => d.text));
  const wordOf = new Array<string>(vocabulary.size + 1);
  for (const [word, id] of vocabulary) wordOf[id] = word;
  // Successors of each word in CSR form: successors[offsets[w] .. offsets[w + 1]) follow w somewhere in the mails.
  const offsets = new Int32Array(vocabulary.size + 2);
  for (let i = 0; i + 1 < tokens.length; i++) if (tokens[i] > 0 && tokens[i + 1] > 0) offsets[tokens[i] + 1]++;
  for (let w = 1; w < offsets.length; w++) offsets[w] += offsets[w - 1];
  const successors = new Int32Array(offsets[offsets.length - 1]);
  const fill = offsets.slice();
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (tokens[i] > 0 && tokens[i + 1] > 0) successors[fill[tokens[i]]++] = tokens[i + 1];
  }
  const mailCount = mails.length;
  const random = seededRandom(2_024);
  const randomMail = () => Math.floor(random() * mailCount);
  let bytes = bytesOf(docs);
  while (bytes < targetBytes) {
    const mail = randomMail();
    const length = documentStarts[mail + 1] - 1 - documentStarts[mail];
    const words: string[] = [];
    let word = 0;
    for (let i = 0; i < length; i++) {
      const count = word === 0 ? 0 : offsets[word + 1] - offsets[word];
      if (count === 0) {
        // A dead end (or the start): restart from the first word of a random non-empty mail.
        do word = tokens[documentStarts[randomMail()]];
        while (word === 0);
      } else {
        word = successors[offsets[word] + Math.floor(random() * count)];
      }
      words.push(i % 12 === 11 ? wordOf[word] + "\n" : wordOf[word]);
    }
    const text = words.join(" ");
    docs.push({ id: `markov/${docs.length - mailCount}`, text });
    bytes += Buffer.byteLength(text);
  }
  return docs;
}

/** 500 words: chunks of 15–40 consecutive body words of a few long spam mails, between 1–4 novel words. */
function makeOutput(mails: readonly Email[]): { text: string; sources: string[] } {
  const random = seededRandom(7);
  const long = mails.filter((m) => m.spam && tokenizeWords(m.text.slice(m.text.indexOf("\n\n"))).length > 600);
  const sources = [0, 1, 2].map(() => long[Math.floor(random() * long.length)]);
  const bodies = sources.map((m) => tokenizeWords(m.text.slice(m.text.indexOf("\n\n"))).map((t) => t.word));
  const words: string[] = [];
  let novel = 0;
  for (let chunk = 0; words.length < OUTPUT_WORDS; chunk++) {
    const body = bodies[chunk % bodies.length];
    const at = Math.floor(random() * (body.length - 40));
    words.push(...body.slice(at, at + 15 + Math.floor(random() * 26)));
    for (let k = 1 + Math.floor(random() * 4); k > 0; k--) words.push(`zqxv${(novel++).toString(36)}jkw`);
  }
  return { text: words.slice(0, OUTPUT_WORDS).join(" "), sources: sources.map((m) => m.id) };
}

/**
 * How far `sa` is from the suffix array of `tokens`, checked against the definition: the adjacent pairs that are
 * not in increasing suffix order, plus the positions missing or repeated. 0 means it is the suffix array.
 */
function suffixOrderErrors(tokens: Int32Array, sa: ArrayLike<number>): number {
  const n = tokens.length;
  const seen = new Uint8Array(n);
  let errors = Math.abs(n - sa.length);
  for (let k = 0; k < sa.length; k++) {
    if (seen[sa[k]]) errors++;
    seen[sa[k]] = 1;
    if (k === 0) continue;
    let [a, b] = [sa[k - 1], sa[k]];
    while (b < n && a < n && tokens[a] === tokens[b]) [a, b] = [a + 1, b + 1];
    if (b === n || (a < n && tokens[a] > tokens[b])) errors++;
  }
  return errors;
}

/** Prints the span attribution table: pass `quick` for a 5 MiB corpus and a quarter-size mnemonist comparison. */
export async function runSpansBench(quick: boolean): Promise<void> {
  printMachine();

  const allMails = loadEmails();
  const mails = quick ? allMails.filter((_, i) => i % 10 === 0) : allMails;
  const corpus = makeCorpus(mails, (quick ? 5 : 50) * MiB);
  const corpusBytes = bytesOf(corpus);

  // Side by side on the same input: the first documents of the corpus, up to 2 MB (0.5 MB in quick mode).
  const sample: SpanDocument[] = [];
  for (let bytes = 0; bytes < (quick ? 0.5e6 : 2e6); bytes += Buffer.byteLength(corpus[sample.length].text)) {
    sample.push(corpus[sample.length]);
  }
  const sampleBytes = bytesOf(sample);
  const sampleEncoded = encodeDocuments(sample.map((d) => d.text));
  const alphabet = sampleEncoded.vocabulary.size + 1;
  // Once untimed, so that the timed run measures optimized code, not the JIT warming up.
  buildSuffixArray(sampleEncoded.tokens, alphabet);
  const [oursSampleMs, oursSample] = timed(() => buildSuffixArray(sampleEncoded.tokens, alphabet));
  // Ids padded to one width, so the alphabet mnemonist sorts as strings keeps their numeric order.
  const width = 10 ** String(alphabet).length;
  const padded = Array.from(sampleEncoded.tokens, (id) => id + width);
  const [theirTokensMs, theirs] = timed(() => new SuffixArray(padded as unknown as string[]).array);
  const sampleText = sample.map((d) => d.text).join("\u0001");
  const [theirCharsMs] = timed(() => new SuffixArray(sampleText));
  const ourErrors = suffixOrderErrors(sampleEncoded.tokens, oursSample);
  const theirErrors = suffixOrderErrors(sampleEncoded.tokens, theirs);

  const [buildMs, index] = timed(() => buildSpanIndex(corpus));
  const [encodeMs, encoded] = timed(() => encodeDocuments(corpus.map((d) => d.text)));
  const [saMs] = timed(() => buildSuffixArray(encoded.tokens, encoded.vocabulary.size + 1));

  const { text, sources } = makeOutput(mails);
  const outputWords = tokenizeWords(text).length;
  for (let i = 0; i < 3; i++) index.attribute(text);
  const runs = Array.from({ length: 25 }, () => timed(() => index.attribute(text))[0]).sort((a, b) => a - b);
  const attribution = index.attribute(text);
  const spans = index.attributeSpans(text);
  const fromSources = attribution.filter((a) => sources.includes(a.id)).reduce((sum, a) => sum + a.weight, 0);

  const ratio = Math.min(theirTokensMs, theirCharsMs) / oursSampleMs;
  const corpusLabel = `${(corpusBytes / MiB).toFixed(1)} MiB, ${index.documentCount.toLocaleString("en-US")} docs`;
  const rows: string[][] = [
    [
      `Suffix array, ${(sampleBytes / 1e6).toFixed(2)} MB sample (${sampleEncoded.tokens.length.toLocaleString("en-US")} tokens)`,
      `${mbPerSecond(sampleBytes, oursSampleMs)} (${oursSampleMs.toFixed(0)} ms)`,
      `${mbPerSecond(sampleBytes, theirTokensMs)} on the tokens, ${mbPerSecond(sampleBytes, theirCharsMs)} on the characters`,
    ],
    [
      `Suffix array, whole corpus (${corpusLabel})`,
      `${mbPerSecond(corpusBytes, saMs)} (${(saMs / 1000).toFixed(1)} s)`,
      "—",
    ],
    ["Tokenize and number words, whole corpus", `${mbPerSecond(corpusBytes, encodeMs)}`, "—"],
    ["buildSpanIndex, whole corpus", `${mbPerSecond(corpusBytes, buildMs)} (${(buildMs / 1000).toFixed(1)} s)`, "—"],
    [
      `attribute(${outputWords} words)`,
      `median ${runs[12].toFixed(2)} ms, max ${runs[24].toFixed(2)} ms (25 runs)`,
      "—",
    ],
    [
      "Index typed arrays",
      `${(index.byteLength / index.wordCount).toFixed(2)} B/word (${(index.byteLength / MiB).toFixed(1)} MiB for ` +
        `${index.wordCount.toLocaleString("en-US")} words, ${index.vocabularySize.toLocaleString("en-US")} distinct)`,
      "—",
    ],
  ];
  printTable(
    "Span attribution (wall clock; MB = 10⁶ bytes of source text)",
    ["Work", "ours", "mnemonist 0.38.5"],
    rows,
  );
  console.log(
    `Output: ${spans.length} spans, ${attribution.length} contributions credited, ` +
      `${(fromSources * 100).toFixed(1)}% of the weight on the ${sources.length} quoted mails.`,
  );
  console.log(
    `Checked against the definition on the sample: our suffix array has ${ourErrors} suffixes out of order, ` +
      `mnemonist's (tokens) ${theirErrors.toLocaleString("en-US")}.`,
  );
  console.log(`Suffix array build: ${mbPerSecond(corpusBytes, saMs)} (goal ≥ 3 MB/s)`);
  console.log(`Against mnemonist (its faster mode): ${ratio.toFixed(0)}× (goal ≥ 10×)`);
  console.log(
    `Attribution of ${outputWords} words against ${corpusLabel}: ${runs[12].toFixed(2)} ms median (goal ≤ 50 ms` +
      `${corpusBytes >= 50e6 ? "" : "; quick mode, corpus under the goal's 50 MB"})`,
  );
  console.log(`Index memory: ${(index.byteLength / index.wordCount).toFixed(2)} bytes per word (goal ≤ 10)`);
}
