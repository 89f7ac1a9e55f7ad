import { ProtocolError } from "./base";
import type { ProtocolErrorOptions } from "./base";

/** The index database could not be opened or migrated; the message names the server or the folder. */
export class IndexDatabaseError extends ProtocolError {}

/**
 * A JSON-RPC request of the indexer kept failing after its retries (or a log range could not be narrowed further):
 * the message names the endpoint, the request and the block range.
 */
export class IndexerRpcError extends ProtocolError {
  readonly url: string;
  readonly request: string;
  readonly fromBlock?: number;
  readonly toBlock?: number;

  constructor(
    url: string,
    request: string,
    range: { fromBlock?: number; toBlock?: number },
    attempts: number,
    options: ProtocolErrorOptions = {},
  ) {
    const blocks =
      range.fromBlock === undefined
        ? ""
        : range.toBlock === undefined || range.toBlock === range.fromBlock
          ? ` (block ${range.fromBlock})`
          : ` (blocks ${range.fromBlock}–${range.toBlock})`;
    super(`${request}${blocks} at ${url} failed ${attempts} time${attempts === 1 ? "" : "s"}.`, {
      hint: "Check that the RPC endpoint is reachable and serves this chain; sync again to resume from the last block.",
      ...options,
    });
    this.url = url;
    this.request = request;
    this.fromBlock = range.fromBlock;
    this.toBlock = range.toBlock;
  }
}
