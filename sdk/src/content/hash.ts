import { CID } from "multiformats/cid";
import * as Digest from "multiformats/hashes/digest";
import * as raw from "multiformats/codecs/raw";
import { getBytes, hexlify, sha256 } from "ethers";
import { InvalidInputError } from "../errors";

/** Multihash code of sha2-256. */
const SHA2_256 = 0x12;

/** What the registry needs to know about a contribution's bytes. */
export interface ContentId {
  /** sha-256 of the bytes, 0x-prefixed hex: the `contentHash` submitted on-chain. */
  contentHash: string;
  /** IPFS CIDv1 (raw codec, sha2-256, base32) of the same bytes, e.g. `bafkrei…`. */
  cid: string;
  /** Length in bytes. */
  size: number;
}

/** Accepted forms of content: bytes, or a string taken as UTF-8 text. */
export type ContentInput = Uint8Array | string;

function toBytes(content: ContentInput): Uint8Array {
  if (typeof content === "string") return new TextEncoder().encode(content);
  if (content instanceof Uint8Array) return content;
  throw new InvalidInputError("Content must be a Uint8Array or a string.");
}

/** sha-256 of `content` as 0x-prefixed hex. */
export function sha256Hex(content: ContentInput): string {
  return sha256(toBytes(content));
}

/** The IPFS CIDv1 (raw codec) that corresponds to a sha-256 content hash. */
export function cidFromContentHash(contentHash: string): string {
  let digest: Uint8Array;
  try {
    digest = getBytes(contentHash);
  } catch {
    throw new InvalidInputError(`Content hash ${contentHash} is not hex.`);
  }
  if (digest.length !== 32) throw new InvalidInputError(`A sha-256 content hash has 32 bytes, got ${digest.length}.`);
  return CID.createV1(raw.code, Digest.create(SHA2_256, digest)).toString();
}

/** The sha-256 content hash inside a raw-codec CIDv1 string; refuses other codecs and hashes. */
export function contentHashFromCid(cid: string): string {
  let parsed: CID;
  try {
    parsed = CID.parse(cid);
  } catch (error) {
    throw new InvalidInputError(`"${cid}" is not a CID.`, { cause: error });
  }
  if (parsed.code !== raw.code) {
    // A dag-pb CID (Qm…, bafybei…) hashes the file's UnixFS encoding, not its bytes: not a content hash.
    throw new InvalidInputError(`CID ${cid} is not a raw-codec CID, so its digest is not the sha-256 of the bytes.`, {
      hint: "Use the CIDv1 with the raw codec (bafkrei…), as contentId() returns.",
    });
  }
  if (parsed.multihash.code !== SHA2_256) {
    throw new InvalidInputError(
      `CID ${cid} is not hashed with sha2-256 (multihash code 0x${parsed.multihash.code.toString(16)}).`,
    );
  }
  return hexlify(parsed.multihash.digest);
}

/** Hashes content into everything a submission needs. Empty content is refused (the registry would revert). */
export function contentId(content: ContentInput): ContentId {
  const bytes = toBytes(content);
  if (bytes.length === 0) throw new InvalidInputError("Content is empty; a contribution needs at least one byte.");
  const contentHash = sha256Hex(bytes);
  return { contentHash, cid: cidFromContentHash(contentHash), size: bytes.length };
}
