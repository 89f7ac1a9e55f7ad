import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import {
  InvalidInputError,
  attributeEpoch,
  buildInferenceLog,
  denseOf,
  hashedFeatures,
  serializeEpochReport,
} from "../../sdk/src";
import type { EpochInput, EpochSettlement, InferenceRecord } from "../../sdk/src";
import { attributeEpochInThreads } from "../../sdk/src/node";
import { loadEmails } from "../helpers/corpus";
import { indexedContributions, versionOf } from "../helpers/epochReference";
import { address } from "../helpers/epochReference";
import { seededRandom } from "../helpers/random";

const DIMENSION = 64;

/**
 * 240 mails in two Datanets, a text model (spans) and a classifier (KNN-Shapley on hashed words) trained on both,
 * and 12 settlements of 40 records each: quotes of random mails for the first, mails to classify for the second.
 */
function epoch(): EpochInput {
  const random = seededRandom(4_242);
  const mails = loadEmails()
    .filter((_, i) => i % 25 === 0)
    .slice(0, 240);
  const contributions = indexedContributions(
    mails.map((m, i) => ({
      id: `c${i}`,
      datanetId: BigInt(1 + (i % 2)),
      contributor: address((10 + (i % 7)).toString()),
      text: m.text,
    })),
  ).map((c, i) => ({
    ...c,
    features: denseOf(hashedFeatures(c.text, { dimension: DIMENSION }), DIMENSION),
    label: mails[i].spam ? 1 : 0,
  }));
  const trainedOn = [1n, 2n].map((datanetId) => versionOf(datanetId, contributions));
  const settlements: EpochSettlement[] = [];
  for (let s = 0; s < 12; s++) {
    const modelId = BigInt(1 + (s % 2));
    const records: InferenceRecord[] = Array.from({ length: 40 }, (_, k) => {
      const mail = mails[Math.floor(random() * mails.length)].text;
      const words = mail.split(/\s+/);
      const at = Math.floor(random() * Math.max(1, words.length - 30));
      const output =
        modelId === 1n
          ? { kind: "text" as const, text: `zq${s}x${k} ${words.slice(at, at + 25).join(" ")} zq${k}` }
          : {
              kind: "label" as const,
              features: denseOf(hashedFeatures(mail, { dimension: DIMENSION }), DIMENSION),
              label: random() < 0.5 ? 1 : 0,
            };
      return {
        id: `r${k}`,
        modelId,
        modelVersion: 1,
        calls: BigInt(1 + Math.floor(random() * 5)),
        queryHash: keccak256(toUtf8Bytes(`q${s}/${k}`)),
        output,
      };
    });
    const log = buildInferenceLog(records);
    settlements.push({
      id: `s${s}`,
      modelId,
      calls: log.calls,
      pot: BigInt(1_000_000 + s * 7_919),
      logRoot: log.root,
      logURI: "ipfs://x",
      log: log.serialize(),
    });
  }
  return {
    epoch: 1n,
    models: [
      { modelId: 1n, version: 1, trainedOn },
      { modelId: 2n, version: 1, trainedOn, scorer: { kind: "knn-shapley", k: 5 } },
    ],
    contributions,
    settlements,
  };
}

describe("attributeEpochInThreads", function () {
  this.timeout(120_000);
  const input = epoch();
  const expected = serializeEpochReport(attributeEpoch(input));

  for (const threads of [1, 2]) {
    it(`gives the report of attributeEpoch byte for byte with ${threads} thread(s)`, async function () {
      let progress = 0;
      const report = await attributeEpochInThreads(input, {
        threads,
        onProgress: (done) => (progress = done),
      });
      expect(serializeEpochReport(report)).to.equal(expected);
      expect(progress).to.equal(12);
    });
  }

  it("fetches the logs the input leaves out with fetchLog, one settlement at a time, to the same report", async function () {
    const logs = new Map(input.settlements.map((s) => [s.id, s.log as string]));
    const fetched: string[] = [];
    const report = await attributeEpochInThreads(
      { ...input, settlements: input.settlements.map(({ log: _log, ...rest }) => rest) },
      {
        threads: 2,
        fetchLog: async ({ id }) => {
          fetched.push(id);
          // Bytes for half of them, text for the others: both are what a content store may give.
          return Number(id.slice(1)) % 2 === 0 ? new TextEncoder().encode(logs.get(id)!) : logs.get(id)!;
        },
      },
    );
    expect(serializeEpochReport(report)).to.equal(expected);
    expect(fetched.sort()).to.deep.equal([...logs.keys()].sort());
  });

  it("excludes a settlement whose fetchLog rejects, with the reason, and attributes the others", async function () {
    const report = await attributeEpochInThreads(
      {
        ...input,
        settlements: input.settlements.map((s) =>
          s.id === "s3" ? { ...s, log: undefined } : s.id === "s5" ? { ...s, log: undefined, fetchError: "gone" } : s,
        ),
      },
      {
        threads: 2,
        fetchLog: async ({ id, logURI }) => {
          expect(id).to.equal("s3");
          throw new Error(`${logURI} is not pinned`);
        },
      },
    );
    const byId = new Map(report.settlements.map((s) => [s.id, s]));
    expect(byId.get("s3")!.exclusion).to.deep.equal({
      code: "log-unavailable",
      message: "The log at ipfs://x could not be fetched: ipfs://x is not pinned",
    });
    expect(byId.get("s5")!.exclusion).to.deep.equal({ code: "log-unavailable", message: "gone" });
    expect(report.settlements.filter((s) => s.status === "attributed")).to.have.length(10);
    expect(report.carryOver.lines.filter((line) => line.kind === "excluded")).to.have.length(2);
  });

  it("starts no more threads than there are settlements and finishes an epoch of one", async function () {
    const one = { ...input, settlements: input.settlements.slice(0, 1) };
    const report = await attributeEpochInThreads(one, { threads: 4 });
    expect(serializeEpochReport(report)).to.equal(serializeEpochReport(attributeEpoch(one)));
  });

  it("attributes the text records by spans and the classifier's by KNN-Shapley, in the same report", function () {
    const report = JSON.parse(expected);
    const matched = (modelId: string) =>
      report.settlements
        .filter((s: { modelId: string }) => s.modelId === modelId)
        .flatMap((s: { records: { top: unknown[] }[] }) => s.records)
        .filter((r: { top: unknown[] }) => r.top.length > 0).length;
    expect(matched("1")).to.be.greaterThan(200);
    expect(matched("2")).to.be.greaterThan(200);
  });

  it("refuses a thread count that is not a positive integer", async function () {
    for (const threads of [0, 1.5]) {
      await attributeEpochInThreads(input, { threads }).then(
        () => expect.fail("expected an error"),
        (error) => expect(error).to.be.instanceOf(InvalidInputError),
      );
    }
  });
});
