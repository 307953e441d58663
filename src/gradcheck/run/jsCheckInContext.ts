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
    if (isArr(a))
      return isArr(b) && a.length === b.length && Array.prototype.every.call(a, (e: any, k: number) => same(e, b[k]));
    return true;
  };
  const describe = (v: any): string => {
    if (v === undefined) return 'undefined';
    if (v === null) return 'null';
    if (isArr(v)) {
      const s = shapeOf(v);
      return s ? `an array of shape (${s.join(', ')}${s.length === 1 ? ',' : ''})` : 'a ragged array';
    }
    if (typeof v === 'object' && typeof v.then === 'function')
      return 'a Promise (an async function? a gradient returns its numbers, not a promise of them)';
    if (typeof v === 'object')
      return Object.keys(v).length ? `an object with keys ${Object.keys(v).join(', ')}` : 'an object without keys';
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

  /**
   * A dotted name looked up in the running module: a global of the file (a top-level function,
   * var, const or class), else a property of module.exports (or of its default), else a property
   * of an object the file made global or exported (an IIFE's `global.tSNE = tSNE`); then one
   * property a segment, looking on a constructor's prototype too.
   */
  const findPath = (dotted: string): any => {
    const parts = dotted.split('.');
    let v = lookup(parts[0]);
    if (v === undefined) {
      const exp = lookup('module')?.exports;
      const roots = [exp, exp?.default, ...Object.keys(globalThis).map((k) => (globalThis as any)[k])];
      for (const r of roots) {
        if (r !== null && (typeof r === 'object' || typeof r === 'function') && r !== globalThis && parts[0] in r) {
          v = r[parts[0]];
          break;
        }
      }
    }
    for (const part of parts.slice(1)) {
      if (v === undefined || v === null) return undefined;
      v = part in Object(v) ? v[part] : typeof v === 'function' ? v.prototype?.[part] : undefined;
    }
    return v;
  };

  let instance: any;
  /** The object a method is called on: a new instance of a class or constructor, or the object itself. */
  const ownerOf = (className: string, name: string) => {
    const Owner = findPath(className);
    if (Owner === undefined || Owner === null)
      fail('not-found', `${className} is not defined in the file (nor exported by it)`, { what: 'class' });
    if (typeof Owner === 'function' && Owner.prototype && typeof Owner.prototype[name] === 'function') {
      // The constructor's arguments from the inputs (generated sizes: new TwoLayerNet(4, 5, 3)).
      const init = req.inputs.__init__;
      if (init && typeof init === 'object' && className === req.loss.className) {
        const args = (req.initParams ?? Object.keys(init)).map((p: string) => clone(init[p]));
        return call(() => new Owner(...args), null, [], 'init');
      }
      if (Owner.length === 0) return call(() => new Owner(), null, [], 'init');
      // A constructor with parameters: built with none (defaults, `opt || {}`), else bare; the
      // inputs ("self.W": ...) supply its fields.
      try {
        return new Owner();
      } catch {
        return Object.create(Owner.prototype);
      }
    }
    return Owner;
  };
  if (req.loss.className) instance = ownerOf(req.loss.className, req.loss.name);
  const resolve = (ref: any, what: string, from?: any) => {
    let fn: any;
    let self: any = instance;
    if (from !== undefined) {
      const parts = ref.className ? [...ref.className.split('.'), ref.name] : [ref.name];
      let v = from;
      self = from;
      for (const part of parts) {
        self = v;
        v = v === undefined || v === null ? undefined : part in Object(v) ? v[part] : v.prototype?.[part];
      }
      fn = v;
    } else if (ref.className) {
      if (ref.className !== req.loss.className) self = ownerOf(ref.className, ref.name);
      fn = self?.[ref.name];
    } else {
      fn = findPath(ref.name);
      self = undefined;
    }
    if (typeof fn !== 'function')
      fail(
        'not-found',
        `${what} ${ref.className ? `${ref.className}.` : ''}${ref.name} is not defined in the file (nor exported by it)`,
        { what },
      );
    return { fn, self };
  };
  const loss = resolve(req.loss, 'function').fn;
  const params: string[] = req.params;
  const optional: string[] = req.optional ?? [];
  const isPlain = (v: any) => v !== null && typeof v === 'object' && !isArr(v);
  /** `self.params['W1']`, `self.W`, `net.params["b2"]`: the root name and the keys below it. */
  const parsePath = (path: string): { root: string; keys: string[] } | null => {
    const m = /^([A-Za-z_$][\w$]*)((?:\.[A-Za-z_$][\w$]*|\[\s*(?:'[^']*'|"[^"]*"|\d+)\s*\])*)$/.exec(path);
    if (!m) return null;
    const keys = [...m[2].matchAll(/\.([A-Za-z_$][\w$]*)|\[\s*(?:'([^']*)'|"([^"]*)"|(\d+))\s*\]/g)].map(
      (k) => k[1] ?? k[2] ?? k[3] ?? k[4],
    );
    return { root: m[1], keys };
  };
  const getAt = (obj: any, keys: string[]) =>
    keys.reduce((o: any, k) => (o === undefined || o === null ? undefined : o[k]), obj);
  const setAt = (obj: any, keys: string[], v: any) => {
    let o = obj;
    for (const k of keys.slice(0, -1)) {
      if (o[k] === undefined || o[k] === null) o[k] = {};
      o = o[k];
    }
    o[keys[keys.length - 1]] = v;
  };
  const base: Record<string, any> = req.inputs;
  for (const k of Object.keys(base)) {
    if (!k.startsWith('self.') && !k.startsWith('this.')) continue;
    if (!instance)
      fail('bad-input', `input ${k} is for a method, but ${req.loss.name} is a plain function`, { arg: k });
    const path = parsePath(k);
    if (!path?.keys.length) fail('bad-input', `${k} is not a path like self.W or self.params['W1']`, { arg: k });
    setAt(instance, path!.keys, clone(base[k]));
  }
  const missing = params.filter((p) => !(p in base) && !optional.includes(p));
  if (missing.length)
    fail('bad-input', `no value for ${missing.join(', ')}: give every parameter a value in the inputs`, {
      arg: missing[0],
    });
  const started = Date.now();
  let sweepMs = 0;

  /** The check of one differentiated input (a name or a path); a dict of arrays is checked entry by entry. */
  const checkOne = (wrt: string): any => {
    const path = parsePath(wrt);
    if (!path) fail('bad-input', `${wrt} is not a parameter name or a path like self.params['W1']`, { arg: wrt });
    const selfKeys = path!.root === 'self' || path!.root === 'this' ? path!.keys : undefined;
    const argRoot = !selfKeys && path!.keys.length ? path!.root : undefined;
    const argKeys = argRoot ? path!.keys : [];
    const attr = selfKeys ? selfKeys[selfKeys.length - 1] : argRoot ? argKeys[argKeys.length - 1] : undefined;
    let x0: any;
    if (selfKeys) {
      if (!instance || getAt(instance, selfKeys) === undefined)
        fail('bad-input', `${wrt} is not set: give it in the inputs or assign it in the constructor`, { arg: wrt });
      x0 = clone(getAt(instance, selfKeys));
    } else if (argRoot && argRoot in base && getAt(base[argRoot], argKeys) !== undefined)
      x0 = clone(getAt(base[argRoot], argKeys));
    else if (wrt in base) x0 = clone(base[wrt]);
    else fail('bad-input', `${wrt} is not an input of ${req.loss.name}`, { arg: wrt });
    if (isPlain(x0) && Object.keys(x0).length && Object.values(x0).every((v) => shapeOf(v) !== null)) {
      // A dict of parameters (self.params): one check per entry, each under its own path.
      const groups = Object.keys(x0).map((k) => ({ ...checkOne(`${wrt}['${k}']`), wrt: `${wrt}['${k}']` }));
      return { ...groups[0], groups };
    }
    const shape = shapeOf(x0);
    if (!shape) fail('bad-input', `${wrt} is not a number or a rectangular array of numbers`, { arg: wrt });
    const size = shape!.reduce((a, b) => a * b, 1);
    const xFlat = flat(x0);
    const sameShape = (v: any) => {
      const s = shapeOf(v);
      return s !== null && s.length === shape!.length && s.every((d, k) => d === shape![k]);
    };
    const zerosLike = (v: any): any =>
      Array.isArray(v) ? v.map(zerosLike) : ArrayBuffer.isView(v) ? new (v as any).constructor((v as any).length) : 0;

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
    const argsWith = (xw: any, keys: string[], replace: Record<string, any> = {}) => {
      if (selfKeys) setAt(instance, selfKeys, xw);
      return keys.map((k) => {
        if (k === wrt) return xw;
        if (k in replace) return replace[k];
        if (!(k in base)) return undefined;
        const v = clone(base[k]);
        if (k === argRoot) setAt(v, argKeys, xw);
        return v;
      });
    };

    // ---- what the loss returns: a number, [loss, grad, ...], or { loss|cost|..., grad|grads|... } ----
    const LOSS_KEYS = ['loss', 'cost', 'value', 'val', 'f', 'fx', 'J', 'j', 'error', 'err', 'objective', 'l', 'L'];
    const GRAD_KEYS = [
      'grad',
      'grads',
      'gradient',
      'gradients',
      'g',
      'df',
      'dx',
      'dJ',
      'dL',
      'derivative',
      'derivatives',
      'dw',
      'dW',
    ];
    /** The loss value and, when the return carries one, the gradient part (with where it was). */
    const split = (v: any): { value: any; grad?: any; key?: string } => {
      if (typeof v === 'number') return { value: v };
      if (Array.isArray(v) && v.length >= 2 && typeof v[0] === 'number') {
        const rest = v.slice(1);
        const tuple =
          rest.some((e: any) => typeof e !== 'number') || (shape!.length === 0 && rest.length <= params.length);
        if (tuple)
          return { value: v[0], grad: rest.length === 1 ? rest[0] : rest, key: rest.length === 1 ? '[1]' : '[1:]' };
      }
      if (isPlain(v)) {
        const lk = LOSS_KEYS.find((k) => typeof v[k] === 'number');
        if (lk !== undefined) {
          const others = Object.keys(v).filter((k) => k !== lk);
          const gk = GRAD_KEYS.find((k) => others.includes(k)) ?? (others.length === 1 ? others[0] : undefined);
          if (gk !== undefined) return { value: v[lk], grad: v[gk], key: gk };
          const rest: Record<string, any> = {};
          for (const k of others) rest[k] = v[k];
          return {
            value: v[lk],
            grad: others.length ? rest : undefined,
            key: others.length ? `{${others.join(', ')}}` : undefined,
          };
        }
      }
      return { value: v };
    };
    /**
     * A layer (forward/backward): an array output is weighed by a seeded random upstream gradient
     * dout, so the scalar is sum(out · dout) and backward(dout) gives its gradient; a number is a
     * loss layer, with dout = 1.
     */
    let dout: any;
    let doutFlat: number[] | undefined;
    const layerValue = (v: any): any => {
      if (!req.layer || !isArr(v) || shapeOf(v) === null) return v;
      if (dout === undefined) {
        let state = (req.seed >>> 0) + 11;
        const next = () => {
          state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
          return state / 4294967296;
        };
        const gauss = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
        const fill = (u: any): any =>
          isArr(u) ? Array.from(u as ArrayLike<any>, fill) : Math.round(gauss() * 1e4) / 1e4;
        dout = fill(v);
        doutFlat = flat(dout);
      }
      const values = flat(v);
      return values.reduce((acc, e, k) => acc + e * doutFlat![k], 0);
    };
    const scalar = (v: any, who: string): number => {
      const { value } = split(layerValue(v));
      if (typeof value === 'number') return value;
      return fail('not-scalar', `${who} returned ${describe(v)}; a loss must be one number`, { got: describe(v) });
    };
    const lossAt = (xw: any): number => {
      evaluations++;
      return scalar(call(loss, instance, argsWith(xw, params), 'loss'), `${req.loss.name}()`);
    };
    const sameValue = (a: number, b: number) => a === b || Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a));

    // The first call also tells whether the loss changes its inputs.
    const mutated: { fn: string; arg: string }[] = [];
    const firstArgs = argsWith(clone(x0), params);
    const before = firstArgs.map(clone);
    evaluations++;
    const firstReturn = call(loss, instance, firstArgs, 'loss');
    const f0 = scalar(firstReturn, `${req.loss.name}()`);
    /**
     * Arguments written and never read: filled from zeros, the loss gives the same value. Such an
     * output argument (`MSE(y, t, deltas)` filling deltas) is a candidate gradient, not a mutation.
     */
    const outputs: Record<string, any> = {};
    const named: string[] = req.outputArgs ?? [];
    params.forEach((p, k) => {
      if (same(before[k], firstArgs[k])) return;
      const buffer =
        p !== wrt && before[k] !== undefined && typeof before[k] === 'object' ? zerosLike(before[k]) : undefined;
      if (buffer !== undefined) {
        evaluations++;
        const f = scalar(
          call(loss, instance, argsWith(clone(x0), params, { [p]: buffer }), 'loss'),
          `${req.loss.name}()`,
        );
        if (sameValue(f, f0)) {
          // Filled once more from zeros shaped like the checked input, so what is written reads as its gradient.
          const filled = Array.isArray(x0) ? zerosLike(x0) : buffer;
          evaluations++;
          const f2 = scalar(
            call(loss, instance, argsWith(clone(x0), params, { [p]: filled }), 'loss'),
            `${req.loss.name}()`,
          );
          outputs[p] = sameValue(f2, f0) ? filled : buffer;
          return;
        }
      }
      if (!named.includes(p)) mutated.push({ fn: 'loss', arg: p });
    });
    if (selfKeys && !same(x0, getAt(instance, selfKeys))) mutated.push({ fn: 'loss', arg: wrt });
    const f0Again = lossAt(clone(x0));

    let analytic: any = null;
    let gradientSource: string | null = null;
    let gradientLabel: string | null = null;
    if (req.layer && req.gradient) {
      // backward(dout) after a forward at x0: dx for an input of forward, self.dW for a field.
      call(loss, instance, argsWith(clone(x0), params), 'loss');
      const { fn: backward } = resolve(req.gradient, 'gradient');
      const res = call(backward, instance, [dout === undefined ? 1 : clone(dout)], 'gradient');
      if (selfKeys) {
        const field = `d${selfKeys[selfKeys.length - 1]}`;
        if (instance[field] === undefined)
          fail('bad-return', `${req.gradient.name}() stored no ${field}: set this.${field} in backward`, {
            fn: 'gradient',
          });
        analytic = pick(instance[field], `${req.gradient.name}()`);
        gradientSource = 'stored';
        gradientLabel = `self.${field}`;
      } else {
        analytic = pick(res, `${req.gradient.name}()`);
        gradientSource = 'backward';
      }
    } else if (req.gradient) {
      let holder: any;
      if (req.gradient.file) {
        try {
          holder = lookup('require')(req.gradient.file);
        } catch (cause) {
          throw { glError: true, kind: 'exception', fn: 'gradient', cause };
        }
      }
      const { fn: grad, self: gself } = resolve(req.gradient, 'gradient', holder);
      const gthis = req.gradient.file || req.gradient.className ? gself : undefined;
      let res: any;
      let written: any;
      let writtenKey: string | null = null;
      if (req.gradient.style === 'numerical') {
        const xg = clone(x0);
        res = call(grad, gthis, [(v: any) => lossAt(v), xg], 'gradient');
        if (!same(xg, x0)) mutated.push({ fn: 'gradient', arg: wrt });
      } else {
        const keys: string[] = req.gradient.args;
        const gargs = argsWith(clone(x0), keys);
        const gbefore = gargs.map(clone);
        res = call(grad, gthis, gargs, 'gradient');
        keys.forEach((k, j) => {
          if (same(gbefore[j], gargs[j])) return;
          // A gradient written into an argument it does not read (grad(y, t, out)): the result.
          if (
            k !== wrt &&
            gbefore[j] !== undefined &&
            typeof gbefore[j] === 'object' &&
            (res === undefined || res === gargs[j])
          ) {
            const again = argsWith(clone(x0), keys, { [k]: Array.isArray(x0) ? zerosLike(x0) : zerosLike(gbefore[j]) });
            call(grad, gthis, again, 'gradient');
            if (sameShape(again[j]) && same(flat(again[j]), flat(gargs[j]))) {
              written = again[j];
              writtenKey = k;
              return;
            }
          }
          mutated.push({ fn: 'gradient', arg: k });
        });
        if (res === undefined && written !== undefined) res = written;
      }
      analytic = pick(res, `${req.gradient.name}()`);
      gradientSource = written !== undefined && res === written ? 'output-arg' : 'function';
      if (gradientSource === 'output-arg') gradientLabel = writtenKey;
    } else if (req.useReturned !== false) {
      const ret = split(firstReturn);
      if (ret.grad !== undefined) {
        analytic = pick(ret.grad, `${req.loss.name}()`, true);
        gradientSource = 'returned';
        gradientLabel = ret.key ?? null;
      } else {
        const candidates = Object.keys(outputs).filter((p) => sameShape(outputs[p]));
        if (candidates.length === 1) {
          analytic = pick(outputs[candidates[0]], `${req.loss.name}()`);
          gradientSource = 'output-arg';
          gradientLabel = candidates[0];
        }
      }
    }

    /** Spellings of the gradient of `key` in a dict: W → dW, dw, grad_W, W_grad, dj_dw, dL_dW, ... */
    function matchesKey(k: string, key: string): boolean {
      const bare = (n: string) =>
        n.replace(/^(d[jl]_?d|dloss_?d|grad(ient)?_?|d_?)(?=[A-Za-z])/i, '').replace(/(_?grad(ient)?)$/i, '');
      return k === key || bare(k) === key || bare(k).toLowerCase() === key.toLowerCase();
    }

    /**
     * Which parameter each gradient of a tuple belongs to: all parameters when there are as many,
     * else the differentiable ones whose inputs have the shapes of the tuple's entries, in order.
     */
    function tupleOrder(tuple: any[]): string[] {
      if (tuple.length === params.length) return params;
      const shapeKey = (v: any) => JSON.stringify(shapeOf(v));
      const inputShape = (p: string) => shapeKey(p === wrt ? x0 : base[p]);
      const shapes = new Set(tuple.map(shapeKey));
      const fitting = (req.gradientOrder ?? params).filter(
        (p: string) => (p === wrt || p in base) && shapes.has(inputShape(p)),
      );
      return fitting.length === tuple.length &&
        fitting.every((p: string, k: number) => inputShape(p) === shapeKey(tuple[k]))
        ? fitting
        : [];
    }

    function pick(res: any, name: string, fromLoss = false) {
      const key = attr ?? wrt;
      let got = res;
      if (isPlain(got) && typeof got.then === 'function')
        fail('bad-return', `${name} returned ${describe(got)}`, { got: describe(got), fn: fromLoss ? 'loss' : 'gradient' });
      if (isPlain(got)) {
        const keys = Object.keys(got);
        // --grad-key names the entry when the names do not tell.
        const exact = keys.filter((k) => k === (req.gradKey ?? key));
        const spelled = exact.length ? exact : keys.filter((k) => matchesKey(k, key));
        const shaped = keys.filter((k) => sameShape(got[k]));
        if (spelled.length === 1) got = got[spelled[0]];
        else if (keys.length === 1) got = got[keys[0]];
        else if (shaped.length === 1) got = got[shaped[0]];
        else
          fail(
            'bad-return',
            `${name} returned gradients under the keys ${keys.join(', ')}, and none of them is clearly the one for ${key}`,
            { got: describe(res), fn: fromLoss ? 'loss' : 'gradient' },
          );
      } else if (Array.isArray(got) && (shapeOf(got) === null || (shape!.length === 0 && got.length > 1))) {
        // A tuple of gradients in parameter order (dj_dw, dj_db): the one at the checked input's place.
        const at = tupleOrder(got).indexOf(key);
        const shaped = got.filter((g: any) => sameShape(g));
        if (at >= 0) got = got[at];
        else if (shaped.length === 1) got = shaped[0];
      } else if (Array.isArray(got) && got.length === params.length && params.includes(key) && !sameShape(got)) {
        got = got[params.indexOf(key)];
      }
      if (got === undefined || got === null)
        fail('bad-return', `${name} returned ${describe(got)}: is a return statement missing?`, {
          got: describe(got),
          fn: 'gradient',
        });
      const s = shapeOf(got);
      if (!s)
        fail('bad-return', `${name} returned ${describe(got)}, not numbers`, { got: describe(got), fn: 'gradient' });
      // Far more numbers than the input has: said now, not sent to the comparison (a timeout or a huge answer).
      const count = s!.reduce((a: number, b: number) => a * b, 1);
      if (count !== size && count > Math.max(100000, 4 * size))
        fail('bad-return', `${name} returned ${describe(got)} but ${key} has ${size} elements`, {
          got: describe(got),
          fn: 'gradient',
        });
      const values = flat(got);
      if (values.some((v) => typeof v !== 'number'))
        fail('bad-return', `${name} returned an array holding something other than numbers`, {
          got: describe(got),
          fn: 'gradient',
        });
      return { values, shape: s };
    }

    const indices: number[] = req.indices ?? Array.from({ length: size }, (_, k) => k);
    const plus = indices.map((i) => lossAt(shifted(i, req.h)));
    const minus = indices.map((i) => lossAt(shifted(i, -req.h)));
    const steps: any[] = [];
    if (analytic) {
      const few = indices.slice(0, req.stepLimit);
      for (const h of req.stepHs)
        steps.push({ h, plus: few.map((i) => lossAt(shifted(i, h))), minus: few.map((i) => lossAt(shifted(i, -h))) });
    }
    let sweep: any = null;
    if (indices.length) {
      // The largest slope where both one-sided slopes agree (no kink within h), for the chart.
      const smooth = (j: number) =>
        Math.abs(plus[j] - f0 - (f0 - minus[j])) <=
        1e-2 * Math.max(Math.abs(plus[j] - f0), Math.abs(f0 - minus[j]), 1e-300);
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
      const sweepStarted = Date.now();
      sweep = {
        index: k,
        hs: req.sweepHs,
        plus: req.sweepHs.map((s: number) => lossAt(shifted(k, s))),
        minus: req.sweepHs.map((s: number) => lossAt(shifted(k, -s))),
      };
      sweepMs += Date.now() - sweepStarted;
    }
    const probes = (req.probes ?? []).map((probe: any) => {
      try {
        const v = split(
          loss.apply(
            instance,
            params.map((p) => clone(probe[p])),
          ),
        ).value;
        return typeof v === 'number' ? v : null;
      } catch {
        return null;
      }
    });
    if (selfKeys) setAt(instance, selfKeys, clone(x0));
    const doutInfo = req.layer
      ? dout === undefined
        ? { kind: 'one', shape: [] }
        : { kind: 'random', shape: shapeOf(dout), seed: (req.seed >>> 0) + 11 }
      : null;
    return {
      x: xFlat,
      shape,
      f0,
      f0Again,
      indices,
      plus,
      minus,
      steps,
      sweep,
      analytic,
      gradientSource,
      gradientLabel,
      dout: doutInfo,
      mutated,
      probes,
    };
  };

  const out = checkOne(req.wrt);
  return { ok: true, ...out, evaluations, elapsedMs: Date.now() - started, timings: { sweepMs } };
}
