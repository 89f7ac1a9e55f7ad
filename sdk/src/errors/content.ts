import { IntegrityError, InvalidInputError, ProtocolError } from "./base";

/** What an error about content says besides its CID; both optional. */
export interface ContentContext {
  /** What the content is, e.g. `contribution 7 (ipfs://bafkrei…)`; the message starts with it. */
  item?: string;
  /** The URL it was fetched from: a gateway's `<gateway>/ipfs/<cid>`. */
  url?: string;
}

/** `text`, led by the item it is about when there is one: "Contribution 7: the content …". */
function aboutItem(item: string | undefined, text: string): string {
  if (!item) return text;
  return `${item[0].toUpperCase()}${item.slice(1)}: ${text[0].toLowerCase()}${text.slice(1)}`;
}

/**
 * Bytes a content store holds (or a gateway served) under a CID do not hash to that CID: the store was damaged or
 * tampered with, or the gateway lies.
 */
export class StoredContentMismatchError extends IntegrityError {
  readonly cid: string;
  /** sha-256 of the bytes that came back. */
  readonly contentHash: string;
  readonly item?: string;
  readonly url?: string;

  constructor(cid: string, contentHash: string, context: ContentContext = {}) {
    const text = context.url
      ? `The bytes served at ${context.url} hash to ${contentHash}, not to the CID ${cid}.`
      : `The content stored as ${cid} hashes to ${contentHash}, not to its CID.`;
    super(aboutItem(context.item, text), {
      hint: context.url
        ? "The gateway answered with other bytes than the CID names: fetch from another gateway."
        : "Delete the damaged copy and put the content again.",
    });
    this.cid = cid;
    this.contentHash = contentHash;
    this.item = context.item;
    this.url = context.url;
  }
}

/**
 * Why content could not be had: the store does not hold it (`missing`), could not be reached (`unreachable`: a
 * gateway's timeouts, dropped connections or server errors after its retries, or a folder that cannot be read), or
 * the URI does not name content by its hash (`not-addressed`).
 */
export type ContentUnavailableReason = "missing" | "unreachable" | "not-addressed";

/** Content could not be fetched; `reason` says why, and the message names the CID (or the URI) and the item. */
export class ContentUnavailableError extends ProtocolError {
  /** The CID asked for; undefined when the URI named none (`not-addressed`). */
  readonly cid?: string;
  readonly reason: ContentUnavailableReason;
  /** What was wrong, without the item: e.g. `no answer within 10000 ms (3 attempts)`. */
  readonly problem: string;
  readonly item?: string;
  readonly url?: string;

  constructor(
    cid: string | undefined,
    reason: ContentUnavailableReason,
    problem: string,
    context: ContentContext & { cause?: unknown } = {},
  ) {
    super(aboutItem(context.item, problem), {
      cause: context.cause,
      hint:
        reason === "unreachable"
          ? "Check that the content store (the folder, or CONTENT_GATEWAY) is up; the fetch may be retried."
          : reason === "missing"
            ? "Publish the content to the store (npm run content -- publish <file>) or fetch from another gateway."
            : "Only ipfs:// URIs of raw sha-256 CIDs (bafkrei…) can be fetched and checked.",
    });
    this.cid = cid;
    this.reason = reason;
    this.problem = problem;
    this.item = context.item;
    this.url = context.url;
  }
}

/** A gateway content store was asked to store content: it reads only, unless given a writable store. */
export class ContentStoreReadOnlyError extends InvalidInputError {
  readonly gateway: string;

  constructor(gateway: string) {
    super(`The content gateway ${gateway} is read-only: nothing can be put through it.`, {
      hint: "Give GatewayContentStore a writable store ({ writeTo }) such as the FileContentStore it serves.",
    });
    this.gateway = gateway;
  }
}

/** A model card is not a `model-card-v1`: not JSON, a missing or unknown field. `path` names the field. */
export class MalformedModelCardError extends InvalidInputError {
  readonly path: string;

  constructor(path: string, problem: string) {
    super(`Model card, ${path}: ${problem}`, {
      hint: 'A card is JSON: { "format": "model-card-v1", "name": …, "attribution": { "kind": "spans" } }.',
    });
    this.path = path;
  }
}

/**
 * Every item an epoch asked the content store for failed because the store could not be reached: the operator's own
 * store is down. Nothing should be proposed until it is back (one party's missing item never raises this).
 */
export class ContentStoreUnreachableError extends ProtocolError {
  constructor(message: string) {
    super(message, {
      hint: "Check the content folder (--content) or CONTENT_GATEWAY, then run again; nothing was proposed.",
    });
  }
}
