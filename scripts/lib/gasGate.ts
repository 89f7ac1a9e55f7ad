import Table from "cli-table3";

/** A figure may grow by this much over the snapshot (exactly 1% passes, anything more fails). */
export const GROWTH_TOLERANCE_PERCENT = 1;

/** Gas used per scenario, "<Contract>.<function> / <scenario>" to gas (the 21,000 base included). */
export type GasFigures = Record<string, number>;

/** One row of the README's "Gas limits" table: every scenario matching `pattern` (`*` is any text) stays ≤ `limit`. */
export interface GasLimit {
  pattern: string;
  limit: number;
}

/**
 * The limits in the first table under the README heading "Gas limits": its column "scenarios" holds a pattern in
 * backticks, its column "limit" a number (thousands separated by commas). Throws when the heading, the table or a
 * row's pattern or limit is missing, so that the README cannot silently stop gating.
 */
export function parseGasLimits(readme: string): GasLimit[] {
  const lines = readme.split("\n");
  const heading = lines.findIndex((line) => /^#+\s+Gas limits\s*$/.test(line));
  if (heading < 0) throw new Error('The README has no "Gas limits" heading.');
  let at = heading + 1;
  while (at < lines.length && !lines[at].startsWith("|")) {
    if (/^#+\s/.test(lines[at])) break;
    at++;
  }
  if (at >= lines.length || !lines[at].startsWith("|")) throw new Error('No table under the README\'s "Gas limits".');
  const cells = (line: string) =>
    line
      .trim()
      .replace(/^\||\|$/g, "")
      .split("|")
      .map((cell) => cell.trim());
  const header = cells(lines[at]).map((cell) => cell.toLowerCase());
  const patternColumn = header.indexOf("scenarios");
  const limitColumn = header.indexOf("limit");
  if (patternColumn < 0 || limitColumn < 0) {
    throw new Error('The "Gas limits" table needs a "scenarios" and a "limit" column.');
  }
  const limits: GasLimit[] = [];
  for (let row = at + 2; row < lines.length && lines[row].startsWith("|"); row++) {
    const values = cells(lines[row]);
    const pattern = /^`([^`]+)`$/.exec(values[patternColumn] ?? "")?.[1];
    const limit = Number((values[limitColumn] ?? "").replace(/,/g, ""));
    if (pattern === undefined || !Number.isSafeInteger(limit) || limit <= 0) {
      throw new Error(`Unreadable "Gas limits" row: ${lines[row]}`);
    }
    limits.push({ pattern, limit });
  }
  if (limits.length === 0) throw new Error('The "Gas limits" table has no rows.');
  return limits;
}

/** Whether `scenario` matches a limit's `pattern`, where `*` stands for any text. */
export function matchesPattern(pattern: string, scenario: string): boolean {
  const escaped = pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${escaped.join(".*")}$`).test(scenario);
}

/** One scenario's comparison: absent figures are undefined; `limit` is the lowest limit matching it. */
export interface GasRow {
  scenario: string;
  snapshot?: number;
  now?: number;
  /** (now − snapshot) / snapshot, in percent. */
  changePercent?: number;
  limit?: number;
  /** Why this row fails the gate, if it does. */
  failure?: string;
}

export interface GasComparison {
  rows: GasRow[];
  /** Every reason the gate fails, one line each (limits matching no scenario included); empty when it passes. */
  failures: string[];
  /** Scenarios cheaper than the snapshot: they pass, and `gas:snapshot` records them. */
  decreased: string[];
}

/**
 * Compares the figures measured `now` with the committed `snapshot` and the README's `limits`. Fails a figure more
 * than {@link GROWTH_TOLERANCE_PERCENT} above its snapshot or above a matching limit, a scenario missing from either
 * side, and a limit that matches no scenario.
 */
export function compareGas(snapshot: GasFigures, now: GasFigures, limits: GasLimit[]): GasComparison {
  const failures: string[] = [];
  const decreased: string[] = [];
  const scenarios = [...new Set([...Object.keys(snapshot), ...Object.keys(now)])].sort();
  const rows = scenarios.map((scenario): GasRow => {
    const before = snapshot[scenario];
    const after = now[scenario];
    const matching = limits.filter((limit) => matchesPattern(limit.pattern, scenario)).map((limit) => limit.limit);
    const row: GasRow = { scenario, snapshot: before, now: after };
    if (matching.length > 0) row.limit = Math.min(...matching);
    if (before === undefined) row.failure = "not in the snapshot";
    else if (after === undefined) row.failure = "no longer measured";
    else {
      row.changePercent = ((after - before) / before) * 100;
      // Integers only: after / before > 1 + tolerance / 100.
      if (after * 100 > before * (100 + GROWTH_TOLERANCE_PERCENT)) {
        row.failure = `grew more than ${GROWTH_TOLERANCE_PERCENT}%`;
      } else if (after < before) decreased.push(scenario);
    }
    if (after !== undefined && row.limit !== undefined && after > row.limit) {
      row.failure = [row.failure, `above its limit of ${row.limit.toLocaleString("en-US")}`].filter(Boolean).join(", ");
    }
    if (row.failure) failures.push(`${scenario}: ${row.failure}`);
    return row;
  });
  for (const limit of limits) {
    if (!scenarios.some((scenario) => matchesPattern(limit.pattern, scenario))) {
      failures.push(`The README's gas limit \`${limit.pattern}\` matches no scenario.`);
    }
  }
  return { rows, failures, decreased };
}

const format = (gas?: number) => (gas === undefined ? "–" : gas.toLocaleString("en-US"));

/**
 * The comparison as a table (scenario, snapshot, now, change %, limit, status): every row that changed, fails or has
 * a limit; unchanged rows without a limit are left out.
 */
export function gasTable(comparison: GasComparison): string {
  const table = new Table({
    head: ["scenario", "snapshot", "now", "change %", "limit", "status"],
    colAligns: ["left", "right", "right", "right", "right", "left"],
    style: { head: [], border: [], compact: true },
  });
  for (const row of comparison.rows) {
    if (row.failure === undefined && row.limit === undefined && row.snapshot === row.now) continue;
    const change =
      row.changePercent === undefined ? "–" : `${row.changePercent >= 0 ? "+" : ""}${row.changePercent.toFixed(2)}`;
    const status = row.failure ?? (row.snapshot !== undefined && row.now! < row.snapshot ? "decreased" : "ok");
    table.push([row.scenario, format(row.snapshot), format(row.now), change, format(row.limit), status]);
  }
  return table.toString();
}

/** A function's name, or its signature when the ABI overloads the name: how scenario names refer to it. */
export interface AbiFunction {
  type: string;
  name?: string;
  stateMutability?: string;
  inputs?: { type: string }[];
}

/** The functions of `abi` that change state (neither view nor pure), named as scenarios name them. */
export function stateChangingFunctions(abi: AbiFunction[]): string[] {
  const functions = abi.filter(
    (item) => item.type === "function" && item.stateMutability !== "view" && item.stateMutability !== "pure",
  );
  return functions.map((item) =>
    functions.filter((other) => other.name === item.name).length > 1
      ? `${item.name}(${(item.inputs ?? []).map((input) => input.type).join(",")})`
      : item.name!,
  );
}

/**
 * What keeps the scenarios complete: every state-changing function of every contract in `abis` has a scenario
 * ("<Contract>.<function> / ...") or an exclusion ("<Contract>.<function>" to its reason), not both; every scenario and
 * exclusion names a function that exists. Returns the problems, one line each.
 */
export function coverageProblems(
  abis: Record<string, AbiFunction[]>,
  scenarios: string[],
  exclusions: Record<string, string>,
): string[] {
  const problems: string[] = [];
  const covered = new Set(scenarios.map((scenario) => scenario.split(" / ")[0]));
  const known = new Set<string>();
  for (const [contract, abi] of Object.entries(abis)) {
    for (const fn of stateChangingFunctions(abi)) {
      const key = `${contract}.${fn}`;
      known.add(key);
      if (covered.has(key) && key in exclusions) problems.push(`${key} has a scenario and an exclusion.`);
      if (!covered.has(key) && !(key in exclusions)) problems.push(`${key} has no gas scenario and no exclusion.`);
    }
  }
  for (const key of covered) if (!known.has(key)) problems.push(`A scenario names ${key}, which is not a function.`);
  for (const key of Object.keys(exclusions)) {
    if (!known.has(key)) problems.push(`The exclusion ${key} is not a function.`);
  }
  return problems;
}
