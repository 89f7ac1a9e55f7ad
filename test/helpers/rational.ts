/** Exact rationals over bigints, kept in lowest terms with a positive denominator: the reference models' arithmetic. */
export class Q {
  static readonly ZERO = new Q(0n, 1n);
  private constructor(
    readonly n: bigint,
    readonly d: bigint,
  ) {}
  static of(n: bigint, d = 1n): Q {
    const g = gcd(n < 0n ? -n : n, d);
    return new Q(n / g, d / g);
  }
  add(o: Q): Q {
    return Q.of(this.n * o.d + o.n * this.d, this.d * o.d);
  }
  sub(o: Q): Q {
    return Q.of(this.n * o.d - o.n * this.d, this.d * o.d);
  }
  mul(o: Q): Q {
    return Q.of(this.n * o.n, this.d * o.d);
  }
  cmp(o: Q): number {
    const l = this.n * o.d;
    const r = o.n * this.d;
    return l < r ? -1 : l > r ? 1 : 0;
  }
  /** The largest integer at most this. */
  floor(): bigint {
    return this.n >= 0n ? this.n / this.d : -((-this.n + this.d - 1n) / this.d);
  }
  toString(): string {
    return `${this.n}/${this.d}`;
  }
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}
