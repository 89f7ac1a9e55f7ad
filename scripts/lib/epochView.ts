import type { EpochReport } from "../../sdk/src";
import { formatOpen } from "../../sdk/src/report";
import type { EpochView } from "../../sdk/src/report";

/** What the HTML report needs beyond the report: names, and the sample attributions the caller chose to show. */
export interface EpochViewExtras {
  /** Lower-cased address → a person's name. */
  names: ReadonlyMap<string, string>;
  modelNames: ReadonlyMap<string, string>;
  datanetNames: ReadonlyMap<string, string>;
  /** Every contribution of the input (credited or not): who contributed it to which Datanet. */
  contributions: ReadonlyMap<string, { contributor: string; datanetId: bigint }>;
  /** Contribution id → how people know it (e.g. `#12`, its place in its Datanet). */
  labels?: ReadonlyMap<string, string>;
  /** Contribution id → a note for the data-value table (e.g. "labelled ham, is spam"). */
  notes?: ReadonlyMap<string, string>;
  samples: EpochView["samples"];
  generatedBy: string;
}

/** The HTML report's view of an epoch report. */
export function epochViewOf(report: EpochReport, extras: EpochViewExtras): EpochView {
  const who = (account: string) => extras.names.get(account.toLowerCase()) ?? account;
  const modelName = (id: string) => extras.modelNames.get(id) ?? `model ${id}`;
  const datanetName = (id: string) => extras.datanetNames.get(id) ?? `Datanet ${id}`;
  const records = report.settlements.reduce((n, s) => n + s.records.length, 0);
  const paid = report.settlements.reduce((n, s) => n + BigInt(s.paid), 0n);
  return {
    title: `Epoch ${report.epoch}: Proof of Attribution`,
    epoch: report.epoch,
    generatedBy: extras.generatedBy,
    summary: [
      { label: "Pool", value: formatOpen(BigInt(report.pool)) },
      { label: "Paid", value: formatOpen(paid) },
      { label: "Carried over", value: formatOpen(BigInt(report.carryOver.total)) },
      { label: "Settlements", value: String(report.settlements.length) },
      { label: "Inference records", value: String(records) },
      { label: "Reward root", value: report.tree.root },
      { label: "Report hash", value: report.reportHash },
    ],
    accounts: report.accounts.map((a) => ({
      name: who(a.account),
      account: a.account,
      amount: BigInt(a.amount),
      cumulative: BigInt(a.cumulative),
    })),
    models: report.models.map((m) => {
      const own = report.settlements.filter((s) => s.modelId === m.modelId);
      return {
        name: modelName(m.modelId),
        modelId: m.modelId,
        amount: own.reduce((n, s) => n + BigInt(s.paid), 0n),
        settlements: own.length,
        records: own.reduce((n, s) => n + s.records.length, 0),
      };
    }),
    datanets: report.datanets.map((d) => ({
      name: datanetName(d.datanetId),
      datanetId: d.datanetId,
      amount: BigInt(d.amount),
    })),
    settlements: report.settlements.map((s) => ({
      id: s.id.length > 20 ? `${s.id.slice(0, 10)}…${s.id.slice(-6)}` : s.id,
      model: modelName(s.modelId),
      pot: BigInt(s.pot) + BigInt(s.share),
      paid: BigInt(s.paid),
      carried: BigInt(s.carried),
      status: s.status,
      reason: s.exclusion ? `${s.exclusion.code}: ${s.exclusion.message}` : undefined,
      logRoot: s.logRoot,
      records: s.records.length,
    })),
    carryOver: {
      amount: BigInt(report.carryOver.total),
      lines: report.carryOver.lines.map((line) => ({
        label: line.settlement ? `${line.kind}: ${line.settlement}` : line.kind,
        amount: BigInt(line.amount),
      })),
    },
    dataValue: report.models
      .filter((m) => m.dataValue)
      .map((m) => {
        const value = m.dataValue!;
        const harmful = new Set(value.harmful);
        const low = new Set(value.lowValue);
        // Values are in nats of mean validation loss, around 10⁻³ each: shown in thousandths.
        return {
          model: `${modelName(m.modelId)} (values in 10⁻³ nats of validation loss)`,
          threshold: value.threshold * 1000,
          contributions: value.values.map((v) => {
            const c = extras.contributions.get(v.contribution)!;
            return {
              id: extras.labels?.get(v.contribution) ?? v.contribution,
              contributor: who(c.contributor),
              datanet: datanetName(c.datanetId.toString()),
              value: v.value * 1000,
              status: harmful.has(v.contribution)
                ? ("harmful" as const)
                : low.has(v.contribution)
                  ? ("low" as const)
                  : ("ok" as const),
              note: extras.notes?.get(v.contribution),
            };
          }),
        };
      }),
    samples: extras.samples,
  };
}
