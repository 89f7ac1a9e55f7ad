/**
 * A revert's or a view's arguments in a form `deep.equal` compares across ethers' results and a model's values:
 * numbers and bigints as decimal strings, addresses and hashes lower-cased, arrays element by element.
 */
export function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return [...value].map(normalize);
  if (typeof value === "bigint" || typeof value === "number") return value.toString();
  if (typeof value === "string") return value.toLowerCase();
  return value;
}
