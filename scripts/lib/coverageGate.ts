/*
 * The coverage gate of `npm test`: from the Istanbul JSON solidity-coverage writes (coverage.json), the lines and
 * branches of the contracts (contracts/**, less the files .solcover.js skips, which may only be test doubles under
 * contracts/mocks/), per file and in all, against the thresholds; what is not covered is listed as file:line.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { filesUnder } from "./testPhases";

/** The least share of the contracts' lines and branches the tests must run, in percent. */
export const THRESHOLDS = { lines: 98, branches: 95 } as const;

/** Where the skipped files must lie: only test doubles may be left out of coverage. */
const SKIPPABLE = "contracts/mocks/";

/** One file's entry in Istanbul's coverage JSON, the parts the gate reads. */
export interface IstanbulFile {
  /** Hits per line number, for the lines that hold a statement. */
  l: Record<string, number>;
  /** Hits per branch id, one count per path of the branch. */
  b: Record<string, number[]>;
  branchMap: Record<string, { line: number; type: string }>;
}

export type IstanbulReport = Record<string, IstanbulFile>;

export interface Ratio {
  covered: number;
  total: number;
}

export interface FileCoverage {
  /** Relative to the repository, forward slashes. */
  file: string;
  lines: Ratio;
  branches: Ratio;
  /** Line numbers no test ran. */
  uncoveredLines: number[];
  /** Branch paths no test took: the line, the branch's kind and which of its paths. */
  uncoveredBranches: { line: number; path: string }[];
}

export interface SkippedFile {
  file: string;
  /** The first sentence of the file's @notice: what it plays for the tests. */
  reason: string;
}

export interface GateResult {
  files: FileCoverage[];
  lines: Ratio;
  branches: Ratio;
  skipped: SkippedFile[];
  /** Why the gate fails, one line each; empty when it passes. */
  failures: string[];
}

/**
 * What each path of a branch means, by the type solidity-coverage gives it: an `if` or a `require` holds or not; a
 * `||` is decided by its left or its right operand.
 */
const PATHS: Record<string, string[]> = {
  if: ["true", "false"],
  "cond-expr": ["|| left true", "|| right true"],
};

export const percent = ({ covered, total }: Ratio): number => (total === 0 ? 100 : (100 * covered) / total);

/** A share as the table prints it: two decimals, "no code" for a file with nothing to run. */
export function share(ratio: Ratio): string {
  return ratio.total === 0 ? "no code" : `${percent(ratio).toFixed(2)}% (${ratio.covered}/${ratio.total})`;
}

/** The lines and branches of one file of the report. */
export function fileCoverage(file: string, entry: IstanbulFile): FileCoverage {
  const lines = Object.entries(entry.l).map(([line, hits]) => ({ line: Number(line), hits }));
  const uncoveredBranches: FileCoverage["uncoveredBranches"] = [];
  let branchTotal = 0;
  let branchCovered = 0;
  for (const [id, hits] of Object.entries(entry.b)) {
    const { line, type } = entry.branchMap[id];
    hits.forEach((count, i) => {
      branchTotal++;
      if (count > 0) branchCovered++;
      else uncoveredBranches.push({ line, path: `${type} ${PATHS[type]?.[i] ?? `path ${i + 1} of ${hits.length}`}` });
    });
  }
  return {
    file,
    lines: { covered: lines.filter((l) => l.hits > 0).length, total: lines.length },
    branches: { covered: branchCovered, total: branchTotal },
    uncoveredLines: lines
      .filter((l) => l.hits === 0)
      .map((l) => l.line)
      .sort((a, b) => a - b),
    uncoveredBranches: uncoveredBranches.sort((a, b) => a.line - b.line),
  };
}

/** The first sentence of a Solidity file's first @notice, or a placeholder when it has none. */
export function noticeOf(source: string): string {
  const match = source.match(/\/\/\/\s*@notice\s+(.*(?:\n\s*\/\/\/(?!\s*@).*)*)/);
  if (!match) return "(no @notice)";
  const text = match[1].replace(/\n\s*\/\/\/\s*/g, " ").trim();
  const sentence = text.match(/^.*?\.(?=\s|$)/);
  return sentence ? sentence[0] : text;
}

/**
 * Gates `report` for the repository at `root`, whose `.solcover.js` skips `skipFiles` (paths relative to
 * contracts/, a folder by its prefix, as solidity-coverage reads them). Every other .sol file under contracts/ must
 * be in the report. Interfaces are instrumented too, but hold no statement or branch: they count for nothing either
 * way and show as "no code".
 */
export function coverageGate(root: string, report: IstanbulReport, skipFiles: readonly string[]): GateResult {
  const failures: string[] = [];
  const sources = filesUnder(root, "contracts").filter((f) => f.endsWith(".sol"));
  const isSkipped = (file: string) => skipFiles.some((entry) => file.startsWith(`contracts/${entry}`));
  for (const entry of skipFiles) {
    if (!`contracts/${entry}`.startsWith(SKIPPABLE)) {
      failures.push(`.solcover.js skips ${entry}, but only test doubles (${SKIPPABLE}) may be left out of coverage`);
    }
  }
  const skipped = sources
    .filter(isSkipped)
    .map((file) => ({ file, reason: noticeOf(readFileSync(path.join(root, file), "utf8")) }));
  const files: FileCoverage[] = [];
  for (const file of sources.filter((f) => !isSkipped(f))) {
    const entry = report[file];
    if (entry === undefined) failures.push(`${file} is not in the coverage report: it was not instrumented`);
    else files.push(fileCoverage(file, entry));
  }
  const sum = (pick: (f: FileCoverage) => Ratio): Ratio => ({
    covered: files.reduce((n, f) => n + pick(f).covered, 0),
    total: files.reduce((n, f) => n + pick(f).total, 0),
  });
  const lines = sum((f) => f.lines);
  const branches = sum((f) => f.branches);
  if (percent(lines) < THRESHOLDS.lines) {
    failures.push(`lines: ${share(lines)} of the contracts' lines ran, below ${THRESHOLDS.lines}%`);
  }
  if (percent(branches) < THRESHOLDS.branches) {
    failures.push(
      `branches: ${share(branches)} of the contracts' branch paths were taken, below ${THRESHOLDS.branches}%`,
    );
  }
  return { files, lines, branches, skipped, failures };
}

/** The report's lines: per file its figures, then every line and branch path not covered, as file:line. */
export function gateReport(result: GateResult): string[] {
  const out: string[] = [];
  const width = Math.max(...result.files.map((f) => f.file.length), "all contracts".length);
  out.push(`${"file".padEnd(width)}  ${"lines".padEnd(22)}  branches`);
  for (const f of result.files) out.push(`${f.file.padEnd(width)}  ${share(f.lines).padEnd(22)}  ${share(f.branches)}`);
  out.push(`${"all contracts".padEnd(width)}  ${share(result.lines).padEnd(22)}  ${share(result.branches)}`);
  const uncovered = result.files.flatMap((f) => [
    ...f.uncoveredLines.map((line) => `  ${f.file}:${line}  line`),
    ...f.uncoveredBranches.map((b) => `  ${f.file}:${b.line}  branch (${b.path})`),
  ]);
  out.push(uncovered.length === 0 ? "Every line and branch path ran." : "Not covered:", ...uncovered);
  out.push(
    `Left out of coverage (.solcover.js skipFiles: test doubles, deployed only by tests and benchmarks):`,
    ...result.skipped.map((s) => `  ${s.file}: ${s.reason}`),
  );
  out.push(
    `Interfaces (contracts/interfaces/) are instrumented but hold no code: they count for nothing in the figures.`,
  );
  return out;
}
