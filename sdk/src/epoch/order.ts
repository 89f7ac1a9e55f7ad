/* The orders and sums an epoch report defines, in one place: attributeEpoch writes a report with them and
readEpochReport checks one with them, so both must be the very same. */

/** Sum of the weights per key, each summed in list order: the one order a reader can redo exactly. */
export function sumsBy<T extends { weight: number }>(
  items: readonly T[],
  key: (item: T) => string,
): Map<string, number> {
  const sums = new Map<string, number>();
  for (const item of items) sums.set(key(item), (sums.get(key(item)) ?? 0) + item.weight);
  return sums;
}

/** Ids and addresses by UTF-16 code units, as `Array.prototype.sort` without a comparator. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Model and Datanet ids by value. */
export function compareBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
