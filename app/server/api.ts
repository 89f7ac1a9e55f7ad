import { Hono } from "hono";
import type { Context, MiddlewareHandler } from "hono";
import type { Kysely } from "kysely";
import { z } from "zod";
import type { ContentStore } from "../../sdk/src";
import { refreshQualityViews } from "../../sdk/src/node";
import type { IndexSchema } from "../../sdk/src/node";
import type { ChainReader } from "./chain";
import { decodeRecordCursor, epochDetail, listEpochs, listRecords, loadedReport, withReports } from "./epochs";
import { ContentMissingError, Explorer } from "./explorer";
import {
  acceptances,
  contributor,
  dailyLimits,
  dataQuality,
  harmfulContributions,
  datanetDetail,
  datanetExists,
  leaderboard,
  listDatanets,
  listModels,
  modelDetail,
  offeringOpened,
} from "./queries";
import { appConfig, claimProofs, rewardsOf } from "./rewards";
import type { ApiError, OfferingView } from "./types";

/*
 * The app's HTTP API over the indexer's database: read-only, JSON, every list paginated by an opaque cursor (the
 * `next` of the previous page). Parameters are checked with zod; a bad one answers 400 with a one-line message, an
 * unknown Datanet or model 404; content the store lacks (an inference log, a contribution's text) 503. Offerings are
 * not indexed: they are read from the chain through `options.chain`.
 */

const MAX_LIMIT = 200;
/** A page folds a version's acceptances in the browser: 5,000 a request, so 100,000 take 20. */
const MAX_ACCEPTANCES_LIMIT = 5_000;

const id = z.string().regex(/^\d{1,78}$/, "must be a decimal id");
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x address of 40 hex digits");
/** A cursor and a limit of at most `max` (default 50). */
const pageOf = (max: number) =>
  z.object({
    cursor: z
      .string()
      .regex(/^\d{1,78}$/, "must be the `next` of a previous page")
      .optional(),
    limit: z.coerce.number().int().min(1).max(max).default(50),
  });
const pageQuery = pageOf(MAX_LIMIT);

/** Parses `value` with `schema`, or answers 400 naming the parameter. */
function parse<T>(c: Context, what: string, schema: z.ZodType<T>, value: unknown): T | Response {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue.path.length > 0 ? `${what}.${issue.path.join(".")}` : what;
  return c.json<ApiError>({ error: `${where} ${issue.message}` }, 400);
}

const epochId = z
  .string()
  .regex(/^\d{1,15}$/, "must be an epoch number")
  .transform(Number);
const recordCursor = z
  .string()
  .max(1_200)
  .transform(
    (text, ctx) => decodeRecordCursor(text) ?? (ctx.addIssue("must be the `next` of a previous page"), z.NEVER),
  )
  .optional();

/** What the API reads besides the index. */
export interface ApiOptions {
  /** Where the inference explorer reads inference logs and contributions' texts; without it those answer 503. */
  store?: ContentStore;
  /** Where offerings are read; without it `/api/models/:id/offering` answers 503. */
  chain?: ChainReader;
}

/** The API's routes, under `/api`, reading `db` (and the chain through `options.chain`). */
export function createApi(db: Kysely<IndexSchema>, options: ApiOptions = {}): Hono {
  const api = new Hono();
  const reports = withReports(db);
  const explorer = new Explorer(db, options.store);

  // The Datanets' and models' pages read the quality views: refreshed first when the index moved, once for concurrent requests.
  let refreshing: Promise<unknown> | undefined;
  const fresh: MiddlewareHandler = async (_, next) => {
    refreshing ??= refreshQualityViews(db).finally(() => (refreshing = undefined));
    await refreshing;
    await next();
  };
  api.use("/api/datanets", fresh);
  api.use("/api/datanets/*", fresh);
  api.use("/api/contributors/*", fresh);
  api.use("/api/epochs", fresh);
  api.use("/api/epochs/*", fresh);
  api.use("/api/models", fresh);
  api.use("/api/models/*", fresh);

  api.get("/api/datanets", async (c) => {
    const query = parse(c, "query", pageQuery.extend({ search: z.string().max(200).optional() }), c.req.query());
    if (query instanceof Response) return query;
    return c.json(await listDatanets(db, query));
  });

  api.get("/api/datanets/:id", async (c) => {
    const datanetId = parse(c, "datanet", id, c.req.param("id"));
    if (datanetId instanceof Response) return datanetId;
    const detail = await datanetDetail(db, datanetId);
    return detail ? c.json(detail) : c.json<ApiError>({ error: `Datanet ${datanetId} is not indexed.` }, 404);
  });

  api.get("/api/datanets/:id/quality", async (c) => {
    const datanetId = parse(c, "datanet", id, c.req.param("id"));
    if (datanetId instanceof Response) return datanetId;
    if (!(await datanetExists(db, datanetId))) {
      return c.json<ApiError>({ error: `Datanet ${datanetId} is not indexed.` }, 404);
    }
    return c.json(await dataQuality(db, datanetId));
  });

  api.get("/api/datanets/:id/acceptances", async (c) => {
    const datanetId = parse(c, "datanet", id, c.req.param("id"));
    if (datanetId instanceof Response) return datanetId;
    const indexCursor = z
      .string()
      .regex(/^\d{1,9}$/, "must be the `next` of a previous page")
      .optional();
    const query = parse(c, "query", pageOf(MAX_ACCEPTANCES_LIMIT).extend({ cursor: indexCursor }), c.req.query());
    if (query instanceof Response) return query;
    if (!(await datanetExists(db, datanetId))) {
      return c.json<ApiError>({ error: `Datanet ${datanetId} is not indexed.` }, 404);
    }
    return c.json(await acceptances(db, datanetId, query));
  });

  api.get("/api/datanets/:id/limits", async (c) => {
    const datanetId = parse(c, "datanet", id, c.req.param("id"));
    if (datanetId instanceof Response) return datanetId;
    const query = parse(
      c,
      "query",
      pageQuery.extend({ limit: pageQuery.shape.limit.unwrap().default(30) }),
      c.req.query(),
    );
    if (query instanceof Response) return query;
    const limits = await dailyLimits(db, datanetId, query);
    return limits ? c.json(limits) : c.json<ApiError>({ error: `Datanet ${datanetId} is not indexed.` }, 404);
  });

  api.get("/api/datanets/:id/harmful", async (c) => {
    const datanetId = parse(c, "datanet", id, c.req.param("id"));
    if (datanetId instanceof Response) return datanetId;
    const flagCursor = z
      .string()
      .regex(/^\d{1,20}-0x[0-9a-f]{64}-\d{1,78}-\d{1,78}$/, "must be the `next` of a previous page")
      .optional();
    const query = parse(c, "query", pageQuery.extend({ cursor: flagCursor }), c.req.query());
    if (query instanceof Response) return query;
    if (!(await datanetExists(db, datanetId))) {
      return c.json<ApiError>({ error: `Datanet ${datanetId} is not indexed.` }, 404);
    }
    return c.json(await harmfulContributions(db, datanetId, query));
  });

  api.get("/api/datanets/:id/leaderboard", async (c) => {
    const datanetId = parse(c, "datanet", id, c.req.param("id"));
    if (datanetId instanceof Response) return datanetId;
    const query = parse(c, "query", pageQuery, c.req.query());
    if (query instanceof Response) return query;
    return c.json(await leaderboard(db, datanetId, query));
  });

  api.get("/api/contributors/:address", async (c) => {
    const account = parse(c, "address", address, c.req.param("address"));
    if (account instanceof Response) return account;
    const positionCursor = z
      .string()
      .regex(/^\d{1,15}-\d{1,9}$/, "must be the `next` of a previous page")
      .optional();
    const query = parse(c, "query", pageQuery.extend({ cursor: positionCursor }), c.req.query());
    if (query instanceof Response) return query;
    return c.json(await contributor(db, account, query));
  });

  api.get("/api/config", async (c) => c.json(await appConfig(db)));

  api.get("/api/contributors/:address/rewards", async (c) => {
    const account = parse(c, "address", address, c.req.param("address"));
    if (account instanceof Response) return account;
    const query = parse(c, "query", pageQuery, c.req.query());
    if (query instanceof Response) return query;
    return c.json(await rewardsOf(db, account.toLowerCase(), query));
  });

  api.get("/api/claims", async (c) => {
    const accounts = parse(
      c,
      "query.account",
      z.array(address).min(1, "must name at least one account").max(MAX_LIMIT),
      c.req.queries("account") ?? [],
    );
    if (accounts instanceof Response) return accounts;
    const proofs = await claimProofs(db, [...new Set(accounts.map((a) => a.toLowerCase()))]);
    return proofs
      ? c.json(proofs)
      : c.json<ApiError>({ error: "No accepted root's report is in the index yet: nothing to claim." }, 404);
  });

  api.get("/api/epochs", async (c) => {
    const query = parse(c, "query", pageQuery, c.req.query());
    if (query instanceof Response) return query;
    return c.json(await listEpochs(reports, query));
  });

  api.get("/api/epochs/:epoch", async (c) => {
    const epoch = parse(c, "epoch", epochId, c.req.param("epoch"));
    if (epoch instanceof Response) return epoch;
    const detail = await epochDetail(reports, epoch);
    return detail ? c.json(detail) : c.json<ApiError>({ error: `No root was proposed for epoch ${epoch}.` }, 404);
  });

  api.get("/api/epochs/:epoch/records", async (c) => {
    const epoch = parse(c, "epoch", epochId, c.req.param("epoch"));
    if (epoch instanceof Response) return epoch;
    const query = parse(
      c,
      "query",
      pageQuery.extend({ cursor: recordCursor, q: z.string().max(300).optional() }),
      c.req.query(),
    );
    if (query instanceof Response) return query;
    const hash = await loadedReport(reports, epoch);
    if (hash === undefined) return c.json<ApiError>({ error: `Epoch ${epoch} has no report in the index.` }, 404);
    return c.json(await listRecords(reports, epoch, hash, query));
  });

  api.get("/api/epochs/:epoch/records/:settlement/:record", async (c) => {
    const epoch = parse(c, "epoch", epochId, c.req.param("epoch"));
    if (epoch instanceof Response) return epoch;
    const settlement = parse(
      c,
      "settlement",
      z.string().regex(/^0x[0-9a-fA-F]{64}:\d{1,9}$/, "must be <transaction hash>:<log index>"),
      c.req.param("settlement"),
    );
    if (settlement instanceof Response) return settlement;
    const record = parse(c, "record", z.string().min(1).max(256), c.req.param("record"));
    if (record instanceof Response) return record;
    const hash = await loadedReport(reports, epoch);
    if (hash === undefined) return c.json<ApiError>({ error: `Epoch ${epoch} has no report in the index.` }, 404);
    const detail = await explorer.record(epoch, hash, settlement.toLowerCase(), record);
    return detail
      ? c.json(detail)
      : c.json<ApiError>({ error: `Epoch ${epoch} has no record ${record} of settlement ${settlement}.` }, 404);
  });

  api.get("/api/models", async (c) => {
    const query = parse(c, "query", pageQuery.extend({ search: z.string().max(200).optional() }), c.req.query());
    if (query instanceof Response) return query;
    return c.json(await listModels(db, query));
  });

  const unknownModel = (c: Context, modelId: string) =>
    c.json<ApiError>({ error: `Model ${modelId} is not indexed.` }, 404);

  api.get("/api/models/:id", async (c) => {
    const modelId = parse(c, "model", id, c.req.param("id"));
    if (modelId instanceof Response) return modelId;
    const detail = await modelDetail(db, modelId);
    return detail ? c.json(detail) : unknownModel(c, modelId);
  });

  api.get("/api/models/:id/offering", async (c) => {
    const modelId = parse(c, "model", id, c.req.param("id"));
    if (modelId instanceof Response) return modelId;
    if (!options.chain) {
      return c.json<ApiError>({ error: "This app reads no chain, so it cannot show offerings." }, 503);
    }
    const [model] = (await listModels(db, { id: modelId, limit: 1 })).items;
    if (!model) return unknownModel(c, modelId);
    const offering = await options.chain.offering(BigInt(modelId));
    if (!offering) return c.json<ApiError>({ error: `Model ${modelId} has no offering.` }, 404);
    const opened = await offeringOpened(db, modelId, offering.controller);
    return c.json<OfferingView>({ ...offering, sale: { ...offering.sale, opened } });
  });

  api.notFound((c) => c.json<ApiError>({ error: `No route ${c.req.method} ${c.req.path}.` }, 404));
  // A failure of the database is the server's, not the request's: one line for the page, the details on stderr.
  api.onError((error, c) => {
    if (error instanceof ContentMissingError) return c.json<ApiError>({ error: error.message }, 503);
    console.error(error);
    return c.json<ApiError>({ error: `The index could not answer: ${error.message.split("\n")[0]}` }, 500);
  });
  return api;
}
