import { refuseUnless } from "../internal/check";

/* How the HTML reports write text and numbers. Nothing here asks the locale (toLocaleString, Intl): a report must read
the same, byte for byte, on every machine that renders it. */

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** `text` as HTML (or SVG) text or attribute value: the five characters that can end either are escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** A string of decimal digits with a comma between each group of three. */
function group(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+$)/g, ",");
}

/** `value` with `decimals` decimals and thousands separators, e.g. `-1,234.50`; "n/a" for NaN and the infinities. */
export function formatNumber(value: number, decimals = 2): string {
  if (!Number.isFinite(value)) return "n/a";
  const fixed = Math.abs(value).toFixed(decimals);
  const [whole, fraction] = fixed.split(".");
  const sign = value < 0 && /[1-9]/.test(fixed) ? "-" : "";
  return `${sign}${group(whole)}${fraction ? `.${fraction}` : ""}`;
}

/** A share in [0, 1] as a percentage with one decimal, e.g. `42.5%`. */
export function formatPercent(share: number): string {
  return `${formatNumber(share * 100, 1)}%`;
}

/** A tick label: `950`, `1.5k`, `20k`, `3M`, `0.05`; at most three significant digits. */
export function formatCompact(value: number): string {
  const abs = Math.abs(value);
  for (const [unit, suffix] of [
    [1e9, "G"],
    [1e6, "M"],
    [1e3, "k"],
  ] as const) {
    if (abs >= unit) return `${trimZeros((value / unit).toPrecision(3))}${suffix}`;
  }
  return abs === 0 ? "0" : trimZeros(value.toPrecision(3));
}

function trimZeros(text: string): string {
  return text.includes("e") || !text.includes(".") ? text : text.replace(/\.?0+$/, "");
}

const WEI_PER_TEN_THOUSANDTH = 10n ** 14n;

/**
 * An amount of OPEN (bigint wei, 18 decimals) as `1,234.5678 OPEN`: truncated (not rounded) to at most four decimals,
 * trailing zeros dropped, as the command-line tools print it; a positive amount below 0.0001 is `<0.0001 OPEN`, so
 * that it does not read as nothing.
 */
export function formatOpen(amount: bigint): string {
  refuseUnless(typeof amount === "bigint", amount, "amount", "a bigint of wei");
  const abs = amount < 0n ? -amount : amount;
  const units = abs / WEI_PER_TEN_THOUSANDTH;
  if (units === 0n && amount > 0n) return "<0.0001 OPEN";
  const fraction = (units % 10_000n).toString().padStart(4, "0").replace(/0+$/, "");
  const sign = amount < 0n && units > 0n ? "-" : "";
  return `${sign}${group((units / 10_000n).toString())}${fraction ? `.${fraction}` : ""} OPEN`;
}

/** An amount of OPEN (bigint wei) as a number of OPEN for a chart's geometry, exact to a millionth. */
export function openToNumber(amount: bigint): number {
  return Number(amount / 10n ** 12n) / 1e6;
}

/** A long hex string (a root, a hash, an address) as its first 6 and last 4 digits, e.g. `0x1a2b3c…9f8e`. */
export function shortHex(hex: string): string {
  return /^0x[0-9a-f]{16,}$/i.test(hex) ? `${hex.slice(0, 8)}…${hex.slice(-4)}` : hex;
}
