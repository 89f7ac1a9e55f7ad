/** Display helpers: amounts in OPEN, short addresses, percentages, durations and dates. */

const OPEN = 10n ** 18n;

/** An 18-decimal amount (OPEN, shares) in whole units, to four decimals (rounded down). */
export function units(wei: string | bigint): string {
  const value = BigInt(wei);
  const whole = value / OPEN;
  const fraction = (value % OPEN).toString().padStart(18, "0").slice(0, 4).replace(/0+$/, "");
  return `${whole.toLocaleString("en-US")}${fraction ? `.${fraction}` : ""}`;
}

export function open(wei: string | bigint): string {
  return `${units(wei)} OPEN`;
}

export function short(address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}

/** A uint256 id (a contribution's is a hash) shortened for a table; the full id goes in its title. */
export function shortId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 6)}…${id.slice(-4)}` : id;
}

export function percent(ratio: number | null): string {
  return ratio === null ? "–" : `${(100 * ratio).toFixed(1)}%`;
}

export function duration(seconds: number | null): string {
  if (seconds === null) return "–";
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7_200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${(seconds / 3_600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} days`;
}

export function day(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

/** A count of bytes (a decimal string: sums can pass 2^53), with thousands separators. */
export function bytes(count: string): string {
  return `${BigInt(count).toLocaleString("en-US")} B`;
}
