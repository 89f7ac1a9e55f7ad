import { StoredContentMismatchError } from "../errors";
import type { ContentContext } from "../errors";
import { contentHashFromCid, contentId, sha256Hex } from "./hash";
import type { ContentId, ContentInput } from "./hash";

/** Where content was stored: its {@link ContentId} and the URI to fetch it by (`ipfs://<cid>`). */
export interface StoredContent extends ContentId {
  uri: string;
}

/**
 * A content-addressed store: content is put once and fetched by its CID (IPFS CIDv1, raw codec, sha2-256) or its
 * `ipfs://` URI, and whatever comes back hashes to that CID. An IPFS node or pinning service can implement it;
 * {@link MemoryContentStore} and the Node entry's `FileContentStore` do.
 */
export interface ContentStore {
  /** Stores `content` (a string is taken as UTF-8); storing the same bytes again is harmless. */
  put(content: ContentInput): Promise<StoredContent>;
  /** The bytes stored under `uriOrCid`, checked against it; undefined when the store does not hold them. */
  get(uriOrCid: string): Promise<Uint8Array | undefined>;
}

/**
 * The URI a settlement or a registry records for stored content: `ipfs://<cid>`.
 * @throws InvalidInputError when `cid` is not a CID as {@link cidOfUri} takes it.
 */
export function contentUri(cid: string): string {
  return `ipfs://${cidOfUri(cid)}`;
}

/**
 * The CID in `ipfs://<cid>` or a bare CID, checked to be a raw-codec sha2-256 CIDv1, whose digest is the bytes'
 * sha-256.
 * @throws InvalidInputError for anything else.
 */
export function cidOfUri(uriOrCid: string): string {
  const cid =
    typeof uriOrCid === "string" && uriOrCid.startsWith("ipfs://") ? uriOrCid.slice("ipfs://".length) : uriOrCid;
  contentHashFromCid(cid);
  return cid;
}

/**
 * `bytes`, once checked to hash to `cid`.
 * @throws StoredContentMismatchError when they do not; `context` (where they came from, what they are) goes into it.
 */
export function checkStoredContent(cid: string, bytes: Uint8Array, context: ContentContext = {}): Uint8Array {
  const contentHash = sha256Hex(bytes);
  if (contentHash !== contentHashFromCid(cid)) throw new StoredContentMismatchError(cid, contentHash, context);
  return bytes;
}

/** What {@link ContentStore.put} returns for `content`, without storing it; empty content is refused. */
export function storedContentOf(content: ContentInput): { stored: StoredContent; bytes: Uint8Array } {
  const id = contentId(content);
  const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
  return { stored: { ...id, uri: contentUri(id.cid) }, bytes };
}

/** A {@link ContentStore} in memory, for tests and single-process demos. Holds a copy of each content's bytes. */
export class MemoryContentStore implements ContentStore {
  private readonly contents = new Map<string, Uint8Array>();

  async put(content: ContentInput): Promise<StoredContent> {
    const { stored, bytes } = storedContentOf(content);
    this.contents.set(stored.cid, Uint8Array.from(bytes));
    return stored;
  }

  async get(uriOrCid: string): Promise<Uint8Array | undefined> {
    const cid = cidOfUri(uriOrCid);
    const bytes = this.contents.get(cid);
    return bytes && Uint8Array.from(checkStoredContent(cid, bytes));
  }
}
