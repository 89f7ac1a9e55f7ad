import { InvalidPoolError, InvalidWeightError, ZeroTotalWeightError } from "../errors";

/**
 * Splits `pool` among the keys of `weights` in proportion to their weights, exactly.
 *
 * Rounding. Each weight is taken as the exact rational its double denotes (m·2^e), never rounded, so the split
 * is the exact one of those rationals. Each key first gets ⌊pool·wᵢ/Σw⌋. What is left over (fewer units than there
 * are positive weights) goes one unit each to the keys with the largest fractional part of pool·wᵢ/Σw, compared
 * exactly; equal fractional parts go first to the smaller key in JavaScript string order (UTF-16 code units, as
 * `<`). Hence the amounts sum to `pool` to the wei, every amount is within one unit of its exact share, and the
 * amounts do not depend on the order of `weights`.
 *
 * The result has every key of `weights`, in the same order; a key of weight 0 gets 0n. A pool of 0n splits into
 * zeros whatever the weights.
 *
 * @throws InvalidPoolError when `pool` is negative.
 * @throws InvalidWeightError when a weight is negative, NaN or infinite.
 * @throws ZeroTotalWeightError when `pool` is nonzero and `weights` is empty or all zero: the pool would be lost.
 */
export function allocate(pool: bigint, weights: Map<string, number>): Map<string, bigint> {
  if (typeof pool !== "bigint" || pool < 0n) throw new InvalidPoolError(pool);
  const n = weights.size;
  const keys = new Array<string>(n);
  const mantissas = new Float64Array(n);
  const exponents = new Int32Array(n);
  let minExponent = Infinity;
  let next = 0;
  for (const [key, weight] of weights) {
    keys[next] = key;
    decompose(key, weight, mantissas, exponents, next);
    if (mantissas[next] > 0 && exponents[next] < minExponent) minExponent = exponents[next];
    next++;
  }
  if (minExponent === Infinity) {
    if (pool === 0n) return new Map(keys.map((key) => [key, 0n]));
    throw new ZeroTotalWeightError(
      pool,
      n === 0
        ? `There are no weights to split the pool of ${pool} over.`
        : `All ${n} weights are 0, so the pool of ${pool} has nobody to go to.`,
    );
  }

  // Scale every weight by the same power of two so the smallest exponent becomes 0: the weights become integers
  // with the same ratios, as small as exactness allows.
  const scaled = new Array<bigint>(n);
  let totalWeight = 0n;
  for (let i = 0; i < n; i++) {
    scaled[i] = mantissas[i] === 0 ? 0n : BigInt(mantissas[i]) << BigInt(exponents[i] - minExponent);
    totalWeight += scaled[i];
  }

  return splitExactly(pool, keys, scaled, totalWeight);
}

/**
 * Splits `pool` among the keys of `weights` in proportion to integer weights (token amounts, bytes), exactly as
 * {@link allocate} splits by doubles: ⌊pool·wᵢ/Σw⌋ each, the leftover one unit each to the largest fractional parts,
 * ties to the smaller key. Use it when the weights are bigints that a double could not hold exactly.
 *
 * @throws InvalidPoolError when `pool` is negative.
 * @throws InvalidWeightError when a weight is not a bigint ≥ 0.
 * @throws ZeroTotalWeightError when `pool` is nonzero and `weights` is empty or all zero.
 */
export function allocateByAmounts(pool: bigint, weights: Map<string, bigint>): Map<string, bigint> {
  if (typeof pool !== "bigint" || pool < 0n) throw new InvalidPoolError(pool);
  const keys = [...weights.keys()];
  const scaled = [...weights.values()];
  let totalWeight = 0n;
  scaled.forEach((weight, i) => {
    if (typeof weight !== "bigint" || weight < 0n) throw new InvalidWeightError(keys[i], weight);
    totalWeight += weight;
  });
  if (totalWeight === 0n) {
    if (pool === 0n) return new Map(keys.map((key) => [key, 0n]));
    throw new ZeroTotalWeightError(
      pool,
      `The ${keys.length} weights sum to 0, so the pool of ${pool} has nobody to go to.`,
    );
  }
  return splitExactly(pool, keys, scaled, totalWeight);
}

/** The largest-remainder split of `pool` by integer weights summing to `totalWeight` > 0. */
function splitExactly(
  pool: bigint,
  keys: readonly string[],
  weights: readonly bigint[],
  totalWeight: bigint,
): Map<string, bigint> {
  const n = keys.length;
  const amounts = new Array<bigint>(n);
  const remainders = new Array<bigint>(n);
  let leftover = pool;
  for (let i = 0; i < n; i++) {
    const numerator = pool * weights[i];
    amounts[i] = numerator / totalWeight;
    remainders[i] = numerator - amounts[i] * totalWeight;
    leftover -= amounts[i];
  }
  for (const i of largestRemainders(remainders, keys, totalWeight, Number(leftover))) amounts[i] += 1n;

  const result = new Map<string, bigint>();
  for (let i = 0; i < n; i++) result.set(keys[i], amounts[i]);
  return result;
}

/**
 * The `count` indices with the largest remainders, equal remainders going to the smaller key. The remainders are
 * the fractional parts' numerators over the common denominator Σw, so comparing them compares the parts exactly.
 *
 * Sorting a million bigints with a comparator is slow, so the ranking first uses each remainder's top 53 bits as a
 * double, sorted natively. That key never reverses the exact order (a larger remainder never gets a smaller key),
 * so only the remainders whose key equals the cut-off need the exact comparison.
 */
function largestRemainders(
  remainders: readonly bigint[],
  keys: readonly string[],
  totalWeight: bigint,
  count: number,
): number[] {
  if (count === 0) return [];
  // Every remainder is below Σw, so shifted by this it is below 2^53 and converts to a double exactly.
  const shift = BigInt(Math.max(0, totalWeight.toString(2).length - 53));
  const coarse = new Float64Array(remainders.length);
  for (let i = 0; i < remainders.length; i++) coarse[i] = Number(remainders[i] >> shift);
  const cutoff = coarse.slice().sort()[remainders.length - count];
  const chosen: number[] = [];
  const atCutoff: number[] = [];
  for (let i = 0; i < remainders.length; i++) {
    if (coarse[i] > cutoff) chosen.push(i);
    else if (coarse[i] === cutoff) atCutoff.push(i);
  }
  atCutoff.sort((a, b) => {
    const [ra, rb] = [remainders[a], remainders[b]];
    if (ra !== rb) return ra > rb ? -1 : 1;
    return keys[a] < keys[b] ? -1 : 1;
  });
  return chosen.concat(atCutoff.slice(0, count - chosen.length));
}

const float64 = new DataView(new ArrayBuffer(8));

/**
 * Writes a valid weight as `mantissas[i]`·2^`exponents[i]`, exactly, with an odd mantissa (or 0): read from the
 * IEEE-754 bits, because any arithmetic on the double could round.
 */
function decompose(key: string, weight: unknown, mantissas: Float64Array, exponents: Int32Array, i: number): void {
  if (typeof weight !== "number" || !Number.isFinite(weight) || weight < 0) throw new InvalidWeightError(key, weight);
  if (weight === 0) return;
  float64.setFloat64(0, weight);
  const high = float64.getUint32(0);
  const low = float64.getUint32(4);
  const biasedExponent = high >>> 20;
  // Subnormals have no implicit leading 1 and the exponent of the smallest normal.
  const highBits = (high & 0xfffff) | (biasedExponent === 0 ? 0 : 0x100000);
  const exponent = biasedExponent === 0 ? -1074 : biasedExponent - 1075;
  // Strip the trailing zero bits so the mantissa is odd; it stays below 2^53, where doubles are exact integers.
  const shift = low !== 0 ? ctz32(low) : 32 + ctz32(highBits);
  mantissas[i] = (highBits * 2 ** 32 + low) / 2 ** shift;
  exponents[i] = exponent + shift;
}

/** Trailing zero bits of a nonzero 32-bit integer. */
function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}
