import { Hono } from "hono";
import type { Context, MiddlewareHandler } from "hono";
import type { Kysely } from "kysely";
import { z } from "zod";
import { refreshQualityViews } from "../../sdk/src/node";
import type { IndexSchema } from "../../sdk/src/node";
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
} from "./queries";
import type { ApiError } from "./types";

/*
 * The app's HTTP API over the indexer's database: read-only, JSON, every list paginated by an opaque cursor (the
 * `next` of the previous page). Parameters are checked with zod; a bad one answers 400 with a one-line message, an
 * unknown Datanet 404.
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

/** The API's routes, under `/api`, reading `db`. */
export function createApi(db: Kysely<IndexSchema>): Hono {
  const api = new Hono();

  // The Datanets' pages read the quality views: refreshed first when the index moved, once for concurrent requests.
  let refreshing: Promise<unknown> | undefined;
  const fresh: MiddlewareHandler = async (_, next) => {
    refreshing ??= refreshQualityViews(db).finally(() => (refreshing = undefined));
    await refreshing;
    await next();
  };
  api.use("/api/datanets", fresh);
  api.use("/api/datanets/*", fresh);

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

  api.notFound((c) => c.json<ApiError>({ error: `No route ${c.req.method} ${c.req.path}.` }, 404));
  // A failure of the database is the server's, not the request's: one line for the page, the details on stderr.
  api.onError((error, c) => {
    console.error(error);
    return c.json<ApiError>({ error: `The index could not answer: ${error.message.split("\n")[0]}` }, 500);
  });
  return api;
}
