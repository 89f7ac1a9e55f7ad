import { IntegrityError } from "./base";

/** Bytes a content store holds under a CID do not hash to that CID: the store was damaged or tampered with. */
export class StoredContentMismatchError extends IntegrityError {
  readonly cid: string;

  constructor(cid: string, contentHash: string) {
    super(`The content stored as ${cid} hashes to ${contentHash}, not to its CID.`, {
      hint: "Delete the damaged copy and put the content again.",
    });
    this.cid = cid;
  }
}
