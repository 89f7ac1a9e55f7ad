import type { PreparedEpoch, PreparedModel } from "./attribute";
import { buildScorer } from "./attribute";
import type { AvailableContribution, ParsedSettlement } from "./input";
import type { Scorer } from "./score";
import { tallySettlement } from "./settlements";
import type { SettlementTally } from "./settlements";

/* Tallying settlements away from the calling thread: what a thread is started with, the jobs it is sent and what it
answers. Pure: the Node entry moves these between threads. */

/** What a thread needs to read each model's logs and build its scorer, as `prepareEpoch` made it. */
export interface EpochThreadData {
  options: PreparedEpoch["options"];
  models: {
    modelId: bigint;
    version: number;
    scorer: PreparedModel["scorer"];
    classifier?: PreparedModel["classifier"];
    eligible: { id: string; text: string; features?: number[]; label?: number }[];
    representativeOf: [string, string][];
    dimension: number;
    position: number;
  }[];
}

/** A settlement to tally, its log included. */
export interface TallyJob {
  job: number;
  settlement: ParsedSettlement;
}

/** A settlement's tally; `weights`' buffer may be transferred. */
export interface TallyResult {
  job: number;
  tally: SettlementTally;
}

/** What the threads are started with. */
export function threadData(prepared: PreparedEpoch): EpochThreadData {
  return {
    options: prepared.options,
    models: [...prepared.models.values()].map((m) => ({
      modelId: m.modelId,
      version: m.version,
      scorer: m.scorer,
      classifier: m.classifier,
      eligible: m.eligible.map((c) => ({ id: c.id, text: c.text, features: c.features, label: c.label })),
      representativeOf: [...m.representativeOf],
      dimension: m.dimension,
      position: m.position,
    })),
  };
}

const built = new WeakMap<EpochThreadData, Map<bigint, { model: PreparedModel; scorer?: Scorer }>>();

/** Tallies a job's settlement with the models of `data`, each scorer built on first use and kept. */
export function tallyJob(data: EpochThreadData, job: TallyJob): TallyResult {
  let models = built.get(data);
  if (!models) {
    models = new Map(
      data.models.map((m) => [
        m.modelId,
        {
          model: {
            ...m,
            eligible: m.eligible as AvailableContribution[],
            representativeOf: new Map(m.representativeOf),
            fallback: [],
          },
        },
      ]),
    );
    built.set(data, models);
  }
  const entry = models.get(job.settlement.modelId)!;
  const scorer = () =>
    (entry.scorer ??= buildScorer(entry.model, { options: data.options, contributionAt: new Map() }));
  return { job: job.job, tally: tallySettlement(job.settlement, entry.model, scorer, data.options.topK) };
}
