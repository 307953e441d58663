/**
 * The JavaScript twin of media/python/gradcheck_harness.py's run(): every evaluation of the
 * learner's functions. It runs *inside* the vm context (its source is injected with
 * toString()), so one vm timeout covers the whole loop — a timed vm call costs ~0.1 ms, an
 * in-context call ~0.5 µs — and the arrays the learner's code sees are of its own realm
 * (`instanceof Array` holds). It must therefore be self-contained: no imports, no outer names.
 *
 * It throws plain objects { glError: true, kind, message, ... }; a learner's exception comes
 * as { glError: true, kind: 'exception', fn, cause } and the worker reads its stack.
 */
export function checkInContext(req: any): any {
  const fail = (kind: string, message: string, extra: Record<string, unknown> = {}) => {
    throw { glError: true, kind, message, ...extra };
  };
  const lookup = (name: string): any => (0, eval)(`typeof ${name} === 'undefined' ? undefined : ${name}`);
  const isArr = (v: any): v is any[] => Array.isArray(v) || ArrayBuffer.isView(v);
  const shapeOf = (v: any): number[] | null => {
    if (typeof v === 'number') return [];
    if (ArrayBuffer.isView(v)) return [(v as any).length];
    if (!Array.isArray(v)) return null;
    if (v.length === 0) return [0];
    const inner = shapeOf(v[0]);
    if (!inner) return null;
    for (const e of v) {
      const s = shapeOf(e);
      if (!s || s.length !== inner.length || s.some((d, k) => d !== inner[k])) return null;
    }
    return [v.length, ...inner];
  };
  const flat = (v: any, out: number[] = []): number[] => {
    if (typeof v === 'number') out.push(v);
    else for (const e of v) flat(e, out);
    return out;
  };
  const clone = (v: any): any => (Array.isArray(v) ? v.map(clone) : ArrayBuffer.isView(v) ? (v as any).slice() : v);
  const same = (a: any, b: any): boolean => {
    if (typeof a === 'number') return typeof b === 'number' && (a === b || (a !== a && b !== b));
    if (isArr(a)) return isArr(b) && a.length === b.length && Array.prototype.every.call(a, (e: any, k: number) => same(e, b[k]));
    return true;
  };
  const describe = (v: any): string => {
    if (v === undefined) return 'undefined';
    if (v === null) return 'null';
    if (isArr(v)) {
      const s = shapeOf(v);
      return s ? `an array of shape (${s.join(', ')}${s.length === 1 ? ',' : ''})` : 'a ragged array';
    }
    if (typeof v === 'object') return `an object with keys ${Object.keys(v).join(', ')}`;
    return `a ${typeof v} (${String(v).slice(0, 40)})`;
  };

  let evaluations = 0;
  const call = (fn: any, self: any, args: any[], which: string) => {
    try {
      return fn.apply(self, args);
    } catch (cause) {
      if (cause && (cause as any).glError) throw cause;
      throw { glError: true, kind: 'exception', fn: which, cause };
    }
  };

  let instance: any;
  if (req.loss.className) {
    const Cls = lookup(req.loss.className);
    if (typeof Cls !== 'function') fail('not-found', `class ${req.loss.className} is not defined at the top level of the file`, { what: 'class' });
    // A constructor that needs arguments we do not have: build the object bare and let the
    // inputs ("self.W": ...) supply its fields.
    instance = Cls.length > 0 ? Object.create(Cls.prototype) : call(() => new Cls(), null, [], 'init');
  }
  const resolve = (ref: any, what: string) => {
    const fn = ref.className ? instance?.[ref.name] : lookup(ref.name);
    if (typeof fn !== 'function') fail('not-found', `${what} ${ref.name} is not defined at the top level of the file`, { what });
    return fn;
  };
  const loss = resolve(req.loss, 'function');
  const params: string[] = req.params;
  const wrt: string = req.wrt;
  const attr = wrt.startsWith('self.') ? wrt.slice(5) : undefined;
  const base: Record<string, any> = req.inputs;
  for (const k of Object.keys(base)) {
    if (!k.startsWith('self.')) continue;
    if (!instance) fail('bad-input', `input ${k} is for a method, but ${req.loss.name} is a plain function`, { arg: k });
    instance[k.slice(5)] = clone(base[k]);
  }
  const missing = params.filter((p) => !(p in base));
  if (missing.length) fail('bad-input', `no value for ${missing.join(', ')}: give every parameter a value in the inputs`, { arg: missing[0] });
  let x0: any;
  if (attr !== undefined) {
    if (!instance || instance[attr] === undefined) fail('bad-input', `${wrt} is not set: give it in the inputs or assign it in the constructor`, { arg: wrt });
    x0 = clone(instance[attr]);
  } else if (wrt in base) x0 = clone(base[wrt]);
  else fail('bad-input', `${wrt} is not an input of ${req.loss.name}`, { arg: wrt });
  const shape = shapeOf(x0);
  if (!shape) fail('bad-input', `${wrt} is not a number or a rectangular array of numbers`, { arg: wrt });
  const size = shape!.reduce((a, b) => a * b, 1);
  const xFlat = flat(x0);

  /** A fresh copy of x0 with element i moved by step (x0 itself for step 0). */
  const shifted = (i: number, step: number): any => {
    if (shape!.length === 0) return x0 + step;
    const x = clone(x0);
    let node = x;
    let rest = i;
    for (let d = 0; d < shape!.length - 1; d++) {
      const stride = shape!.slice(d + 1).reduce((a, b) => a * b, 1);
      node = node[Math.floor(rest / stride)];
      rest %= stride;
    }
    node[rest] = node[rest] + step;
    return x;
  };
  const argsWith = (xw: any, keys: string[]) => {
    if (attr !== undefined) instance[attr] = xw;
    return keys.map((k) => (k === wrt ? xw : clone(base[k])));
  };
  const scalar = (v: any, who: string): number => {
    if (typeof v === 'number') return v;
    return fail('not-scalar', `${who} returned ${describe(v)}; a loss must be one number`, { got: describe(v) });
  };
  const lossAt = (xw: any): number => {
    evaluations++;
    return scalar(call(loss, instance, argsWith(xw, params), 'loss'), `${req.loss.name}()`);
  };

  const started = Date.now();
  // The first call also tells whether the loss changes its inputs.
  const mutated: { fn: string; arg: string }[] = [];
  const firstArgs = argsWith(clone(x0), params);
  const before = firstArgs.map(clone);
  evaluations++;
  const f0 = scalar(call(loss, instance, firstArgs, 'loss'), `${req.loss.name}()`);
  params.forEach((p, k) => {
    if (!same(before[k], firstArgs[k])) mutated.push({ fn: 'loss', arg: p });
  });
  if (attr !== undefined && !same(x0, instance[attr]) && !params.includes(wrt)) mutated.push({ fn: 'loss', arg: wrt });
  const f0Again = lossAt(clone(x0));

  let analytic: any = null;
  if (req.gradient) {
    const grad = resolve(req.gradient, 'gradient');
    let res: any;
    if (req.gradient.style === 'numerical') {
      const xg = clone(x0);
      res = call(grad, instance, [(v: any) => lossAt(v), xg], 'gradient');
      if (!same(xg, x0)) mutated.push({ fn: 'gradient', arg: wrt });
    } else {
      const keys: string[] = req.gradient.args;
      const gargs = argsWith(clone(x0), keys);
      const gbefore = gargs.map(clone);
      res = call(grad, instance, gargs, 'gradient');
      keys.forEach((k, j) => {
        if (!same(gbefore[j], gargs[j])) mutated.push({ fn: 'gradient', arg: k });
      });
    }
    analytic = pick(res);
  }

  function pick(res: any) {
    const name = `${req.gradient.name}()`;
    const key = attr ?? wrt;
    let got = res;
    if (got !== null && typeof got === 'object' && !isArr(got)) {
      if (key in got) got = got[key];
      else if (Object.keys(got).length === 1) got = got[Object.keys(got)[0]];
      else fail('bad-return', `${name} returned an object without the key '${key}' (keys: ${Object.keys(got).join(', ')})`, { got: describe(res), fn: 'gradient' });
    } else if (Array.isArray(got) && shapeOf(got) === null && got.length === params.length && params.includes(key)) {
      got = got[params.indexOf(key)];
    }
    if (got === undefined || got === null) fail('bad-return', `${name} returned ${describe(got)}: is a return statement missing?`, { got: describe(got), fn: 'gradient' });
    const s = shapeOf(got);
    if (!s) fail('bad-return', `${name} returned ${describe(got)}, not numbers`, { got: describe(got), fn: 'gradient' });
    const values = flat(got);
    if (values.some((v) => typeof v !== 'number')) fail('bad-return', `${name} returned an array holding something other than numbers`, { got: describe(got), fn: 'gradient' });
    return { values, shape: s };
  }

  const indices: number[] = req.indices ?? Array.from({ length: size }, (_, k) => k);
  const plus = indices.map((i) => lossAt(shifted(i, req.h)));
  const minus = indices.map((i) => lossAt(shifted(i, -req.h)));
  const steps: any[] = [];
  if (analytic) {
    const few = indices.slice(0, req.stepLimit);
    for (const h of req.stepHs) steps.push({ h, plus: few.map((i) => lossAt(shifted(i, h))), minus: few.map((i) => lossAt(shifted(i, -h))) });
  }
  let sweep: any = null;
  if (indices.length) {
    // The largest slope where both one-sided slopes agree (no kink within h), for the chart.
    const smooth = (j: number) => Math.abs(plus[j] - f0 - (f0 - minus[j])) <= 1e-2 * Math.max(Math.abs(plus[j] - f0), Math.abs(f0 - minus[j]), 1e-300);
    const anySmooth = indices.some((_, j) => smooth(j));
    let best = 0;
    let bestAbs = -1;
    indices.forEach((_, j) => {
      const d = Math.abs(plus[j] - minus[j]);
      if (d > bestAbs && (!anySmooth || smooth(j))) {
        bestAbs = d;
        best = j;
      }
    });
    const k = indices[best];
    sweep = { index: k, hs: req.sweepHs, plus: req.sweepHs.map((s: number) => lossAt(shifted(k, s))), minus: req.sweepHs.map((s: number) => lossAt(shifted(k, -s))) };
  }
  const probes = (req.probes ?? []).map((probe: any) => {
    try {
      const v = loss.apply(instance, params.map((p) => clone(probe[p])));
      return typeof v === 'number' ? v : null;
    } catch {
      return null;
    }
  });
  if (attr !== undefined) instance[attr] = clone(x0);
  return { ok: true, x: xFlat, shape, f0, f0Again, indices, plus, minus, steps, sweep, analytic, mutated, probes, evaluations, elapsedMs: Date.now() - started };
}
