import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import {
  EpochReportMismatchError,
  InvalidEpochInputError,
  MalformedEpochReportError,
  allocate,
  attributeEpoch,
  readEpochReport,
  serializeEpochReport,
  verifyEpochReport,
} from "../../../sdk/src";
import type { EpochContribution, EpochInput, EpochReport, EpochScorer, EpochSettlement } from "../../../sdk/src";
import { seededRandom } from "../../helpers/random";
import { address, indexedContributions, referenceDigest, settlementOfRecords } from "../../helpers/epochReference";
import type { DraftContribution } from "../../helpers/epochReference";

/* INDEPENDENT REFERENCES */

interface Example {
  features: number[];
  label: number;
}

/**
 * Shapley values by definition, over every subset: φ_i = Σ_{S ∌ i} |S|!(n−|S|−1)!/n! · (U(S ∪ {i}) − U(S)), with
 * U(S) = (1/k)·#{the min(k, |S|) points of S nearest to the test point whose label is the test label}.
 */
function bruteForceShapley(points: readonly Example[], test: Example, k: number): number[] {
  const n = points.length;
  const distance = points.map((p) => p.features.reduce((sum, x, j) => sum + (x - test.features[j]) ** 2, 0));
  const utility = (mask: number) => {
    const members = points.map((_, i) => i).filter((i) => mask & (1 << i));
    members.sort((a, b) => distance[a] - distance[b]);
    return members.slice(0, k).filter((i) => points[i].label === test.label).length / k;
  };
  const factorial = (m: number): number => (m <= 1 ? 1 : m * factorial(m - 1));
  const values = new Array<number>(n).fill(0);
  for (let mask = 0; mask < 1 << n; mask++) {
    const size = points.filter((_, i) => mask & (1 << i)).length;
    for (let i = 0; i < n; i++) {
      if (mask & (1 << i)) continue;
      const coefficient = (factorial(size) * factorial(n - size - 1)) / factorial(n);
      values[i] += coefficient * (utility(mask | (1 << i)) - utility(mask));
    }
  }
  return values;
}

/** The positive values over their sum, by id (empty when none is positive). */
function positiveShares(ids: readonly string[], values: readonly number[]): Map<string, number> {
  const sum = values.filter((v) => v > 0).reduce((a, b) => a + b, 0);
  return new Map(ids.map((id, i) => [id, values[i] / sum] as const).filter((_, i) => values[i] > 0));
}

/** A label output's hash as a log leaf holds it: keccak256 of `{"kind":"label","features":…,"label":…}`. */
const labelOutputHash = ({ features, label }: Example) =>
  keccak256(toUtf8Bytes(JSON.stringify({ kind: "label", features, label })));

/* SCENARIO */

const ALICE = address("a1");
const BOB = address("b2");
const CAROL = address("c3");
const EVE = address("f6");
const POT = 10n ** 21n;
const K = 3;

/** A text of words of its own, so dedup relates no two drafts but exact copies. */
const ownWords = (id: string) => Array.from({ length: 30 }, (_, k) => `${id}w${k}`).join(" ");

interface Draft extends Partial<Example>, DraftContribution {}

/**
 * Ten drafts in two Datanets: Datanet 1 has six, of which the model is trained on five; Datanet 2 has four, the
 * last an exact copy (text and example) of Datanet 1's first, by the same contributor. Eve's `late` is the sixth of
 * Datanet 1, the nearest point to every query and of the right label: it would earn most if it were eligible.
 */
function knnScenario(seed = 5_501) {
  const random = seededRandom(seed);
  const point = () => [random() * 10, random() * 10, random() * 10];
  const owners = [ALICE, BOB, CAROL, ALICE, BOB, CAROL, ALICE, BOB];
  const originals: Draft[] = owners.map((contributor, i) => ({
    id: `c${i}`,
    datanetId: i < 5 ? 1n : 2n,
    contributor,
    text: ownWords(`c${i}`),
    features: point(),
    label: Math.floor(random() * 2),
  }));
  const queries = Array.from({ length: 8 }, (_, q) => ({
    id: `q${q}`,
    features: point(),
    // No contribution has label 2: the last query draws on none.
    label: q === 7 ? 2 : Math.floor(random() * 2),
  }));
  const late: Draft = { id: "late", datanetId: 1n, contributor: EVE, text: ownWords("late") };
  const copy: Draft = { ...originals[0], id: "copy", datanetId: 2n };
  return { originals, queries, late, copy };
}

/** A query answered by the model: a classifier's label for its features, or a text. */
type Query = { id: string } & (Example | { output: string });

/** One settlement `s1` of `POT` whose log holds a record of one call per query. */
const querySettlement = (queries: readonly Query[], id = "s1"): EpochSettlement =>
  settlementOfRecords(
    id,
    POT,
    queries.map((q) => ({
      id: q.id,
      output:
        "output" in q
          ? { kind: "text" as const, text: q.output }
          : { kind: "label" as const, features: q.features, label: q.label },
    })),
  );

/**
 * Contributions indexed per Datanet in draft order (accepted at their position), versions of `counts` of them, and
 * the queries in one settlement.
 */
function input(
  drafts: readonly Draft[],
  queries: readonly Query[],
  // null leaves the scorer out.
  { scorer = { kind: "knn-shapley", k: K } as EpochScorer | null, counts = new Map<bigint, number>() } = {},
): EpochInput {
  const contributions: EpochContribution[] = indexedContributions(drafts).map((c, i) => ({
    ...c,
    ...(drafts[i].features && { features: drafts[i].features }),
    ...(drafts[i].label !== undefined && { label: drafts[i].label }),
  }));
  return {
    epoch: 1n,
    models: [
      {
        modelId: 1n,
        version: 1,
        trainedOn: [...new Set(drafts.map((d) => d.datanetId))].map((datanetId) => {
          const used = contributions
            .filter((c) => c.datanetId === datanetId)
            .slice(0, counts.get(datanetId) ?? Infinity);
          return {
            datanetId,
            version: 1,
            count: used.length,
            digest: referenceDigest(
              datanetId,
              used.map((c) => c.contentHash),
            ),
          };
        }),
        ...(scorer && { scorer }),
      },
    ],
    contributions,
    settlements: [querySettlement(queries)],
  };
}

/** Datanet 1's first five, `late` as its sixth (beyond the version), then Datanet 2's three and the copy. */
function fullInput(overrides: Parameters<typeof input>[2] = {}) {
  const { originals, queries, late, copy } = knnScenario();
  const drafts = [...originals.slice(0, 5), late, ...originals.slice(5), copy];
  return input(drafts, queries, { counts: new Map([[1n, 5]]), ...overrides });
}

function pathOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(InvalidEpochInputError);
    return (error as InvalidEpochInputError).path;
  }
  return expect.fail("expected an InvalidEpochInputError");
}

describe("attributeEpoch with a knn-shapley model", function () {
  it("weights each record's contributions by their positive Shapley values, computed over every subset, and pays the pot by those weights", function () {
    const { originals, queries } = knnScenario();
    const report = attributeEpoch(fullInput());
    const [settlement] = report.settlements;

    const ids = originals.map((d) => d.id);
    const expected = new Map<string, number>();
    let unmatched = 0;
    for (const q of queries) {
      const shares = positiveShares(ids, bruteForceShapley(originals as Example[], q, K));
      if (shares.size === 0) unmatched++;
      for (const [id, w] of shares) expected.set(id, (expected.get(id) ?? 0) + w);
      const record = settlement.records.find((x) => x.id === q.id)!;
      expect(record.outputHash).to.equal(labelOutputHash(q));
      const { top } = record;
      expect(top.map((t) => t.contribution).sort()).to.deep.equal([...shares.keys()].sort());
      for (const t of top) expect(t.weight).to.be.closeTo(shares.get(t.contribution)!, 1e-12);
      for (let i = 1; i < top.length; i++) expect(top[i - 1].weight).to.be.at.least(top[i].weight);
    }
    // The query no contribution shares a label with pays its call to the eight representatives (the copy is none),
    // 1/8 each.
    expect(unmatched).to.equal(1);
    expect(settlement.unmatchedCalls).to.equal("1");
    for (const id of ids) expected.set(id, (expected.get(id) ?? 0) + unmatched / ids.length);
    const totalWeight = [...expected.values()].reduce((a, b) => a + b, 0);
    const expectShare = (amount: string, weight: number, what: string) => {
      const exact = (Number(POT) * weight) / totalWeight;
      expect(Math.abs(Number(BigInt(amount)) - exact) / exact, what).to.be.below(1e-9);
    };
    expect(report.contributions.map((c) => c.id)).to.deep.equal([...expected.keys()].sort());
    for (const c of report.contributions) expectShare(c.amount, expected.get(c.id)!, c.id);

    const byAccount = new Map<string, number>();
    const earnedBy = new Map<string, bigint>();
    for (const [id, w] of expected) {
      const owner = originals.find((d) => d.id === id)!.contributor;
      byAccount.set(owner, (byAccount.get(owner) ?? 0) + w);
      const amount = BigInt(report.contributions.find((c) => c.id === id)!.amount);
      earnedBy.set(owner, (earnedBy.get(owner) ?? 0n) + amount);
    }
    for (const a of report.accounts) {
      expect(BigInt(a.amount)).to.equal(earnedBy.get(a.account));
      expectShare(a.amount, byAccount.get(a.account)!, a.account);
    }
    expect(report.accounts.reduce((sum, a) => sum + BigInt(a.amount), 0n)).to.equal(POT);
    expect(settlement).to.deep.include({ paid: POT.toString(), carried: "0" });
    expect(report.models[0].scorer).to.deep.equal({ kind: "knn-shapley", k: K });
  });

  it("splits the pot with allocate over Σ calls × weight, whatever the calls of each record", function () {
    const { originals, queries } = knnScenario();
    const data = fullInput();
    const calls = (q: number) => BigInt(2 + ((q * 5) % 7));
    data.settlements = [
      settlementOfRecords(
        "s1",
        POT,
        queries.map((q, i) => ({
          id: q.id,
          calls: calls(i),
          output: { kind: "label" as const, features: q.features, label: q.label },
        })),
      ),
    ];
    const report = attributeEpoch(data);
    const [settlement] = report.settlements;
    expect(settlement.calls).to.equal(queries.reduce((sum, _, i) => sum + calls(i), 0n).toString());
    expect(settlement.unmatchedCalls).to.equal(calls(7).toString());
    // The records by id, then the unmatched calls over the representatives by id: the SDK's order of summation,
    // so that the weights are the same doubles. With k = 3 no record draws on more than topK contributions.
    const weights = new Map<string, number>();
    for (const record of settlement.records) {
      for (const t of record.top) {
        weights.set(t.contribution, (weights.get(t.contribution) ?? 0) + Number(record.calls) * t.weight);
      }
    }
    for (const { id } of originals) {
      weights.set(id, (weights.get(id) ?? 0) + Number(settlement.unmatchedCalls) * (1 / originals.length));
    }
    const amounts = allocate(POT, weights);
    expect(report.contributions.map((c) => [c.id, c.amount])).to.deep.equal(
      [...amounts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, amount]) => [id, amount.toString()]),
    );
  });

  it("binds each eligible contribution's example in its version's contributions hash", function () {
    const data = fullInput();
    const report = attributeEpoch(data);
    const listed = data.contributions
      .filter((c) => c.datanetId === 1n && c.index <= 5)
      .map((c) => ({
        acceptedAt: c.acceptedAt,
        contentHash: c.contentHash,
        contributor: c.contributor,
        features: c.features,
        id: c.id,
        index: c.index,
        label: c.label,
      }));
    expect(report.models[0].trainedOn[0].contributionsHash).to.equal(keccak256(toUtf8Bytes(JSON.stringify(listed))));
  });

  it("gives a copy nothing and its contributor no more than without it", function () {
    const { originals, queries } = knnScenario();
    const withCopy = attributeEpoch(fullInput());
    const without = attributeEpoch(input(originals, queries));
    expect(withCopy.models[0].clusters).to.deep.equal([{ representative: "c0", copies: ["copy"] }]);
    expect(withCopy.contributions.map((c) => c.id)).to.not.include("copy");
    expect(withCopy.contributions).to.deep.equal(without.contributions);
    expect(withCopy.accounts).to.deep.equal(without.accounts);
  });

  it("gives nothing to a contribution beyond the version count, which then needs no example", function () {
    const report = attributeEpoch(fullInput());
    expect(report.contributions.map((c) => c.id)).to.not.include("late");
    expect(report.accounts.map((a) => a.account)).to.not.include(EVE);

    // Counted in the version, the same point (the nearest, of the right label) earns.
    const { originals, queries, late } = knnScenario();
    const counted = { ...late, features: queries[0].features, label: queries[0].label };
    const report2 = attributeEpoch(input([...originals, counted], queries));
    expect(report2.contributions.map((c) => c.id)).to.include("late");
  });

  it("refuses a contribution's missing or misshapen example, naming the field", function () {
    const without = (i: number, field: "features" | "label") => {
      const data = fullInput();
      delete data.contributions[i][field];
      return data;
    };
    expect(pathOf(() => attributeEpoch(without(3, "features")))).to.equal("contributions[3].features");
    expect(pathOf(() => attributeEpoch(without(9, "label")))).to.equal("contributions[9].label");

    const short = fullInput();
    short.contributions[7].features = [1, 2];
    expect(pathOf(() => attributeEpoch(short))).to.equal("contributions[7].features");
    const infinite = fullInput();
    infinite.contributions[1].features = [1, Infinity, 3];
    expect(pathOf(() => attributeEpoch(infinite))).to.equal("contributions[1].features[1]");
    const zero = fullInput({ scorer: { kind: "knn-shapley", k: 0 } });
    expect(pathOf(() => attributeEpoch(zero))).to.equal("models[0].scorer.k");
  });

  it("excludes a settlement whose record lacks an example or holds another shape, carrying its pot over", function () {
    const { queries } = knnScenario();
    /** A second settlement of one query, its log file edited after it was built. */
    const edited = (edit: (output: Record<string, unknown>) => void) => {
      const settlement = querySettlement([queries[2]], "s2");
      const log = JSON.parse(settlement.log as string) as { records: { output: Record<string, unknown> }[] };
      edit(log.records[0].output);
      return { ...settlement, log: JSON.stringify(log) };
    };
    const cases: [EpochSettlement, string][] = [
      [edited((output) => delete output.features), "log-malformed"],
      [edited((output) => delete output.label), "log-malformed"],
      [querySettlement([{ ...queries[4], features: [1, 2, 3, 4] }], "s2"), "record-output-mismatch"],
      [querySettlement([{ id: "q4", output: "a text" }], "s2"), "record-output-mismatch"],
    ];
    // A payer's bad log does not hold up the epoch: the other settlement is paid as without it.
    const alone = attributeEpoch(fullInput());
    for (const [bad, code] of cases) {
      const data = fullInput();
      data.settlements.push(bad);
      const report = attributeEpoch(data);
      expect(
        report.settlements.map((s) => [s.id, s.status, s.exclusion?.code]),
        code,
      ).to.deep.equal([
        ["s1", "attributed", undefined],
        ["s2", "excluded", code],
      ]);
      expect(report.carryOver.lines).to.deep.equal([{ kind: "excluded", settlement: "s2", amount: POT.toString() }]);
      expect(report.accounts).to.deep.equal(alone.accounts);
    }
  });

  it("round-trips through readEpochReport and verifyEpochReport, and detects a changed scorer or example", function () {
    const data = fullInput();
    const report = attributeEpoch(data);
    const text = serializeEpochReport(report);
    expect(serializeEpochReport(readEpochReport(text))).to.equal(text);
    expect(verifyEpochReport(text, data)).to.deep.equal(report);

    const otherK = fullInput({ scorer: { kind: "knn-shapley", k: K + 1 } });
    expect(() => verifyEpochReport(text, otherK)).to.throw(EpochReportMismatchError);

    const moved = fullInput();
    moved.contributions[2].features = moved.contributions[2].features!.map((x) => x + 0.5);
    expect(() => verifyEpochReport(text, moved)).to.throw(EpochReportMismatchError);

    const tampered = JSON.parse(text) as EpochReport;
    tampered.models[0].scorer = { kind: "knn-shapley", k: K + 1 };
    expect(() => verifyEpochReport(tampered, data))
      .to.throw(EpochReportMismatchError)
      .with.property("path", "models[0].scorer.k");
    delete tampered.models[0].scorer;
    expect(() => verifyEpochReport(tampered, data))
      .to.throw(EpochReportMismatchError)
      .with.property("path", "models[0].scorer");
    (tampered.models[0] as { scorer?: unknown }).scorer = { kind: "spans" };
    expect(() => readEpochReport(tampered))
      .to.throw(MalformedEpochReportError)
      .with.property("path", "models[0].scorer.kind");
  });

  it("gives the same report whatever the order of the input lists and of the log's records", function () {
    const data = fullInput();
    const random = seededRandom(77);
    const shuffled = <T>(items: readonly T[]) => [...items].sort(() => random() - 0.5);
    const log = JSON.parse(data.settlements[0].log as string) as { records: unknown[] };
    const reordered = {
      ...data,
      contributions: shuffled(data.contributions),
      // The same root: the log's tree sorts its leaves.
      settlements: [{ ...data.settlements[0], log: JSON.stringify({ ...log, records: shuffled(log.records) }) }],
    };
    expect(serializeEpochReport(attributeEpoch(reordered))).to.equal(serializeEpochReport(attributeEpoch(data)));
  });
});

describe("attributeEpoch with a spans model", function () {
  /** Six documents of words of their own, outputs that quote them, no examples anywhere. */
  function spansInput(scorer: EpochScorer | null): EpochInput {
    const { originals } = knnScenario();
    const drafts = originals
      .slice(0, 6)
      .map(({ id, datanetId, contributor, text }) => ({ id, datanetId, contributor, text }));
    const quote = (id: string, from: number) => Array.from({ length: 12 }, (_, k) => `${id}w${from + k}`).join(" ");
    const queries = [
      { id: "s0", output: `novel ${quote("c1", 3)} words ${quote("c4", 10)}` },
      { id: "s1", output: `${quote("c5", 0)} and ${quote("c1", 15)}` },
      { id: "s2", output: "nothing quoted" },
    ];
    return input(drafts, queries, { scorer });
  }

  it("writes the same report whether the scorer is left out or spans, with the weights of the code before scorers", function () {
    const report = attributeEpoch(spansInput(null));
    const implicit = serializeEpochReport(report);
    // The weights the code before scorers gave these outputs, in its epoch-report-v1 of keccak256
    // 0x5b0c182829468b8199544f2290bacdac09de0d1b6120fc10274431f1e313a790.
    expect(report.settlements[0].records.map((r) => [r.id, r.top])).to.deep.equal([
      [
        "s0",
        [
          { contribution: "c1", weight: 0.5 },
          { contribution: "c4", weight: 0.5 },
        ],
      ],
      [
        "s1",
        [
          { contribution: "c1", weight: 0.5 },
          { contribution: "c5", weight: 0.5 },
        ],
      ],
      ["s2", []],
    ]);
    // keccak256 of the epoch-report-v2 serialization for this input, so that any change to it shows.
    expect(keccak256(toUtf8Bytes(implicit))).to.equal(GOLDEN_SPANS_REPORT);
    expect(serializeEpochReport(attributeEpoch(spansInput({ kind: "spans" })))).to.equal(implicit);
    expect(implicit).to.not.include("scorer");
  });
});

const GOLDEN_SPANS_REPORT = "0xb46bc0fff3dd013593f327030d5833afcaa84dedfda46774b5a51b47b5d02aa1";
