/** A seeded random source (xoshiro128**), so a run can be repeated exactly. */
export class Random {
  private s = new Uint32Array(4);
  private spare: number | undefined;

  constructor(seed = 42) {
    // splitmix32 spreads the seed over the four state words.
    let z = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      z = (z + 0x9e3779b9) >>> 0;
      let t = z;
      t = Math.imul(t ^ (t >>> 16), 0x85ebca6b) >>> 0;
      t = Math.imul(t ^ (t >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (t ^ (t >>> 16)) >>> 0;
    }
  }

  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n). */
  randInt(n: number): number {
    return Math.floor(this.random() * n);
  }

  /** Standard normal sample (Box–Muller), like np.random.randn. */
  randn(): number {
    if (this.spare !== undefined) {
      const v = this.spare;
      this.spare = undefined;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.random();
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** `count` indices from [0, n) with replacement, like np.random.choice(n, count). */
  choice(n: number, count: number, out: Int32Array = new Int32Array(count)): Int32Array {
    for (let i = 0; i < count; i++) out[i] = this.randInt(n);
    return out;
  }

  /** 0 … n−1 in a random order (Fisher–Yates), like np.random.permutation(n). */
  permutation(n: number, out?: Int32Array): Int32Array {
    const p = out && out.length === n ? out : new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.randInt(i + 1);
      const v = p[i];
      p[i] = p[j];
      p[j] = v;
    }
    return p;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
