import { ContentUnavailableError, InvalidInputError, StoredContentMismatchError } from "../errors";
import { cidFromContentHash } from "./hash";
import { checkStoredContent, cidOfUri } from "./store";
import type { ContentStore } from "./store";
import { checkObject } from "../internal/check";

/** A contribution as the registry's events give it: its id, the URI it was submitted with, its content hash. */
export interface ContributionContentRef {
  id: string | bigint;
  uri: string;
  /** sha-256 of the bytes (bytes32), as submitted. */
  contentHash: string;
}

/** A settlement as the settlement contract's events give it: its id and where its inference log is. */
export interface SettlementLogRef {
  id: string;
  logURI: string;
}

/** `store.get(cid)`, with every failure turned into an error that names `item`. */
async function fetchItem(store: ContentStore, cid: string, item: string): Promise<Uint8Array> {
  let bytes: Uint8Array | undefined;
  try {
    bytes = await store.get(cid);
  } catch (error) {
    if (error instanceof StoredContentMismatchError) {
      throw new StoredContentMismatchError(error.cid, error.contentHash, { item, url: error.url });
    }
    if (error instanceof ContentUnavailableError) {
      throw new ContentUnavailableError(error.cid, error.reason, error.problem, { item, url: error.url, cause: error });
    }
    const problem = `content ${cid} could not be read: ${error instanceof Error ? error.message : String(error)}`;
    throw new ContentUnavailableError(cid, "unreachable", problem, { item, cause: error });
  }
  if (bytes === undefined)
    throw new ContentUnavailableError(cid, "missing", `content ${cid} is not in the store.`, { item });
  // Whatever the store promises, the caller gets only the bytes the CID names.
  return checkStoredContent(cid, bytes, { item });
}

/**
 * A contribution's bytes, fetched by the CID of its on-chain content hash (a content-addressed store holds them
 * there, whatever place its URI names) and checked against it.
 * @throws ContentUnavailableError when the store does not have them or cannot be reached, and
 * StoredContentMismatchError when the bytes it returns are not the content: both name the contribution and the CID.
 */
export async function fetchContribution(
  store: ContentStore,
  contribution: ContributionContentRef,
): Promise<Uint8Array> {
  return fetchItem(
    store,
    cidFromContentHash(contribution.contentHash),
    `contribution ${contribution.id} (${contribution.uri})`,
  );
}

/**
 * The content an `ipfs://<cid>` URI (or a bare CID) names, fetched and checked against the CID; `item` says what it
 * is in errors ("the card of model 3").
 * @throws ContentUnavailableError when the URI names no raw sha-256 CID (`not-addressed`), or the store does not have
 * the content or cannot be reached; StoredContentMismatchError when its bytes are not the content: each names `item`
 * and the CID (or the URI).
 */
export async function fetchContent(store: ContentStore, uri: string, item: string): Promise<Uint8Array> {
  let cid: string;
  try {
    cid = cidOfUri(uri);
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    const problem = `its URI "${uri}" does not name a raw sha-256 CID.`;
    throw new ContentUnavailableError(undefined, "not-addressed", problem, { item, cause: error });
  }
  return fetchItem(store, cid, item);
}

/**
 * A settlement's inference log, fetched by the CID in its `logURI` and checked against it (see {@link fetchContent}).
 * It can be given to the epoch as `fetchLog`: `(s) => fetchSettlementLog(store, s)`.
 */
export async function fetchSettlementLog(store: ContentStore, settlement: SettlementLogRef): Promise<Uint8Array> {
  checkObject(settlement, "settlement");
  return fetchContent(store, settlement.logURI, `the log of settlement ${settlement.id}`);
}
