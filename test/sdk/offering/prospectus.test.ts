import { readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { id, keccak256, toUtf8Bytes } from "ethers";
import {
  MalformedProspectusError,
  buildProspectus,
  contributorShareTree,
  prospectusHash,
  readEpochReport,
  readProspectus,
  serializeProspectus,
  verifyContributorShares,
  verifyProspectus,
} from "../../../sdk/src";
import type { OfferingTerms, Prospectus, ProspectusChainView, ProspectusInput } from "../../../sdk/src";
import { address } from "../../helpers/epochReference";

const E18 = 10n ** 18n;
const CREATOR = address("cc");
const DIGEST = keccak256(toUtf8Bytes("digest of Datanet 1 version 2"));
const CONTRIBUTORS = contributorShareTree({
  reports: [],
  modelId: 1n,
  sharesForContributors: 200_000n * E18,
  fallback: {
    versions: [{ datanetId: 1n, count: 2 }],
    contributions: [
      { datanetId: 1n, contributor: address("a1"), size: 300n, acceptedIndex: 1 },
      { datanetId: 1n, contributor: address("b2"), size: 100n, acceptedIndex: 2 },
    ],
  },
});
const TERMS: OfferingTerms = {
  split: { sale: 500_000n * E18, creator: 200_000n * E18, contributors: 200_000n * E18, treasury: 100_000n * E18 },
  sale: { softCap: 100n * E18, hardCap: 1_000n * E18, deadline: 1_900_000_000, upfrontBps: 4_000 },
  vesting: { cliff: 86_400, duration: 864_000 },
  endVote: { quorumBps: 2_000, votingPeriod: 3_600 },
  milestones: [
    {
      kind: "SettledCalls",
      trancheBps: 3_000,
      deadline: 1_900_500_000,
      datanetId: 0n,
      datanetVersion: 0,
      threshold: 2_000n,
    },
    {
      kind: "ModelVersion",
      trancheBps: 3_000,
      deadline: 1_901_000_000,
      datanetId: 1n,
      datanetVersion: 3,
      threshold: 0n,
    },
  ],
  contributorsRoot: CONTRIBUTORS.root,
  creatorKeepsVersions: true,
};
const INPUT: ProspectusInput = {
  modelId: 1n,
  name: "Spam classifier shares",
  symbol: "SPAM",
  creator: CREATOR,
  versions: [
    {
      version: 1,
      baseModel: "open/spam-base",
      adapterKind: "Full",
      adapterHash: id("adapter"),
      trainingConfigHash: id("config"),
      trainedOn: [{ datanetId: 1n, version: 2, count: 2, digest: DIGEST }],
    },
  ],
  settled: { calls: 40n, fees: 4n * E18 },
  pricePerCall: E18 / 2n,
  modelBps: 2_000,
  protocolFeeBps: 250,
  terms: TERMS,
  governance: { votingDelay: 60, votingPeriod: 3_600, quorumPercent: 4, proposalThreshold: E18, timelockDelay: 600 },
  contributors: CONTRIBUTORS,
  reports: [],
};

/** The chain as it would read after launching INPUT's terms. */
function chainOf(doc: Prospectus): ProspectusChainView {
  return {
    modelId: 1n,
    name: INPUT.name,
    symbol: INPUT.symbol,
    creator: CREATOR,
    terms: TERMS,
    prospectusHash: prospectusHash(doc),
    launchTotals: INPUT.settled,
    versions: [
      {
        version: 1,
        baseModelHash: id("open/spam-base"),
        adapterKind: "Full",
        adapterHash: id("adapter"),
        trainingConfigHash: id("config"),
        trainedOn: [{ datanetId: 1n, version: 2 }],
      },
    ],
    datanetVersions: [{ datanetId: 1n, version: 2, count: 2, digest: DIGEST }],
    governance: INPUT.governance,
  };
}

describe("prospectus", function () {
  it("states the split, the price, each milestone's largest tranche and faking cost, and the contributors' rule", function () {
    const doc = buildProspectus(INPUT);
    expect(doc.supply.total).to.equal((1_000_000n * E18).toString());
    expect(doc.sale.pricePerShare).to.equal((E18 / 500n).toString());
    // At the hard cap: net = 1,000 − 2.5 % = 975 OPEN; 30 % of it is 292.5.
    expect(doc.milestones.map((m) => [m.maxTranche, m.fakingCost])).to.deep.equal([
      ["292500000000000000000", (800n * E18).toString()], // 2,000 calls × 0.5 OPEN, less 20 % back
      ["292500000000000000000", null],
    ]);
    expect(doc.contributors.rule).to.equal("accepted-bytes");
    expect(doc.contributors.shares.map((s) => s.shares)).to.deep.equal([
      (150_000n * E18).toString(),
      (50_000n * E18).toString(),
    ]);
    expect(doc.provenance[0].baseModelHash).to.equal(id("open/spam-base"));
  });

  it("round-trips through its canonical bytes, and its hash is keccak256 of them", function () {
    const doc = buildProspectus(INPUT);
    const bytes = serializeProspectus(doc);
    expect(readProspectus(toUtf8Bytes(bytes))).to.deep.equal(doc);
    expect(readProspectus(JSON.stringify(doc, null, 2))).to.deep.equal(doc);
    expect(prospectusHash(doc)).to.equal(keccak256(toUtf8Bytes(bytes)));
    expect(bytes.startsWith('{"contributors":')).to.equal(true);
    expect(prospectusHash({ ...doc, symbol: "SPAM2" })).to.not.equal(prospectusHash(doc));
  });

  it("refuses a root that is not the terms' or a tree larger than the contributors' part", function () {
    expect(() => buildProspectus({ ...INPUT, terms: { ...TERMS, contributorsRoot: id("other") } })).to.throw(
      MalformedProspectusError,
      "contributors.root",
    );
    const small = { ...TERMS, split: { ...TERMS.split, contributors: 1n } };
    expect(() => buildProspectus({ ...INPUT, terms: small })).to.throw(MalformedProspectusError, "contributors.total");
  });

  describe("readProspectus", function () {
    const doc = () => JSON.parse(serializeProspectus(buildProspectus(INPUT))) as Record<string, any>;
    const cases: [string, (d: Record<string, any>) => unknown, string][] = [
      ["text that is not JSON", () => "{", "the prospectus"],
      ["another format", (d) => ({ ...d, format: "prospectus-v0" }), "format"],
      ["an unknown key", (d) => ({ ...d, extra: 1 }), "extra"],
      ["an amount with a sign", (d) => ({ ...d, supply: { ...d.supply, sale: "-1" } }), "supply.sale"],
      [
        "a supply that is not the sum of its parts",
        (d) => ({ ...d, supply: { ...d.supply, total: "1" } }),
        "supply.total",
      ],
      ["a wrong price", (d) => ({ ...d, sale: { ...d.sale, pricePerShare: "1" } }), "sale.pricePerShare"],
      ["an unknown milestone kind", (d) => ((d.milestones[0].kind = "Vibes"), d), "milestones[0].kind"],
      ["tranches off 10,000 bps", (d) => ((d.milestones[0].trancheBps = 1), d), "milestones"],
      [
        "a base model hash that is not the base model's",
        (d) => ((d.provenance[0].baseModel = "x"), d),
        "provenance[0].baseModelHash",
      ],
      ["shares out of order", (d) => (d.contributors.shares.reverse(), d), "contributors.shares[1].account"],
      ["shares off their total", (d) => ((d.contributors.shares[0].shares = "1"), d), "contributors.total"],
      ["a root the shares do not make", (d) => ((d.contributors.root = id("x")), d), "contributors.root"],
      ["a lower-case creator", (d) => ({ ...d, creator: d.creator.toLowerCase() }), "creator"],
    ];
    for (const [what, edit, path] of cases) {
      it(`refuses ${what}, naming ${path}`, function () {
        let error: unknown;
        try {
          readProspectus(edit(doc()));
        } catch (e) {
          error = e;
        }
        expect(error).to.be.instanceOf(MalformedProspectusError);
        expect((error as MalformedProspectusError).path).to.equal(path);
      });
    }
  });

  describe("verifyProspectus", function () {
    it("finds nothing wrong when the chain says what the prospectus says", function () {
      const doc = buildProspectus(INPUT);
      expect(verifyProspectus(doc, chainOf(doc))).to.deep.equal([]);
    });

    it("lists every claim the chain contradicts", function () {
      const doc = buildProspectus(INPUT);
      const chain = chainOf(doc);
      const lied: ProspectusChainView = {
        ...chain,
        prospectusHash: id("another document"),
        terms: { ...TERMS, sale: { ...TERMS.sale, hardCap: 2_000n * E18 } },
        launchTotals: { calls: 41n, fees: INPUT.settled.fees },
        datanetVersions: [{ datanetId: 1n, version: 2, count: 2, digest: id("other") }],
        versions: [{ ...chain.versions[0], adapterHash: id("other adapter") }],
      };
      expect(verifyProspectus(doc, lied).map((m) => m.path)).to.deep.equal([
        "prospectusHash",
        "sale.hardCap",
        "settled.calls",
        "provenance[0].adapterHash",
        "provenance[0].trainedOn[0].digest",
      ]);
      expect(verifyProspectus(doc, { ...chain, versions: [] })).to.deep.equal([
        { path: "provenance[0].version", prospectus: "1", chain: "none" },
      ]);
    });
  });
});

describe("verifyContributorShares", function () {
  const FALLBACK = {
    versions: [{ datanetId: 1n, count: 2 }],
    contributions: [
      { datanetId: 1n, contributor: address("a1"), size: 300n, acceptedIndex: 1 },
      { datanetId: 1n, contributor: address("b2"), size: 100n, acceptedIndex: 2 },
    ],
  };
  const report = readEpochReport(
    readFileSync(path.join(__dirname, "../../fixtures/reports", "epoch-1.report-v1.json"), "utf8"),
  );

  it("finds nothing wrong when the shares follow from the accepted reports and the contributions", function () {
    expect(verifyContributorShares(buildProspectus(INPUT), { reports: [], fallback: FALLBACK })).to.deep.equal([]);
  });

  it("names every account whose shares were moved to another", function () {
    const doc = buildProspectus(INPUT);
    const [a, b] = doc.contributors.shares;
    const moved: Prospectus = {
      ...doc,
      contributors: {
        ...doc.contributors,
        shares: [
          { ...a, shares: b.shares },
          { ...b, shares: a.shares },
        ],
      },
    };
    expect(verifyContributorShares(moved, { reports: [], fallback: FALLBACK }).map((m) => m.path)).to.deep.equal([
      `contributors.shares[${a.account}]`,
      `contributors.shares[${b.account}]`,
    ]);
  });

  it("refuses a prospectus that leaves out an accepted report, or that cannot be checked", function () {
    const doc = buildProspectus(INPUT);
    const paths = verifyContributorShares(doc, { reports: [report], fallback: FALLBACK }).map((m) => m.path);
    expect(paths[0]).to.equal("contributors.reports");
    expect(verifyContributorShares(doc, { reports: [] })).to.deep.equal([
      { path: "contributors.rule", prospectus: "accepted-bytes", chain: "no contributions given to check it" },
    ]);
  });
});
