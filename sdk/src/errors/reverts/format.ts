/* Argument formatting shared by the revert tables (not part of the SDK's exports). */

/** A token amount or count with thousands separators. */
export const n = (v: unknown) => BigInt(v as bigint).toLocaleString("en-US");
/** A 256-bit id shortened to its first 8 and last 4 hex digits. */
export const short = (id: unknown) => {
  const hex = BigInt(id as bigint)
    .toString(16)
    .padStart(64, "0");
  return `0x${hex.slice(0, 8)}…${hex.slice(-4)}`;
};
/** A unix timestamp as ISO 8601 in UTC. */
export const date = (t: unknown) => new Date(Number(t) * 1000).toISOString().replace(".000Z", "Z");
