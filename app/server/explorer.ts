import type { Kysely } from "kysely";
import { buildSpanIndex, fetchContribution, fetchSettlementLog, readInferenceLog, tokenizeWords } from "../../sdk/src";
import type { ContentStore, InferenceLog, SpanIndex } from "../../sdk/src";
import type { IndexSchema } from "../../sdk/src/node";
import { creditsOf, withReports } from "./epochs";
import type { CreditedContribution, MatchedSpan, RecordDetail, TextRange } from "./types";

/*
 * The inference explorer's record: its output read from the settlement's inference log in the content store, and
 * for each contribution the epoch credited for it, its text and the spans of the output it was credited for. The
 * spans are found again with the SDK's span index built as the epoch built it (the model's eligible contributions,
 * its clusters, the report's span options), so they are the spans that earned the weights. Parsed logs and built
 * indexes are kept, a few of each, by URI and by report and model.
 */

/** The content store lacks something the answer needs (or there is no store): the API answers 503. */
export class ContentMissingError extends Error {}

/** A map that forgets its oldest entry beyond `size` entries. */
class Bounded<K, V> {
  private readonly entries = new Map<K, V>();
  constructor(private readonly size: number) {}

  /** The value of `key`, made by `make` (and kept) when absent; a failed promise is not kept. */
  get(key: K, make: () => V): V {
    let value = this.entries.get(key);
    if (value === undefined) {
      value = make();
      this.entries.set(key, value);
      if (this.entries.size > this.size) this.entries.delete(this.entries.keys().next().value as K);
      if (value instanceof Promise) value.catch(() => this.entries.delete(key));
    } else {
      // Most recently used last, so that the oldest is the first to go.
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Runs `read`, turning the store's failure into a {@link ContentMissingError} that says what was missing. */
async function fromStore<T>(what: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw new ContentMissingError(`The content store cannot give ${what}: ${(error as Error).message.split("\n")[0]}`);
  }
}

/** The model's span index as the epoch built it, and the texts it indexed by contribution id. */
interface ModelSpans {
  index: SpanIndex;
  texts: Map<string, string>;
}

/** Where the words of `words` occur in a row in `text`, as character ranges. */
export function wordRuns(text: string, words: readonly string[]): TextRange[] {
  const tokens = tokenizeWords(text);
  const ranges: TextRange[] = [];
  for (let i = 0; i + words.length <= tokens.length; i++) {
    let k = 0;
    while (k < words.length && tokens[i + k].word === words[k]) k++;
    if (k === words.length && k > 0) ranges.push({ start: tokens[i].start, end: tokens[i + k - 1].end });
  }
  return ranges;
}

export class Explorer {
  private readonly logs = new Bounded<string, Promise<InferenceLog>>(8);
  private readonly spans = new Bounded<string, Promise<ModelSpans>>(4);

  constructor(
    private readonly db: Kysely<IndexSchema>,
    private readonly store: ContentStore | undefined,
  ) {}

  /**
   * Record `record` of settlement `settlement` in report `hash` of `epoch`, or null when the report has no such record.
   * @throws ContentMissingError when the store lacks the log or a text the answer needs.
   */
  async record(epoch: number, hash: string, settlement: string, record: string): Promise<RecordDetail | null> {
    const db = withReports(this.db);
    const row = await db
      .selectFrom("report_records as r")
      .innerJoin("report_settlements as s", (join) =>
        join.onRef("s.report_hash", "=", "r.report_hash").onRef("s.settlement_id", "=", "r.settlement_id"),
      )
      .innerJoin("epoch_reports as e", "e.report_hash", "r.report_hash")
      .select(["r.calls", "r.output_hash", "s.model_id", "s.log_uri", "s.log_root", "e.min_tokens"])
      .where("r.report_hash", "=", hash)
      .where("r.settlement_id", "=", settlement)
      .where("r.record_id", "=", record)
      .executeTakeFirst();
    if (!row) return null;
    const store = this.store;
    if (!store) throw new ContentMissingError("The app was started without a content store: it cannot read logs.");
    const log = await this.logs.get(row.log_uri, () =>
      fromStore(`the log of settlement ${settlement} (${row.log_uri})`, async () =>
        readInferenceLog(utf8.decode(await fetchSettlementLog(store, { id: settlement, logURI: row.log_uri })), {
          logRoot: row.log_root,
        }),
      ),
    );
    const output = log.record(record).output;
    const credits =
      (await creditsOf(db, hash, [{ settlement_id: settlement, record_id: record }])).get(`${settlement}\n${record}`) ??
      [];
    // A report may credit ids that are not an index's (decimal) contributions: those have no row to show.
    const ids = credits.map((c) => c.contributionId).filter((id) => /^\d{1,78}$/.test(id));
    const known =
      ids.length === 0
        ? []
        : await db
            .selectFrom("contributions")
            .select(["contribution_id", "datanet_id", "contributor", "uri"])
            .where("contribution_id", "in", ids)
            .execute();
    const rowOf = new Map(known.map((c) => [BigInt(c.contribution_id).toString(), c]));
    let matched: { spans: ReturnType<SpanIndex["attributeSpans"]>; model: ModelSpans } | undefined;
    if (output.kind === "text" && ids.length > 0) {
      const model = await this.spans.get(`${hash}/${row.model_id}`, () =>
        this.modelSpans(hash, row.model_id, row.min_tokens, store),
      );
      matched = { spans: model.index.attributeSpans(output.text).filter((s) => s.weight > 0), model };
    }
    const contributions = credits.map((credit): CreditedContribution => {
      const indexed = rowOf.get(credit.contributionId);
      const text = matched?.model.texts.get(credit.contributionId) ?? null;
      const spans = (matched?.spans ?? [])
        .filter((s) => s.ids.includes(credit.contributionId))
        .map((s): MatchedSpan => ({
          output: { start: s.charStart, end: s.charEnd },
          text: s.text,
          weight: s.weight,
          contribution:
            text === null
              ? []
              : wordRuns(
                  text,
                  tokenizeWords(s.text).map((w) => w.word),
                ),
        }));
      return {
        ...credit,
        datanetId: indexed?.datanet_id ?? null,
        contributor: indexed?.contributor ?? null,
        uri: indexed?.uri ?? null,
        text,
        spans,
      };
    });
    return {
      epoch,
      settlementId: settlement,
      recordId: record,
      modelId: row.model_id,
      calls: row.calls,
      outputHash: row.output_hash,
      output:
        output.kind === "text"
          ? { kind: "text", text: output.text }
          : { kind: "label", features: [...output.features], label: output.label },
      contributions,
    };
  }

  /**
   * The span index of model `modelId` as report `hash`'s epoch built it: over the accepted contributions of the
   * Datanet versions it was trained on (index ≤ the version's count, as epochInputFromChain takes them) but those
   * the report lists as unavailable, copies credited to their cluster's representative, with the report's options.
   */
  private async modelSpans(hash: string, modelId: string, minTokens: number, store: ContentStore): Promise<ModelSpans> {
    const db = withReports(this.db);
    const model = await db
      .selectFrom("report_models")
      .selectAll()
      .where("report_hash", "=", hash)
      .where("model_id", "=", modelId)
      .executeTakeFirstOrThrow();
    const trainedOn = JSON.parse(model.trained_on) as { datanetId: string; count: number }[];
    const clusters = JSON.parse(model.clusters) as { representative: string; copies: string[] }[];
    const unavailable = new Set(JSON.parse(model.unavailable) as string[]);
    const rows = (
      await Promise.all(
        trainedOn.map((v) =>
          db
            .selectFrom("contributions")
            .select(["contribution_id", "content_hash", "uri"])
            .where("datanet_id", "=", v.datanetId)
            .where("status", "=", "Accepted")
            .where("accepted_index", "<=", v.count)
            .execute(),
        ),
      )
    ).flat();
    const texts = new Map<string, string>();
    for (const c of rows) {
      const id = BigInt(c.contribution_id).toString();
      if (unavailable.has(id)) continue;
      const bytes = await fromStore(`the text of contribution ${id} (${c.uri})`, () =>
        fetchContribution(store, { id, uri: c.uri, contentHash: c.content_hash }),
      );
      texts.set(id, utf8.decode(bytes));
    }
    const cluster = new Map(clusters.flatMap((c) => c.copies.map((copy) => [copy, c.representative] as const)));
    const index = buildSpanIndex(
      [...texts].map(([id, text]) => ({ id, text })),
      { minTokens, maxDocumentFraction: model.max_document_fraction, cluster },
    );
    return { index, texts };
  }
}
