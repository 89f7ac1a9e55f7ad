import { JsonRpcProvider, isAddress, toQuantity } from "ethers";
import type { Provider } from "ethers";
import { sql } from "kysely";
import type { Kysely } from "kysely";
import { IndexerRpcError, IntegrityError, InvalidInputError } from "../../errors";
import type { IndexDatabase } from "./database";
import { attemptKey, buildRangeRows, decodeLog, INDEXED_CONTRACTS, priorStateKeys, UNDECIDED } from "./rows";
import type { ContributionOutcome, DecodedLog, IndexedContractName, PriorState, RawLog } from "./rows";
import { EVENT_TABLES } from "./schema";
import { indexKysely, readIndex } from "./access";
import { checkOptions } from "../checks";
import type { EventTableName, IndexSchema } from "./schema";

/** A contract to index: its address and the block it was deployed in (nothing before it is read). */
export interface IndexedContract {
  address: string;
  fromBlock?: number;
}

/** The contracts to index, by the names of a deployment (`datanets`, `settlement`, `timelock`...). */
export type IndexedContracts = Partial<Record<IndexedContractName, IndexedContract>>;

/** Options of {@link ProtocolIndexer}. */
export interface ProtocolIndexerOptions {
  provider: Provider;
  /** The database {@link openIndexDatabase} opened, or its kysely instance. */
  db: IndexDatabase | Kysely<IndexSchema>;
  contracts: IndexedContracts;
  /** Blocks behind the head left unindexed, as they may still be reorganised. Default 2. */
  confirmations?: number;
  /** Blocks per `eth_getLogs` request; halved for the rest of the sync when the node refuses a range. Default 2,000. */
  batchSize?: number;
  /** Attempts of each request before giving up with {@link IndexerRpcError}. Default 5. */
  attempts?: number;
  /** Wait before the first retry, doubled before each next one. Default 250 ms. */
  retryDelayMs?: number;
  /** How errors name the endpoint. Default: a `JsonRpcProvider`'s URL. */
  url?: string;
}

/** One range written, for progress bars. */
export interface SyncProgress {
  fromBlock: number;
  toBlock: number;
  /** The block the sync goes to. */
  targetBlock: number;
  /** Events of the range. */
  events: number;
}

/** Options of {@link ProtocolIndexer.sync}. */
export interface SyncOptions {
  /** Stop at this block (never beyond the head less the confirmations). */
  toBlock?: number;
  onProgress?: (progress: SyncProgress) => void;
}

/** A reorg the sync undid: the rows above `forkBlock` (up to `lastBlock`) were deleted and indexed again. */
export interface Rewind {
  forkBlock: number;
  lastBlock: number;
}

/** What {@link ProtocolIndexer.sync} did. */
export interface SyncResult {
  /** The last block indexed; undefined while no block is. */
  lastBlock: number | undefined;
  /** Events written. */
  events: number;
  rewinds: Rewind[];
}

const CURSOR_ID = "protocol";
/** Postgres takes at most 65,535 parameters a statement. */
const MAX_PARAMETERS = 60_000;
const HEADER_CONCURRENCY = 8;
/** How long one `eth_getLogs` over HTTP may take before it counts as failed (and is retried). */
const LOGS_TIMEOUT_MS = 120_000;
/** How long any other request over HTTP may take before it counts as failed (and is retried). */
const REQUEST_TIMEOUT_MS = 30_000;
const RANGE_ERROR =
  /too many|more than \d+|limit exceeded|block range|range (is )?too (large|wide)|response size|exceed/i;

/** A node refused a log range as too large: narrowed, not retried as is. */
class RangeTooLargeError extends Error {}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** What the index keeps of a block's header: hashes lower-case, the time in unix seconds. */
interface BlockHeader {
  hash: string;
  parentHash: string;
  timestamp: number;
}

/** A log as JSON-RPC sends it: numbers in hex. */
type WireLog = Omit<RawLog, "blockNumber" | "logIndex"> & { blockNumber: string; logIndex: string };

/**
 * Indexes every protocol contract's events into the index database: one `eth_getLogs` per block range for all the
 * contracts, each range's rows, its blocks' hashes and times and the cursor written in one transaction, so that a sync
 * stopped anywhere resumes from the last range written. Rows are keyed by transaction hash and log index: writing a
 * range again changes nothing. Before each range the stored hash of the last indexed block is compared with the
 * chain's; on a difference the index rewinds to the highest stored block the chain still has and indexes again from
 * there.
 */
export class ProtocolIndexer {
  readonly db: Kysely<IndexSchema>;
  readonly provider: Provider;
  readonly confirmations: number;
  readonly url: string;
  /** First block any contract needs. */
  readonly startBlock: number;
  private span: number;
  private readonly attempts: number;
  private readonly retryDelayMs: number;
  private readonly byAddress = new Map<string, { name: IndexedContractName; fromBlock: number }>();
  private readonly identity: string;
  /** The JSON-RPC endpoint, when the provider sends over HTTP. */
  private readonly http?: { url: string; headers: Record<string, string> };

  constructor(options: ProtocolIndexerOptions) {
    this.provider = options.provider;
    checkOptions(options, "The indexer's options");
    this.db = indexKysely(options.db);
    this.confirmations = options.confirmations ?? 2;
    this.span = options.batchSize ?? 2_000;
    this.attempts = options.attempts ?? 5;
    this.retryDelayMs = options.retryDelayMs ?? 250;
    if (options.provider instanceof JsonRpcProvider) {
      const connection = options.provider._getConnection();
      if (/^https?:/.test(connection.url)) this.http = { url: connection.url, headers: connection.headers };
    }
    this.url = options.url ?? this.http?.url ?? "the RPC provider";
    for (const [key, value] of [
      ["confirmations", this.confirmations],
      ["batchSize", this.span - 1],
      ["attempts", this.attempts - 1],
      ["retryDelayMs", this.retryDelayMs],
    ] as const) {
      if (!Number.isInteger(value) || value < 0) throw new InvalidInputError(`${key} is out of range.`);
    }
    const identity: Record<string, string> = {};
    for (const [name, contract] of Object.entries(options.contracts) as [IndexedContractName, IndexedContract][]) {
      if (!(name in INDEXED_CONTRACTS)) {
        throw new InvalidInputError(`Unknown contract "${name}": index ${Object.keys(INDEXED_CONTRACTS).join(", ")}.`);
      }
      if (!isAddress(contract.address))
        throw new InvalidInputError(`${name}: "${contract.address}" is not an address.`);
      const address = contract.address.toLowerCase();
      this.byAddress.set(address, { name, fromBlock: contract.fromBlock ?? 0 });
      identity[name] = address;
    }
    if (this.byAddress.size === 0) throw new InvalidInputError("Give at least one contract to index.");
    this.identity = JSON.stringify(Object.fromEntries(Object.entries(identity).sort()));
    this.startBlock = Math.min(...[...this.byAddress.values()].map((c) => c.fromBlock));
  }

  /** The last block whose events are all in the tables, if any. */
  async lastBlock(): Promise<number | undefined> {
    const cursor = await readIndex("the indexer's cursor", () =>
      this.db.selectFrom("indexer_cursor").select("last_block").where("id", "=", CURSOR_ID).executeTakeFirst(),
    );
    return cursor?.last_block;
  }

  /**
   * Indexes the blocks after the cursor up to `toBlock` or the head less the confirmations, whichever is lower,
   * rewinding first whenever the chain no longer has the last indexed block.
   *
   * @throws IndexerRpcError when a request keeps failing; what was written stays, and the next sync resumes there.
   * @throws IntegrityError when an event's contribution id or digest differs from the recomputed one (nothing of that
   * range is written).
   */
  async sync(options: SyncOptions = {}): Promise<SyncResult> {
    checkOptions(options, "The sync's options");
    if (options.toBlock !== undefined && !(Number.isSafeInteger(options.toBlock) && options.toBlock >= 0)) {
      throw new InvalidInputError(`toBlock must be a block number (an integer ≥ 0), not ${String(options.toBlock)}.`);
    }
    await this.checkIdentity();
    const head = await this.request("eth_blockNumber", {}, () => this.blockNumber());
    const target = Math.min(head - this.confirmations, options.toBlock ?? Number.POSITIVE_INFINITY);
    const result: SyncResult = { lastBlock: await this.lastBlock(), events: 0, rewinds: [] };
    for (;;) {
      const rewind = await this.rewindIfReorganised();
      if (rewind) result.rewinds.push(rewind);
      const last = await this.lastBlock();
      result.lastBlock = last;
      const from = last === undefined ? this.startBlock : last + 1;
      if (from > target) return result;
      const { logs, to } = await this.readLogs(from, Math.min(target, from + this.span - 1));
      const decoded = this.decode(logs);
      const headers = await this.headers([...new Set([...decoded.map((d) => d.position.block_number), to])]);
      // The chain got shorter than the target since the sync began (a reorg to a shorter branch): stop here.
      if (!headers.has(to)) return result;
      // A log from a block the chain has since replaced: read the range again once the rewind check has run.
      if (decoded.some((d) => headers.get(d.position.block_number)?.hash !== d.blockHash)) continue;
      await this.write(from, to, decoded, headers);
      result.events += decoded.length;
      result.lastBlock = to;
      options.onProgress?.({ fromBlock: from, toBlock: to, targetBlock: target, events: decoded.length });
    }
  }

  private async checkIdentity(): Promise<void> {
    const cursor = await readIndex("the indexer's cursor", () =>
      this.db.selectFrom("indexer_cursor").select("contracts").where("id", "=", CURSOR_ID).executeTakeFirst(),
    );
    if (cursor && cursor.contracts !== this.identity) {
      throw new InvalidInputError("The index database holds another deployment's events.", {
        details: `It indexed ${cursor.contracts}; this indexer reads ${this.identity}.`,
        hint: "Use a new database (another PGlite folder or DATABASE_URL) for each deployment.",
      });
    }
  }

  /** Logs of `from`–`to`, the range halved while the node refuses it as too large. */
  private async readLogs(from: number, to: number): Promise<{ logs: RawLog[]; to: number }> {
    for (;;) {
      try {
        const logs = await this.request("eth_getLogs", { fromBlock: from, toBlock: to }, () => this.getLogs(from, to));
        return { logs, to };
      } catch (error) {
        if (!(error instanceof RangeTooLargeError)) throw error;
        if (to === from) {
          throw new IndexerRpcError(this.url, "eth_getLogs", { fromBlock: from }, 1, {
            details: `The node refuses even one block's logs: ${error.message}`,
            cause: error,
          });
        }
        this.span = Math.max(1, Math.floor((to - from + 1) / 2));
        to = from + this.span - 1;
      }
    }
  }

  /**
   * One JSON-RPC call as raw JSON: over HTTP with Node's `fetch`, else through the provider's `send`; undefined when
   * the provider sends no JSON-RPC. The provider's own methods are no substitute: ethers keeps a failed request's
   * promise for a while and hands it to the same request again, so that a retry soon after a dropped connection
   * fails without being sent.
   */
  private async call(method: string, params: unknown[], timeoutMs: number): Promise<{ result: unknown } | undefined> {
    if (this.http) {
      const response = await fetch(this.http.url, {
        method: "POST",
        headers: { ...this.http.headers, "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const body = (await response.json().catch(() => ({}))) as { result?: unknown; error?: { message?: string } };
      if (body.error) throw new Error(body.error.message ?? JSON.stringify(body.error));
      if (!response.ok || !("result" in body)) throw new Error(`HTTP ${response.status} without a result`);
      return { result: body.result };
    }
    const { send } = this.provider as Provider & { send?: (method: string, params: unknown[]) => Promise<unknown> };
    if (typeof send !== "function") return undefined;
    return { result: await send.call(this.provider, method, params) };
  }

  private async blockNumber(): Promise<number> {
    const answer = await this.call("eth_blockNumber", [], REQUEST_TIMEOUT_MS);
    return answer ? Number(answer.result) : this.provider.getBlockNumber();
  }

  /**
   * `eth_getLogs` as raw JSON-RPC: ethers' `getLogs` formats every log into an object (hashing each address into its
   * checksum), and its HTTP transport decodes UTF-8 and joins the response's chunks in JavaScript; together several
   * times the work of the rest of the indexer. A provider that sends no JSON-RPC is asked through `getLogs`.
   */
  private async getLogs(fromBlock: number, toBlock: number): Promise<RawLog[]> {
    const address = [...this.byAddress.keys()];
    const filter = { address, fromBlock: toQuantity(fromBlock), toBlock: toQuantity(toBlock) };
    const answer = await this.call("eth_getLogs", [filter], LOGS_TIMEOUT_MS);
    if (!answer) {
      const found = await this.provider.getLogs({ address, fromBlock, toBlock });
      return found.map((log) => ({ ...log, logIndex: log.index }));
    }
    if (!Array.isArray(answer.result)) throw new Error("eth_getLogs answered without logs");
    return (answer.result as WireLog[]).map((log) => ({
      ...log,
      blockNumber: Number(log.blockNumber),
      logIndex: Number(log.logIndex),
    }));
  }

  /** The header of block `number`; undefined when the chain does not have it. */
  private async header(number: number): Promise<BlockHeader | undefined> {
    const answer = await this.call("eth_getBlockByNumber", [toQuantity(number), false], REQUEST_TIMEOUT_MS);
    // JSON-RPC sends the time as a hex quantity, ethers' Block as a number: Number reads both.
    const block = answer
      ? (answer.result as { hash?: string | null; parentHash: string; timestamp: string } | null)
      : await this.provider.getBlock(number);
    if (!block?.hash) return undefined;
    return {
      hash: block.hash.toLowerCase(),
      parentHash: block.parentHash.toLowerCase(),
      timestamp: Number(block.timestamp),
    };
  }

  private decode(logs: readonly RawLog[]): DecodedLog[] {
    const decoded: DecodedLog[] = [];
    for (const log of logs) {
      const contract = this.byAddress.get(log.address.toLowerCase());
      if (!contract || log.blockNumber < contract.fromBlock || log.removed) continue;
      const d = decodeLog(contract.name, log);
      if (d) decoded.push(d);
    }
    return decoded.sort(
      (x, y) => x.position.block_number - y.position.block_number || x.position.log_index - y.position.log_index,
    );
  }

  /** The header of each block, a few requests at a time; a block the chain does not have is left out. */
  private async headers(numbers: number[]): Promise<Map<number, BlockHeader>> {
    const found = new Map<number, BlockHeader>();
    let next = 0;
    const worker = async () => {
      while (next < numbers.length) {
        const number = numbers[next++];
        const header = await this.request("eth_getBlockByNumber", { fromBlock: number }, () => this.header(number));
        if (header) found.set(number, header);
      }
    };
    await Promise.all(Array.from({ length: Math.min(HEADER_CONCURRENCY, numbers.length) }, worker));
    return found;
  }

  private async write(
    from: number,
    to: number,
    decoded: DecodedLog[],
    headers: Map<number, BlockHeader>,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const rows = buildRangeRows(decoded, await priorState(trx, decoded, from));
      for (const [table, list] of Object.entries(rows.inserts) as [EventTableName, object[]][]) {
        await insertRows(trx, table, list);
      }
      await applyOutcomes(trx, rows.outcomes);
      const blocks = [...headers].map(([number, h]) => ({
        number,
        hash: h.hash,
        parent_hash: h.parentHash,
        timestamp: h.timestamp,
      }));
      if (blocks.length > 0) {
        await trx
          .insertInto("indexed_blocks")
          .values(blocks)
          .onConflict((oc) =>
            oc.column("number").doUpdateSet((eb) => ({
              hash: eb.ref("excluded.hash"),
              parent_hash: eb.ref("excluded.parent_hash"),
              timestamp: eb.ref("excluded.timestamp"),
            })),
          )
          .execute();
      }
      await trx
        .insertInto("indexer_cursor")
        .values({ id: CURSOR_ID, last_block: to, contracts: this.identity })
        .onConflict((oc) => oc.column("id").doUpdateSet({ last_block: to }))
        .execute();
    });
  }

  /**
   * When the chain's hash of the last indexed block differs from the stored one, finds the fork point (the highest
   * stored block whose hash the chain still has; blocks between stored ones had no events) and deletes everything
   * above it in one transaction.
   */
  private async rewindIfReorganised(): Promise<Rewind | undefined> {
    const last = await this.lastBlock();
    if (last === undefined) return undefined;
    let forkBlock = this.startBlock - 1;
    let below = last + 1;
    search: for (;;) {
      const stored = await this.db
        .selectFrom("indexed_blocks")
        .selectAll()
        .where("number", "<", below)
        .orderBy("number", "desc")
        .limit(64)
        .execute();
      if (stored.length === 0) break;
      for (const block of stored) {
        const chain = await this.request("eth_getBlockByNumber", { fromBlock: block.number }, () =>
          this.header(block.number),
        );
        if (chain?.hash === block.hash) {
          forkBlock = block.number;
          break search;
        }
      }
      below = stored[stored.length - 1].number;
    }
    if (forkBlock === last) return undefined;
    await this.db.transaction().execute(async (trx) => {
      for (const table of Object.keys(EVENT_TABLES) as EventTableName[]) {
        await trx.deleteFrom(table).where("block_number", ">", forkBlock).execute();
      }
      await trx.updateTable("contributions").set(UNDECIDED).where("status_block", ">", forkBlock).execute();
      await trx.deleteFrom("indexed_blocks").where("number", ">", forkBlock).execute();
      if (forkBlock < this.startBlock) {
        await trx.deleteFrom("indexer_cursor").where("id", "=", CURSOR_ID).execute();
      } else {
        await trx.updateTable("indexer_cursor").set({ last_block: forkBlock }).where("id", "=", CURSOR_ID).execute();
      }
    });
    return { forkBlock, lastBlock: last };
  }

  /** Runs a JSON-RPC request, retrying with exponential back-off; a refused log range is thrown at once. */
  private async request<T>(
    name: string,
    range: { fromBlock?: number; toBlock?: number },
    run: () => Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (error) {
        const message = messageOf(error);
        if (name === "eth_getLogs" && RANGE_ERROR.test(message)) throw new RangeTooLargeError(message);
        if (attempt >= this.attempts) {
          throw new IndexerRpcError(this.url, name, range, attempt, { details: message, cause: error });
        }
        await sleep(this.retryDelayMs * 2 ** (attempt - 1));
      }
    }
  }
}

/** Every message an ethers error carries (its own, the node's), for matching. */
function messageOf(error: unknown): string {
  const parts: string[] = [];
  let e: unknown = error;
  for (let depth = 0; depth < 4 && e && typeof e === "object"; depth++) {
    const { message, error: inner, info } = e as { message?: unknown; error?: unknown; info?: { error?: unknown } };
    if (typeof message === "string") parts.push(message);
    e = inner ?? info?.error;
  }
  return parts.join(" | ") || String(error);
}

/** The attempts and acceptances before block `from` that the range's rows depend on. */
async function priorState(db: Kysely<IndexSchema>, decoded: DecodedLog[], from: number): Promise<PriorState> {
  const { contentHashes, datanetIds } = priorStateKeys(decoded);
  const prior: PriorState = { attempts: new Map(), acceptances: new Map() };
  const hashes = [...contentHashes];
  for (let i = 0; i < hashes.length; i += 5_000) {
    const rows = await db
      .selectFrom("contributions")
      .select(["datanet_id", "content_hash", (eb) => eb.fn.max("attempt").as("attempt")])
      .where("block_number", "<", from)
      .where("content_hash", "in", hashes.slice(i, i + 5_000))
      .groupBy(["datanet_id", "content_hash"])
      .execute();
    for (const row of rows) prior.attempts.set(attemptKey(row.datanet_id, row.content_hash), Number(row.attempt));
  }
  for (const datanetId of datanetIds) {
    const last = await db
      .selectFrom("contributions")
      .select(["accepted_index", "accepted_digest"])
      .where("datanet_id", "=", datanetId)
      .where("status", "=", "Accepted")
      .where("status_block", "<", from)
      .orderBy("accepted_index", "desc")
      .limit(1)
      .executeTakeFirst();
    if (last) prior.acceptances.set(datanetId, { count: last.accepted_index!, digest: last.accepted_digest! });
  }
  return prior;
}

async function insertRows(db: Kysely<IndexSchema>, table: EventTableName, rows: object[]): Promise<void> {
  if (rows.length === 0) return;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / Object.keys(rows[0]).length));
  const key = ["tx_hash", "log_index", ...EVENT_TABLES[table]];
  for (let i = 0; i < rows.length; i += perStatement) {
    await (db as unknown as Kysely<Record<string, object>>)
      .insertInto(table)
      .values(rows.slice(i, i + perStatement))
      .onConflict((oc) => oc.columns(key as never).doNothing())
      .execute();
  }
}

/** Sets the status columns of the contributions the range decided, many rows a statement. */
async function applyOutcomes(db: Kysely<IndexSchema>, outcomes: ContributionOutcome[]): Promise<void> {
  for (let i = 0; i < outcomes.length; i += 2_000) {
    const chunk = outcomes.slice(i, i + 2_000);
    const values = sql.join(
      chunk.map(
        (o) =>
          sql`(${o.contribution_id}::numeric, ${o.status}::text, ${o.status_block}::bigint, ${o.status_tx_hash}::text,
            ${o.status_log_index}::integer, ${o.refund}::numeric, ${o.slashed}::numeric, ${o.kept}::numeric,
            ${o.accepted_index}::integer, ${o.accepted_digest}::text)`,
      ),
    );
    const result = await sql`
      update contributions as c set status = v.status, status_block = v.status_block,
        status_tx_hash = v.status_tx_hash, status_log_index = v.status_log_index, refund = v.refund,
        slashed = v.slashed, kept = v.kept, accepted_index = v.accepted_index, accepted_digest = v.accepted_digest
      from (values ${values}) as v(contribution_id, status, status_block, status_tx_hash, status_log_index, refund,
        slashed, kept, accepted_index, accepted_digest)
      where c.contribution_id = v.contribution_id`.execute(db);
    if (Number(result.numAffectedRows ?? chunk.length) !== chunk.length) {
      throw new IntegrityError("An event decides a contribution that was never submitted.", {
        details: `Contributions ${chunk.map((o) => o.contribution_id).join(", ")}: ${result.numAffectedRows} found.`,
      });
    }
  }
}
