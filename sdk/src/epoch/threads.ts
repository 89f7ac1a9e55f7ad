import type { PreparedEpoch, PreparedModel } from "./attribute";
import { buildScorer } from "./attribute";
import type { Attribution, Scorer, ScoredInference } from "./score";

/* Scoring records away from the calling thread: what a scoring thread is started with, the jobs it is sent and what
it answers. Pure: the Node entry moves these between threads. */

/** What a scoring thread needs to build each model's scorer, as `prepareEpoch` made it. */
export interface EpochThreadData {
  options: PreparedEpoch["options"];
  models: {
    modelId: string;
    scorer: PreparedModel["scorer"];
    classifier?: PreparedModel["classifier"];
    eligible: { id: string; text: string; features?: number[]; label?: number }[];
    representativeOf: [string, string][];
    dimension: number;
    position: number;
  }[];
}

/** A chunk of records to score, each with its model. */
export interface ScoreJob {
  chunk: number;
  records: { modelId: string; scored: ScoredInference }[];
}

/** A chunk's attributions, flat: record r's shares are `ids`/`weights` from `starts[r]` to `starts[r + 1]`. */
export interface ScoreResult {
  chunk: number;
  starts: Int32Array;
  ids: string[];
  weights: Float64Array;
}

/** What the threads are started with. */
export function threadData(prepared: PreparedEpoch): EpochThreadData {
  return {
    options: prepared.options,
    models: [...prepared.models.values()].map((m) => ({
      modelId: m.modelId.toString(),
      scorer: m.scorer,
      classifier: m.classifier,
      eligible: m.eligible.map((c) => ({ id: c.id, text: c.text, features: c.features, label: c.label })),
      representativeOf: [...m.representativeOf],
      dimension: m.dimension,
      position: m.position,
    })),
  };
}

/** The jobs of `prepared.work[from .. to)`. */
export function scoreJob(prepared: PreparedEpoch, chunk: number, from: number, to: number): ScoreJob {
  return {
    chunk,
    records: prepared.work.slice(from, to).map(({ settlement, record }) => ({
      modelId: prepared.settlements[settlement].settlement.modelId.toString(),
      scored: record.scored,
    })),
  };
}

const scorers = new WeakMap<EpochThreadData, Map<string, Scorer>>();

/** Scores a job with the scorers of `data`, built on first use and kept. */
export function scoreChunk(data: EpochThreadData, job: ScoreJob): ScoreResult {
  let built = scorers.get(data);
  if (!built) scorers.set(data, (built = new Map()));
  const starts = new Int32Array(job.records.length + 1);
  const ids: string[] = [];
  const weights: number[] = [];
  job.records.forEach(({ modelId, scored }, r) => {
    let scorer = built!.get(modelId);
    if (!scorer) {
      const m = data.models.find((model) => model.modelId === modelId)!;
      scorer = buildScorer(
        {
          modelId: BigInt(m.modelId),
          version: 0,
          scorer: m.scorer,
          classifier: m.classifier,
          eligible: m.eligible as PreparedEpoch["data"]["contributions"],
          representativeOf: new Map(m.representativeOf),
          fallback: [],
          dimension: m.dimension,
          position: m.position,
        },
        { options: data.options, contributionAt: new Map() },
      );
      built!.set(modelId, scorer);
    }
    for (const { id, weight } of scorer(scored, "")) {
      ids.push(id);
      weights.push(weight);
    }
    starts[r + 1] = ids.length;
  });
  return { chunk: job.chunk, starts, ids, weights: Float64Array.from(weights) };
}

/** The attributions of a result, in record order. */
export function attributionsOf(result: ScoreResult): Attribution[] {
  const out: Attribution[] = [];
  for (let r = 0; r + 1 < result.starts.length; r++) {
    const shares: Attribution = [];
    for (let k = result.starts[r]; k < result.starts[r + 1]; k++)
      shares.push({ id: result.ids[k], weight: result.weights[k] });
    out.push(shares);
  }
  return out;
}
