import * as z from "zod";
import { InvalidInputError } from "../errors";
import { describeZodIssue } from "../internal/zod";

/*
 * The shapes the renderers take, checked before anything is drawn: a view that is not one is an InvalidInputError
 * naming its first bad field, not a TypeError from deep in the markup. Extra fields are allowed, and a status of no
 * known kind is drawn as the text it is (every text of a view is escaped, however hostile).
 */

const text = z.string();
const optionalText = text.optional();
/** zod's numbers are finite: NaN and ±Infinity would draw nothing or garbage. */
const size = z.number().positive("must be a positive number.").optional();
const count = z.number().int("must be an integer.").min(0, "must be ≥ 0.");

export const BAR_CHART = {
  data: z.array(
    z.looseObject({
      label: text,
      value: z.number(),
      valueLabel: optionalText,
      title: optionalText,
      color: optionalText,
      className: optionalText,
    }),
  ),
  options: z.looseObject({ title: text, width: size, barHeight: size, color: optionalText }),
};

export const DIVERGING_CHART = {
  data: z.array(
    z.looseObject({
      label: text,
      value: z.number(),
      status: optionalText,
      title: optionalText,
    }),
  ),
  options: z.looseObject({
    title: text,
    threshold: z.number().optional(),
    width: size,
    height: size,
    decimals: count.max(20, "must be at most 20.").optional(),
  }),
};

export const LINE_CHART = {
  data: z.array(
    z.looseObject({
      name: text,
      points: z.array(z.looseObject({ x: z.number(), y: z.number(), title: optionalText })),
      color: optionalText,
      dashed: z.boolean().optional(),
    }),
  ),
  options: z.looseObject({
    title: text,
    xLabel: text,
    yLabel: text,
    log: z.boolean().optional(),
    width: size,
    height: size,
  }),
};

export const STACKED_BAR = {
  data: z.array(z.looseObject({ label: text, value: z.number(), valueLabel: optionalText, color: optionalText })),
  options: z.looseObject({ title: text, width: size }),
};

const amount = z.bigint();
const dataValue = z.looseObject({
  model: text,
  threshold: z.number(),
  contributions: z.array(
    z.looseObject({
      id: text,
      contributor: text,
      datanet: text,
      value: z.number(),
      status: text,
      note: optionalText,
    }),
  ),
});

export const EPOCH_VIEW = z.looseObject({
  title: text,
  epoch: text,
  generatedBy: optionalText,
  summary: z.array(z.looseObject({ label: text, value: text })),
  accounts: z.array(z.looseObject({ name: text, account: text, amount, cumulative: amount })),
  models: z.array(z.looseObject({ name: text, modelId: text, amount, settlements: count, records: count })),
  datanets: z.array(z.looseObject({ name: text, datanetId: text, amount })),
  settlements: z.array(
    z.looseObject({
      id: text,
      model: text,
      pot: amount,
      paid: amount,
      carried: amount,
      status: text,
      reason: optionalText,
      logRoot: text,
      records: count,
    }),
  ),
  carryOver: z.looseObject({ amount, lines: z.array(z.looseObject({ label: text, amount })) }),
  dataValue: z.array(dataValue).optional(),
  samples: z.array(
    z.looseObject({
      title: text,
      model: text,
      output: text,
      coverage: z.looseObject({ share: z.number(), contributions: count }).optional(),
      credits: z.array(z.looseObject({ contribution: text, contributor: text, weight: z.number(), amount, why: text })),
    }),
  ),
});

const measure = z.number().min(0, "must be ≥ 0.");

export const BENCH_VIEW = z.looseObject({
  title: text,
  machine: text,
  rows: z.array(
    z.looseObject({
      records: measure,
      seconds: measure,
      recordsPerSecond: measure,
      peakRssMiB: measure,
      workers: count,
    }),
  ),
  goals: z.array(z.looseObject({ label: text, met: z.boolean(), detail: text })),
});

/**
 * `value`, checked against `schema`.
 * @throws InvalidInputError naming `what` and the first bad field, e.g. `The epoch view, accounts[0].amount: …`.
 */
export function checkShape<T>(schema: z.ZodType, value: T, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const [path, problem] = describeZodIssue(parsed.error.issues[0], "the value");
    throw new InvalidInputError(`${what}, ${path}: ${problem.replace(/\n/g, " ")}`);
  }
  return value;
}

/** A chart's data and options, checked against `shape`. */
export function checkChart<D, O>(shape: { data: z.ZodType; options: z.ZodType }, data: D, options: O, chart: string) {
  checkShape(shape.data, data, `The ${chart}'s data`);
  checkShape(shape.options, options, `The ${chart}'s options`);
}
