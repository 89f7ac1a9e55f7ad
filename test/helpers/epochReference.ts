import { createHash } from "node:crypto";
import { AbiCoder, ZeroHash, getAddress, keccak256, toUtf8Bytes } from "ethers";
import { buildInferenceLog } from "../../sdk/src";
import type { EpochContribution, EpochDatanetVersion, EpochInput, EpochSettlement } from "../../sdk/src";

/* Independent references for the epoch tests: hashes and digests with ethers and node:crypto, not the SDK. */

const coder = AbiCoder.defaultAbiCoder();

/** 0x-prefixed sha-256 of a text's UTF-8 bytes. */
export const sha256 = (text: string) => "0x" + createHash("sha256").update(text, "utf8").digest("hex");

/**
 * The registry's running digest: keccak256(abi.encode(digest, contributionId, hash)), with the id of a first attempt
 * keccak256(abi.encode(datanetId, hash)) and of a later one keccak256(abi.encode(datanetId, hash, attempt)).
 * `attempts` gives the attempt of each hash that is not a first one.
 */
export function referenceDigest(
  datanetId: bigint,
  hashes: readonly string[],
  attempts: ReadonlyMap<string, number> = new Map(),
): string {
  let digest = ZeroHash;
  for (const hash of hashes) {
    const attempt = attempts.get(hash);
    const preimage =
      attempt === undefined
        ? coder.encode(["uint256", "bytes32"], [datanetId, hash])
        : coder.encode(["uint256", "bytes32", "uint32"], [datanetId, hash, attempt]);
    digest = keccak256(coder.encode(["bytes32", "uint256", "bytes32"], [digest, BigInt(keccak256(preimage)), hash]));
  }
  return digest;
}

/** A checksummed address of one repeated byte, e.g. `address("a1")`. */
export const address = (byte: string) => getAddress("0x" + byte.repeat(20));

/** A contribution as the epoch tests draft it; `acceptedAt` defaults to its position in the draft list. */
export interface DraftContribution {
  id: string;
  datanetId: bigint;
  contributor: string;
  text: string;
  acceptedAt?: number;
}

/** The drafts as epoch contributions, numbered per Datanet in draft order, each hashed with {@link sha256}. */
export function indexedContributions(drafts: readonly DraftContribution[]): (EpochContribution & { text: string })[] {
  const indexIn = new Map<bigint, number>();
  return drafts.map((d, position) => {
    const index = (indexIn.get(d.datanetId) ?? 0) + 1;
    indexIn.set(d.datanetId, index);
    return {
      id: d.id,
      datanetId: d.datanetId,
      contributor: d.contributor,
      contentHash: sha256(d.text),
      index,
      acceptedAt: d.acceptedAt ?? position,
      text: d.text,
    };
  });
}

/** An epoch settlement of `outputs` (text records of one call each unless told), its log built by the SDK. */
export function textSettlement(
  id: string,
  pot: bigint,
  outputs: readonly { id: string; output: string; calls?: bigint }[],
  options: { modelId?: bigint; modelVersion?: number } = {},
): EpochSettlement {
  return settlementOfRecords(
    id,
    pot,
    outputs.map((o) => ({ ...o, output: { kind: "text" as const, text: o.output } })),
    options,
  );
}

/** An epoch settlement of `records` (one call each unless told), any output kind, its log built by the SDK. */
export function settlementOfRecords(
  id: string,
  pot: bigint,
  records: readonly { id: string; output: Parameters<typeof buildInferenceLog>[0][number]["output"]; calls?: bigint }[],
  { modelId = 1n, modelVersion = 1 }: { modelId?: bigint; modelVersion?: number } = {},
): EpochSettlement {
  const log = buildInferenceLog(
    records.map((r) => ({
      id: r.id,
      modelId,
      modelVersion,
      calls: r.calls ?? 1n,
      queryHash: keccak256(toUtf8Bytes(`query of ${r.id}`)),
      output: r.output,
    })),
  );
  return {
    id,
    modelId,
    calls: log.calls,
    pot,
    logRoot: log.root,
    logURI: `ipfs://${log.contentId().cid}`,
    log: log.serialize(),
  };
}

/** Version `version` of Datanet `datanetId` holding all of that Datanet's `contributions` (given in index order). */
export function versionOf(
  datanetId: bigint,
  contributions: readonly EpochContribution[],
  version = 1,
): EpochDatanetVersion {
  const own = contributions.filter((c) => c.datanetId === datanetId);
  return {
    datanetId,
    version,
    count: own.length,
    digest: referenceDigest(
      datanetId,
      own.map((c) => c.contentHash),
    ),
  };
}

/** Epoch 1 of one spans model (id 1, version 1) trained on Datanet 1, which holds `contributions`. */
export function spansEpoch(
  contributions: EpochContribution[],
  settlements: EpochSettlement[],
  extra: Partial<EpochInput> = {},
): EpochInput {
  return {
    epoch: 1n,
    models: [{ modelId: 1n, version: 1, trainedOn: [versionOf(1n, contributions)] }],
    contributions,
    settlements,
    ...extra,
  };
}
