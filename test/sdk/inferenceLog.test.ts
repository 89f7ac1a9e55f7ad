import { expect } from "chai";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { ethers } from "ethers";
import {
  INFERENCE_LEAF_ENCODING,
  INFERENCE_LOG_FORMAT,
  InferenceLog,
  InferenceLogMismatchError,
  MalformedInferenceLogError,
  UnknownInferenceRecordError,
  buildInferenceLog,
  cidFromContentHash,
  inferenceRecordValues,
  readInferenceLog,
  verifyInferenceRecord,
} from "../../sdk/src";
import type { InferenceRecord } from "../../sdk/src";
import { seededRandom } from "../helpers/random";

/** `n` records of models 1 and 2, text and labels mixed, with seeded calls and contents. */
function records(n: number, seed = 1): InferenceRecord[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => ({
    id: `batch-7/${i}`,
    modelId: BigInt(1 + (i % 2)),
    modelVersion: 1 + (i % 3),
    calls: BigInt(1 + Math.floor(random() * 50)),
    queryHash: ethers.id(`query ${seed}/${i}`),
    output:
      i % 2 === 0
        ? { kind: "text" as const, text: `completion ${i}: ${random().toString(36)} — naïve façade` }
        : { kind: "label" as const, features: [random(), -random() * 1e-7, 0, 3.5], label: i % 3 },
  }));
}

/** Expects `action` to throw `type` and returns the error. */
function thrown<T extends Error>(action: () => unknown, type: new (...args: never[]) => T): T {
  try {
    action();
  } catch (error) {
    expect(error).to.be.instanceOf(type);
    return error as T;
  }
  throw new Error(`expected a ${type.name}`);
}

describe("inference-log-v1", function () {
  describe("buildInferenceLog", function () {
    it("roots the records as OpenZeppelin's StandardMerkleTree does, for seeded logs of 1 to 300 records", function () {
      for (const n of [1, 2, 3, 7, 16, 33, 300]) {
        const log = buildInferenceLog(records(n, n));
        const reference = StandardMerkleTree.of(records(n, n).map(inferenceRecordValues), [...INFERENCE_LEAF_ENCODING]);
        expect(log.root, `${n} records`).to.equal(reference.root);
      }
    });

    it("gives every record a proof that OpenZeppelin's verify and the SDK's accept, and no other record's", function () {
      const all = records(40, 3);
      const log = buildInferenceLog(all);
      for (const record of all) {
        const proof = log.proof(record.id);
        expect(
          StandardMerkleTree.verify(log.root, [...INFERENCE_LEAF_ENCODING], inferenceRecordValues(record), proof),
        ).to.equal(true);
        expect(verifyInferenceRecord(log.root, record, proof)).to.equal(true);
        expect(verifyInferenceRecord(log.root, { ...record, calls: record.calls + 1n }, proof)).to.equal(false);
      }
      expect(verifyInferenceRecord(log.root, all[0], log.proof(all[1].id))).to.equal(false);
    });

    it("adds up the calls the settlement pays for", function () {
      const all = records(25, 4);
      expect(buildInferenceLog(all).calls).to.equal(all.reduce((sum, r) => sum + r.calls, 0n));
    });

    it("refuses a repeated id, zero calls, a bad hash or a non-integer label, naming the record's field", function () {
      const all = records(4);
      const cases: [InferenceRecord[], string][] = [
        [[...all, { ...all[1] }], "records[4].id"],
        [[all[0], { ...all[1], calls: 0n }], "records[1].calls"],
        [[all[0], { ...all[1], calls: 1n << 64n }], "records[1].calls"],
        [[{ ...all[0], queryHash: "0x1234" }], "records[0].queryHash"],
        [[{ ...all[0], modelVersion: 0 }], "records[0].modelVersion"],
        [[{ ...all[1], output: { kind: "label", features: [Number.NaN], label: 1 } }], "records[0].output.features[0]"],
        [[{ ...all[1], output: { kind: "label", features: [1], label: 0.5 } }], "records[0].output.label"],
        [[], "records"],
      ];
      for (const [given, path] of cases) {
        const error = thrown(() => buildInferenceLog(given), MalformedInferenceLogError);
        expect(error.path, path).to.equal(path);
      }
    });
  });

  describe("readInferenceLog", function () {
    it("reads back the serialized file, as JSON text or value, and checks it against its settlement", function () {
      const log = buildInferenceLog(records(30, 5));
      const text = log.serialize();
      for (const file of [text, JSON.parse(text)]) {
        const read = readInferenceLog(file, { logRoot: log.root, calls: log.calls });
        expect([read.root, read.calls, read.serialize()]).to.deep.equal([log.root, log.calls, text]);
      }
      expect(JSON.parse(text).format).to.equal(INFERENCE_LOG_FORMAT);
      const { contentHash, cid, size } = log.contentId();
      expect(contentHash).to.equal(ethers.sha256(ethers.toUtf8Bytes(text)));
      expect([cid, size]).to.deep.equal([cidFromContentHash(contentHash), ethers.toUtf8Bytes(text).length]);
    });

    it("refuses a log whose root is not the settlement's, or whose calls do not add up to it", function () {
      const log = buildInferenceLog(records(10, 6));
      const edited = JSON.parse(log.serialize());
      edited.records[2].output.text = "an edited output";
      const wrongRoot = thrown(() => readInferenceLog(edited, { logRoot: log.root }), InferenceLogMismatchError);
      expect(wrongRoot.path).to.equal("root");
      const wrongCalls = thrown(
        () => readInferenceLog(log.serialize(), { calls: log.calls + 1n }),
        InferenceLogMismatchError,
      );
      expect(wrongCalls.path).to.equal("records[].calls");
      expect(wrongCalls.shortMessage).to.contain(`add up to ${log.calls}`);
    });

    it("names the malformed field of a file: format, unknown key, a number for a decimal string, not JSON", function () {
      const file = JSON.parse(buildInferenceLog(records(3)).serialize());
      const cases: [unknown, string][] = [
        [{ ...file, format: "inference-log-v0" }, "format"],
        [{ ...file, records: [file.records[0], { ...file.records[1], extra: 1 }] }, "records[1].extra"],
        [{ ...file, records: [{ ...file.records[0], calls: 3 }] }, "records[0].calls"],
        [{ ...file, records: [{ ...file.records[0], modelId: "01" }] }, "records[0].modelId"],
        ["{ not json", "the file"],
      ];
      for (const [given, path] of cases) {
        expect(thrown(() => readInferenceLog(given), MalformedInferenceLogError).path, path).to.equal(path);
      }
    });
  });

  it("refuses a proof or record of an id the log does not have", function () {
    const log = InferenceLog.of(records(2));
    expect(thrown(() => log.proof("nope"), UnknownInferenceRecordError).id).to.equal("nope");
    expect(thrown(() => log.record("nope"), UnknownInferenceRecordError).shortMessage).to.equal(
      'The inference log has no record "nope".',
    );
    expect(log.record("batch-7/1").calls).to.equal(records(2)[1].calls);
  });
});
