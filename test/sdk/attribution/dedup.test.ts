import { expect } from "chai";
import {
  DEDUP_DEFAULTS,
  InvalidDedupContributionError,
  InvalidDedupOptionsError,
  InvalidInputError,
  clusterContributions,
} from "../../../sdk/src";
import type { ContributionClustering, DedupContribution } from "../../../sdk/src";
import { loadEmails } from "../../helpers/corpus";
import { sha256 } from "../../helpers/epochReference";
import { seededRandom, shuffled } from "../../helpers/random";

/* REFERENCE: every pair compared by the exact Jaccard similarity of plain string sets, components by search */

const WORD = /[\p{L}\p{M}\p{N}]+/gu;

function shingleSet(text: string, size: number): Set<string> {
  const words = [...text.matchAll(WORD)].map((m) => m[0].toLowerCase());
  if (words.length === 0) return new Set();
  if (words.length < size) return new Set([words.join(" ")]);
  const set = new Set<string>();
  for (let i = 0; i + size <= words.length; i++) set.add(words.slice(i, i + size).join(" "));
  return set;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const s of a) if (b.has(s)) shared++;
  return shared / (a.size + b.size - shared);
}

/** Jaccard similarity of every pair, `similarity[i][j]` for j < i. */
function similarities(docs: readonly DedupContribution[], size = 5): number[][] {
  const sets = docs.map((d) => shingleSet(d.text, size));
  return sets.map((a, i) => sets.slice(0, i).map((b) => jaccard(a, b)));
}

/** Id → representative: connected components of "same hash or Jaccard ≥ threshold", each led by its earliest. */
function referenceClusters(
  docs: readonly DedupContribution[],
  size = 5,
  threshold = 0.8,
  similarity = similarities(docs, size),
): Map<string, string> {
  const neighbours = docs.map(() => [] as number[]);
  for (let i = 0; i < docs.length; i++) {
    for (let j = i + 1; j < docs.length; j++) {
      const same = docs[i].contentHash.toLowerCase() === docs[j].contentHash.toLowerCase();
      if (same || similarity[j][i] >= threshold) {
        neighbours[i].push(j);
        neighbours[j].push(i);
      }
    }
  }
  const result = new Map<string, string>();
  const seen = new Set<number>();
  for (let start = 0; start < docs.length; start++) {
    if (seen.has(start)) continue;
    const component = [start];
    seen.add(start);
    for (let k = 0; k < component.length; k++) {
      for (const next of neighbours[component[k]]) {
        if (!seen.has(next)) {
          seen.add(next);
          component.push(next);
        }
      }
    }
    const earliest = component
      .map((i) => docs[i])
      .reduce((a, b) => (b.acceptedAt < a.acceptedAt || (b.acceptedAt === a.acceptedAt && b.id < a.id) ? b : a));
    for (const i of component) result.set(docs[i].id, earliest.id);
  }
  return result;
}

/** Ids whose representative differs, as readable lines. */
function differences(actual: ContributionClustering, expected: Map<string, string>): string[] {
  const lines: string[] = [];
  for (const [id, representative] of expected) {
    const got = actual.representativeOf.get(id);
    if (got !== representative) lines.push(`${id}: ${got} ≠ ${representative}`);
  }
  if (actual.representativeOf.size !== expected.size) lines.push(`${actual.representativeOf.size} ids`);
  return lines;
}

/* CORPORA */

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

let fresh = 0;
/** A word no corpus has. */
const novelWord = () => `novel${(fresh++).toString(36)}x`;

/** A light edit: one word in `wordsPerEdit` (at least one) replaced by a novel word, preceded by one, or deleted. */
function lightlyEdit(random: () => number, text: string, wordsPerEdit = 100): string {
  const words = text.split(/(\s+)/);
  const edits = Math.max(1, Math.floor(words.length / 2 / wordsPerEdit));
  for (let e = 0; e < edits; e++) {
    const at = 2 * Math.floor((random() * words.length) / 2);
    const kind = random();
    if (kind < 0.4) words[at] = novelWord();
    else if (kind < 0.7) words.splice(at, 0, novelWord(), " ");
    else if (words.length > 4) words.splice(at, 2);
  }
  return words.join("");
}

/**
 * Seeded documents over a vocabulary of 3,000 words, with clearly separated similarities: near-copies at
 * Jaccard ≥ 0.9 (one or two edits per 350+ words, case and punctuation changes, exact copies) and new documents
 * quoting a quarter of another at ≤ 0.3; unrelated documents share almost no 5-word shingle.
 */
function syntheticCorpus(random: () => number, originals: number): DedupContribution[] {
  const vocabulary = Array.from({ length: 3_000 }, (_, i) => `w${i.toString(36)}`);
  const randomText = (length: number) => Array.from({ length }, () => pick(random, vocabulary)).join(" ");
  const texts: string[] = [];
  for (let i = 0; i < originals; i++) texts.push(randomText(350 + Math.floor(random() * 200)));
  const derived: string[] = [];
  for (let i = 0; i < originals; i++) {
    const source = pick(random, texts);
    const kind = random();
    if (kind < 0.3) derived.push(lightlyEdit(random, source, 1_000));
    else if (kind < 0.45) derived.push(source.toUpperCase().replace(/ /g, ", "));
    else if (kind < 0.55) derived.push(source);
    else if (kind < 0.7) {
      // A chain: an edit of an edit, so some members reach their representative only through another.
      derived.push(lightlyEdit(random, lightlyEdit(random, source, 1_000), 1_000));
    } else {
      const words = source.split(" ");
      const at = Math.floor(random() * words.length * 0.75);
      const quoted = words.slice(at, at + Math.floor(words.length / 4)).join(" ");
      derived.push(`${randomText(100 + Math.floor(random() * 100))} ${quoted} ${randomText(100)}`);
    }
  }
  return shuffled([...texts, ...derived], random).map((text, i) => ({
    id: `doc-${(i * 7919) % 1000}-${i}`,
    contentHash: sha256(text),
    text,
    acceptedAt: Math.floor(random() * 50),
  }));
}

/** Every pair's similarity is ≥ 0.9 or ≤ 0.3 (or the pair is an exact copy). */
function separationProblems(docs: readonly DedupContribution[]): string[] {
  const sets = docs.map((d) => shingleSet(d.text, 5));
  const problems: string[] = [];
  for (let i = 0; i < docs.length; i++) {
    for (let j = i + 1; j < docs.length; j++) {
      const similarity = jaccard(sets[i], sets[j]);
      if (similarity > 0.3 && similarity < 0.9) problems.push(`${docs[i].id} ~ ${docs[j].id}: ${similarity}`);
    }
  }
  return problems;
}

describe("clusterContributions", function () {
  describe("against exact Jaccard over every pair", function () {
    it("finds the same clusters and representatives on seeded corpora with separated similarities", function () {
      const failures: string[] = [];
      let multiMember = 0;
      for (const seed of [7_001, 7_002, 7_003, 7_004]) {
        const docs = syntheticCorpus(seededRandom(seed), 60);
        expect(separationProblems(docs), `seed ${seed}`).to.deep.equal([]);
        const actual = clusterContributions(docs);
        failures.push(...differences(actual, referenceClusters(docs)).map((line) => `seed ${seed}, ${line}`));
        multiMember += actual.clusters.filter((c) => c.members.length > 1).length;
      }
      expect(failures).to.deep.equal([]);
      expect(multiMember).to.be.greaterThan(100);
    });

    it("finds the same clusters on real SpamAssassin mail with light edits, at thresholds 0.5 to 0.95", function () {
      const random = seededRandom(7_010);
      const mails = shuffled(loadEmails(), random).slice(0, 150);
      const edits = Array.from({ length: 40 }, () => lightlyEdit(random, pick(random, mails).text));
      const docs: DedupContribution[] = [...mails.map((m) => m.text), ...edits].map((text, i) => ({
        id: `mail-${i}`,
        contentHash: sha256(text),
        text,
        acceptedAt: i,
      }));
      const similarity = similarities(docs);
      // Bands of two rows for 0.5: a pair at 0.5 is then a candidate with probability 1 − 10⁻⁴.
      for (const options of [{ threshold: 0.5, bands: 32 }, { threshold: 0.8 }, { threshold: 0.95 }]) {
        const actual = clusterContributions(docs, options);
        const expected = referenceClusters(docs, 5, options.threshold, similarity);
        expect(differences(actual, expected), JSON.stringify(options)).to.deep.equal([]);
      }
      // The edits were accepted after every mail, so each one the reference joins to its source is credited to it.
      const clustering = clusterContributions(docs);
      const creditedToMail = edits.filter(
        (_, k) => clustering.representativeOf.get(`mail-${150 + k}`) !== `mail-${150 + k}`,
      );
      expect(creditedToMail.length).to.be.greaterThan(35);
    });

    it("agrees with other shingle sizes, hash counts and bands", function () {
      const docs = syntheticCorpus(seededRandom(7_020), 40);
      for (const options of [
        { shingleWords: 3, hashes: 128, bands: 32 },
        { shingleWords: 8, hashes: 60, bands: 20 },
        { shingleWords: 1, hashes: 16, bands: 8 },
        { seed: 12_345 },
      ]) {
        const expected = referenceClusters(docs, options.shingleWords ?? 5);
        expect(differences(clusterContributions(docs, options), expected), JSON.stringify(options)).to.deep.equal([]);
      }
    });
  });

  describe("representatives", function () {
    const text = "the same five words and then some more words to make it longer";
    const docs: DedupContribution[] = [
      { id: "late", contentHash: sha256(text), text, acceptedAt: 9 },
      { id: "b-tie", contentHash: sha256(text + " "), text: text + " ", acceptedAt: 3 },
      { id: "a-tie", contentHash: sha256(text.toUpperCase()), text: text.toUpperCase(), acceptedAt: 3 },
      { id: "other", contentHash: sha256("unrelated"), text: "unrelated", acceptedAt: 0 },
    ];

    it("credits a cluster to its earliest accepted member, equal times going to the smaller id", function () {
      const { representativeOf, clusters } = clusterContributions(docs);
      expect(Object.fromEntries(representativeOf)).to.deep.equal({
        late: "a-tie",
        "b-tie": "a-tie",
        "a-tie": "a-tie",
        other: "other",
      });
      expect(clusters).to.deep.equal([
        { representative: "other", members: ["other"] },
        { representative: "a-tie", members: ["a-tie", "b-tie", "late"] },
      ]);
    });

    it("gives the same clusters whatever the input order", function () {
      const expected = clusterContributions(docs);
      const random = seededRandom(7_030);
      for (let run = 0; run < 10; run++) {
        const reordered = clusterContributions(shuffled(docs, random));
        expect(reordered.clusters).to.deep.equal(expected.clusters);
        expect([...reordered.representativeOf].sort()).to.deep.equal([...expected.representativeOf].sort());
      }
    });
  });

  describe("what it groups and what it cannot see", function () {
    const base =
      "Our quarterly report shows revenue grew by twelve percent while costs fell slightly across every region we " +
      "serve, and the board approved a new dividend policy that starts next spring after the annual meeting.";
    const doc = (id: string, text: string, acceptedAt = 0, contentHash = sha256(text)): DedupContribution => ({
      id,
      contentHash,
      text,
      acceptedAt,
    });
    const together = (docs: DedupContribution[]) => new Set(clusterContributions(docs).representativeOf.values()).size;

    it("groups exact duplicates by content hash, even texts without words", function () {
      expect(together([doc("a", "!!!", 0, sha256("x")), doc("b", "???", 1, sha256("x"))])).to.equal(1);
      expect(together([doc("a", "!!!"), doc("b", "???")])).to.equal(2);
    });

    it("groups texts that differ in case, punctuation or spacing only", function () {
      expect(together([doc("a", base), doc("b", base.toUpperCase().replace(/,/g, " ;  "))])).to.equal(1);
    });

    it("groups short texts only when their words are equal", function () {
      expect(together([doc("a", "Hello there, world"), doc("b", "hello THERE world!")])).to.equal(1);
      expect(together([doc("a", "Hello there, world"), doc("b", "hello there")])).to.equal(2);
    });

    it("groups reordered paragraphs", function () {
      const paragraphs = [
        base,
        "Shipping volumes rose in the northern warehouses, though delays at two ports pushed some deliveries into " +
          "the following month and raised freight bills for customers who had ordered late in the season.",
        "Hiring slowed as planned; the engineering group still added forty people, most of them to work on the " +
          "billing platform that replaces the old system before the end of the coming fiscal year.",
      ];
      const [a, b, c] = paragraphs;
      expect(together([doc("a", [a, b, c].join("\n\n")), doc("b", [c, a, b].join("\n\n"))])).to.equal(1);
    });

    it("does not see a paraphrase, a text quoted inside much new text, or words shuffled within shingles", function () {
      const paraphrase =
        "The latest quarterly figures show sales up twelve percent and expenses a little lower in all our regions; " +
        "the directors backed a fresh dividend plan beginning in spring, once the yearly meeting is over.";
      const quoted = `${base} ${"Filler sentence with its own words number ".repeat(20)}`;
      const words = base.split(" ");
      const swapped = words.map((_, i) => words[i % 2 === 0 ? Math.min(i + 1, words.length - 1) : i - 1]).join(" ");
      expect(together([doc("a", base), doc("b", paraphrase)])).to.equal(2);
      expect(together([doc("a", base), doc("b", quoted)])).to.equal(2);
      expect(together([doc("a", base), doc("b", swapped)])).to.equal(2);
    });

    it("closes near-duplicates transitively", function () {
      const words = base.split(" ");
      const edit = (at: number) => words.map((w, i) => (i === at ? novelWord() : w)).join(" ");
      const [a, b, c] = [edit(3), edit(3 + 14), edit(3 + 28)];
      const docs = [doc("a", a), doc("b", `${b} ${a.split(" ").slice(-12).join(" ")}`), doc("c", c)];
      const expected = referenceClusters(docs);
      expect(differences(clusterContributions(docs), expected)).to.deep.equal([]);
    });

    it("uses the documented defaults", function () {
      expect(DEDUP_DEFAULTS).to.deep.include({ shingleWords: 5, hashes: 64, bands: 16, threshold: 0.8 });
      expect(clusterContributions([]).clusters).to.deep.equal([]);
    });
  });

  describe("errors", function () {
    const ok: DedupContribution = { id: "a", contentHash: sha256("a"), text: "a", acceptedAt: 0 };

    it("rejects malformed contributions and repeated ids, naming the field", function () {
      const cases: [unknown, string][] = [
        [[ok, { ...ok }], "contributions[1].id"],
        [[{ ...ok, contentHash: "0x12" }], "contributions[0].contentHash"],
        [[{ ...ok, text: 3 }], "contributions[0].text"],
        [[ok, { ...ok, id: "b", acceptedAt: NaN }], "contributions[1].acceptedAt"],
        [[null], "contributions[0]"],
        ["nope", "contributions"],
      ];
      for (const [input, path] of cases) {
        const error = catchError(() => clusterContributions(input as DedupContribution[]));
        expect(error).to.be.instanceOf(InvalidDedupContributionError).and.instanceOf(InvalidInputError);
        expect((error as InvalidDedupContributionError).path).to.equal(path);
      }
    });

    it("rejects options out of range", function () {
      for (const [options, name] of [
        [{ shingleWords: 0 }, "shingleWords"],
        [{ hashes: 2_000 }, "hashes"],
        [{ bands: 10 }, "bands"],
        [{ threshold: 0 }, "threshold"],
        [{ threshold: 1.5 }, "threshold"],
        [{ seed: -1 }, "seed"],
      ] as const) {
        const error = catchError(() => clusterContributions([ok], options));
        expect(error).to.be.instanceOf(InvalidDedupOptionsError);
        expect((error as InvalidDedupOptionsError).option).to.equal(name);
      }
    });
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  expect.fail("expected an error");
}
