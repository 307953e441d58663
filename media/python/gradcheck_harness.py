"""Gradient Lab's gradient check harness: runs a learner's loss (and hand-written gradient) in
their own Python, float64, and returns the raw evaluations as JSON. Comparison and diagnosis
happen in the extension (src/gradcheck), so Python and JavaScript are judged the same way.

Protocol: one JSON request on stdin; the result is the last stdout line that starts with
MARK. Progress ("phase") lines go to stderr so a timeout can say what was running. The
learner's file is compiled from the request's source (the editor's text, saved or not) and
nothing is written next to it (no __pycache__).
"""
import copy
import io
import json
import math
import os
import sys
import time
import traceback
import types

MARK = "\x1eGRADCHECK "
sys.dont_write_bytecode = True


class CheckError(Exception):
    """A problem the learner can act on, reported as {'kind', 'message', ...}."""

    def __init__(self, kind, message, **extra):
        Exception.__init__(self, message)
        self.info = dict(kind=kind, message=message, **extra)


def phase(name):
    sys.stderr.write("\x1ePHASE " + name + "\n")
    sys.stderr.flush()


def encode(v):
    """JSON cannot hold NaN or Infinity: send them as strings the extension decodes."""
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        return v
    if isinstance(v, dict):
        return {k: encode(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [encode(x) for x in v]
    return v


def describe(v, np):
    if v is None:
        return "None"
    if isinstance(v, np.ndarray):
        return "an array of shape %s" % (tuple(v.shape),)
    if isinstance(v, (list, tuple)):
        return "a %s of %d items" % (type(v).__name__, len(v))
    if isinstance(v, dict):
        return "a dict with keys %s" % (", ".join(map(str, v.keys())),)
    return "a %s (%r)" % (type(v).__name__, v) if isinstance(v, (str, bool)) else "a %s" % type(v).__name__


def user_exception(e, file, fn=None):
    """Their line, not ours: the deepest frame in the learner's folder."""
    folder = os.path.dirname(os.path.abspath(file))
    frames = traceback.extract_tb(e.__traceback__)
    # Real files only: numpy's "<__array_function__ internals>" frames are not the learner's. The
    # checked file itself counts even when it is not on disk (an untitled editor, a notebook's cells).
    own = [
        f for f in frames
        if f.filename == file or (
            not f.filename.startswith("<") and os.path.isfile(f.filename)
            and os.path.abspath(f.filename).startswith(folder + os.sep) and "-packages" not in f.filename)
    ]
    where = own[-1] if own else None
    info = dict(message="%s: %s" % (type(e).__name__, e), exception=type(e).__name__, fn=fn)
    if where is not None:
        info.update(file=os.path.abspath(where.filename), line=where.lineno, source=(where.line or "").strip(), function=where.name)
    info["trace"] = [dict(file=os.path.abspath(f.filename), line=f.lineno, function=f.name, source=(f.line or "").strip()) for f in own][-8:]
    return CheckError("exception", info.pop("message"), **info)


def load_module(file, source):
    phase("load")
    if source is None:
        with open(file, encoding="utf-8") as fh:
            source = fh.read()
    try:
        code = compile(source, file, "exec", dont_inherit=True)
    except SyntaxError as e:
        raise CheckError("syntax", "%s: %s" % (type(e).__name__, e.msg), file=file, line=e.lineno, column=e.offset, source=(e.text or "").strip())
    # Their imports resolve from their folder (Python put ours, media/python, first on the path).
    folder = os.path.dirname(os.path.abspath(file))
    sys.path[0:1] = [folder]
    module = types.ModuleType("__gradcheck_user__")
    module.__file__ = file
    sys.modules[module.__name__] = module
    try:
        exec(code, module.__dict__)
    except SystemExit:
        raise CheckError("exception", "your file calls exit() while it is loaded: move that code under if __name__ == '__main__':", file=file, fn="load")
    except Exception as e:
        raise user_exception(e, file, "load")
    return module


def find(module, ref, what):
    holder = module
    if ref.get("className"):
        holder = getattr(module, ref["className"], None)
        if holder is None:
            raise CheckError("not-found", "class %s is not defined in %s" % (ref["className"], module.__file__), what=what)
    target = getattr(holder, ref["name"], None)
    if target is None or not callable(target):
        raise CheckError("not-found", "%s %s is not defined at the top level of the file" % (what, ref["name"]), what=what)
    return target


def make_instance(cls, file):
    import inspect

    try:
        needs_args = any(p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in list(inspect.signature(cls).parameters.values()))
    except (TypeError, ValueError):
        needs_args = False
    if needs_args:
        # __init__ needs arguments we do not have: build the object bare and let the inputs
        # ("self.W": ...) supply its attributes.
        return cls.__new__(cls)
    try:
        return cls()
    except Exception as e:
        raise user_exception(e, file, "init")


def run(req):
    phase("numpy")
    try:
        import numpy as np
    except ImportError as e:
        raise CheckError("no-numpy", "numpy cannot be imported: %s" % e, python=sys.executable, version=sys.version.split()[0])
    np.random.seed(req.get("seed", 0))
    import random

    random.seed(req.get("seed", 0))

    file = req["file"]
    module = load_module(file, req.get("source"))
    phase("check")
    params = req["params"]
    inputs = req["inputs"]
    wrt = req["wrt"]
    h = float(req["h"])
    loss_ref = req["loss"]
    instance = None
    if loss_ref.get("className"):
        instance = make_instance(find(module, dict(name=loss_ref["className"]), "class"), file)
    loss_fn = getattr(instance, loss_ref["name"]) if instance is not None else find(module, loss_ref, "function")
    if not callable(loss_fn):
        raise CheckError("not-found", "%s is not a function" % loss_ref["name"], what="function")

    def convert(name, v):
        if isinstance(v, bool) or v is None:
            return v
        if name == wrt:
            return float(v) if isinstance(v, (int, float)) else np.array(v, dtype=np.float64)
        if isinstance(v, (int, float)):
            return int(v) if float(v).is_integer() else float(v)
        if isinstance(v, list):
            a = np.array(v)
            if a.dtype == object:
                raise CheckError("bad-input", "input %s is not a rectangular array of numbers" % name, arg=name)
            return a.astype(np.int64) if a.dtype.kind in "iu" else a.astype(np.float64)
        return v

    base = {k: convert(k, v) for k, v in inputs.items()}
    for k in base:
        if k.startswith("self."):
            if instance is None:
                raise CheckError("bad-input", "input %s is for a method, but %s is a plain function" % (k, loss_ref["name"]), arg=k)
            setattr(instance, k[5:], base[k])
    missing = [p for p in params if p not in base]
    if missing:
        raise CheckError("bad-input", "no value for %s: give every parameter a value in the inputs" % ", ".join(missing), arg=missing[0])
    if wrt.startswith("self."):
        if instance is None or not hasattr(instance, wrt[5:]):
            raise CheckError("bad-input", "%s is not set: give it in the inputs or assign it in __init__" % wrt, arg=wrt)
        x0 = np.array(getattr(instance, wrt[5:]), dtype=np.float64)
    elif wrt in base:
        x0 = np.array(base[wrt], dtype=np.float64)
    else:
        raise CheckError("bad-input", "%s is not an input of %s" % (wrt, loss_ref["name"]), arg=wrt)
    shape = list(x0.shape)
    state = dict(evaluations=0)

    def fresh(k):
        return copy.deepcopy(base[k])

    def with_wrt(xw, keys):
        if wrt.startswith("self."):
            setattr(instance, wrt[5:], xw if x0.ndim else float(xw))
        return [xw if (k == wrt and x0.ndim) else (float(xw) if k == wrt else fresh(k)) for k in keys]

    def scalar(v, who):
        if isinstance(v, (bool, np.bool_)):
            raise CheckError("not-scalar", "%s returned %s; a loss must be one number" % (who, describe(v, np)), got=describe(v, np))
        if isinstance(v, (int, float, np.integer, np.floating)):
            return float(v)
        if isinstance(v, np.ndarray) and v.size == 1 and v.dtype.kind in "iuf":
            return float(v.reshape(()))
        raise CheckError("not-scalar", "%s returned %s; a loss must be one number" % (who, describe(v, np)), got=describe(v, np))

    def loss_at(xw):
        state["evaluations"] += 1
        args = with_wrt(xw, params)
        try:
            out = loss_fn(*args)
        except CheckError:
            raise
        except Exception as e:
            raise user_exception(e, file, "loss")
        return scalar(out, loss_ref["name"] + "()")

    def snapshot(keys):
        return {k: copy.deepcopy(base[k]) for k in keys}

    def changed(before, after_values, keys):
        out = []
        for k, after in zip(keys, after_values):
            b = before[k]
            if isinstance(b, np.ndarray):
                same = isinstance(after, np.ndarray) and after.shape == b.shape and np.array_equal(after, b, equal_nan=b.dtype.kind == "f")
            else:
                same = True
            if not same:
                out.append(k)
        return out

    # The first call also tells whether the loss modifies its inputs.
    t0 = time.time()
    args = with_wrt(x0.copy() if x0.ndim else float(x0), params)
    before = {k: (x0.copy() if (k == wrt and x0.ndim) else copy.deepcopy(a)) for k, a in zip(params, args)}
    try:
        state["evaluations"] += 1
        f0 = scalar(loss_fn(*args), loss_ref["name"] + "()")
    except CheckError:
        raise
    except Exception as e:
        raise user_exception(e, file, "loss")
    mutated = [dict(fn="loss", arg=k) for k in changed(before, args, params)]
    if wrt.startswith("self.") and not np.array_equal(np.asarray(getattr(instance, wrt[5:]), dtype=np.float64), x0, equal_nan=True):
        mutated.append(dict(fn="loss", arg=wrt))
    f0_again = loss_at(x0.copy() if x0.ndim else float(x0))

    analytic = None
    grad_ref = req.get("gradient")
    if grad_ref:
        grad_fn = getattr(instance, grad_ref["name"]) if (instance is not None and grad_ref.get("className")) else find(module, grad_ref, "gradient")
        if grad_ref.get("style") == "numerical":
            xg = x0.copy()
            try:
                res = grad_fn(lambda v: loss_at(v), xg)
            except CheckError:
                raise
            except Exception as e:
                raise user_exception(e, file, "gradient")
            if not np.array_equal(xg, x0, equal_nan=True):
                mutated.append(dict(fn="gradient", arg=wrt))
        else:
            keys = grad_ref.get("args", params)
            gargs = with_wrt(x0.copy() if x0.ndim else float(x0), keys)
            gbefore = {k: (x0.copy() if (k == wrt and x0.ndim) else copy.deepcopy(a)) for k, a in zip(keys, gargs)}
            try:
                res = grad_fn(*gargs)
            except Exception as e:
                raise user_exception(e, file, "gradient")
            mutated += [dict(fn="gradient", arg=k) for k in changed(gbefore, gargs, keys)]
        analytic = pick_gradient(res, grad_ref, params, wrt, shape, np)

    # Central differences, element by element, on fresh copies: f(x + h e_i) and f(x - h e_i).
    indices = req.get("indices")
    if indices is None:
        indices = list(range(int(x0.size)))

    def shifted(i, step):
        if not x0.ndim:
            return float(x0) + step
        xs = x0.copy()
        xs.flat[i] += step
        return xs

    plus = [loss_at(shifted(i, h)) for i in indices]
    minus = [loss_at(shifted(i, -h)) for i in indices]

    steps = []
    if analytic is not None:
        few = indices[: int(req.get("stepLimit", 50))]
        for hs in req.get("stepHs", []):
            steps.append(dict(h=hs, plus=[loss_at(shifted(i, hs)) for i in few], minus=[loss_at(shifted(i, -hs)) for i in few]))

    sweep = None
    if indices:
        # The largest slope where both one-sided slopes agree (no kink within h), for the chart.
        def smooth(j):
            right, left = plus[j] - f0, f0 - minus[j]
            return abs(right - left) <= 1e-2 * max(abs(right), abs(left), 1e-300)

        central = [abs(p - m) if math.isfinite(p - m) else -1.0 for p, m in zip(plus, minus)]
        pool = [j for j in range(len(indices)) if smooth(j)] or list(range(len(indices)))
        k = indices[max(pool, key=lambda j: central[j])]
        hs = req.get("sweepHs", [])
        sweep = dict(index=k, hs=hs, plus=[loss_at(shifted(k, s)) for s in hs], minus=[loss_at(shifted(k, -s)) for s in hs])

    probes = []
    for probe in req.get("probes") or []:
        try:
            vals = [np.array(probe[p], dtype=np.float64) if isinstance(probe[p], list) else probe[p] for p in params]
            probes.append(scalar(loss_fn(*vals), "probe"))
        except Exception:
            probes.append(None)

    return dict(
        ok=True,
        x=[float(v) for v in np.ravel(x0)],
        shape=shape,
        f0=f0,
        f0Again=f0_again,
        indices=indices,
        plus=plus,
        minus=minus,
        steps=steps,
        sweep=sweep,
        analytic=analytic,
        mutated=mutated,
        probes=probes,
        evaluations=state["evaluations"],
        elapsedMs=(time.time() - t0) * 1000.0,
        runtime="Python %s, numpy %s" % (sys.version.split()[0], np.__version__),
    )


def pick_gradient(res, grad_ref, params, wrt, shape, np):
    """The part of what the gradient function returned that belongs to `wrt`."""
    name = grad_ref["name"] + "()"
    key = wrt[5:] if wrt.startswith("self.") else wrt
    got = res
    if isinstance(res, dict):
        if key in res:
            got = res[key]
        elif len(res) == 1:
            got = list(res.values())[0]
        else:
            raise CheckError("bad-return", "%s returned a dict without the key '%s' (keys: %s)" % (name, key, ", ".join(map(str, res.keys()))), got=describe(res, np), fn="gradient")
    elif isinstance(res, tuple) and len(res) > 1 and not all(isinstance(v, (int, float, np.number)) for v in res):
        if key in params and len(res) == len(params):
            got = res[params.index(key)]
        else:
            fits = [v for v in res if np.shape(v) == tuple(shape)]
            if not fits:
                raise CheckError("bad-return", "%s returned a tuple of %d values and none has the shape %s of %s" % (name, len(res), tuple(shape), wrt), got=describe(res, np), fn="gradient")
            got = fits[0]
    if got is None:
        raise CheckError("bad-return", "%s returned None: is a return statement missing?" % name, got="None", fn="gradient")
    try:
        arr = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        raise CheckError("bad-return", "%s returned %s, not numbers" % (name, describe(got, np)), got=describe(got, np), fn="gradient")
    return dict(values=[float(v) for v in np.ravel(arr)], shape=list(arr.shape))


def main():
    request = json.loads(sys.stdin.read())
    out = sys.stdout
    # The learner's print()s must not mix with our JSON: keep them aside.
    sys.stdout = io.StringIO()
    try:
        result = run(request)
    except CheckError as e:
        result = dict(ok=False, error=e.info)
    except RecursionError as e:
        result = dict(ok=False, error=dict(kind="exception", message="RecursionError: %s" % e))
    except BaseException as e:  # noqa: B902 - report anything rather than die silently
        result = dict(ok=False, error=dict(kind="internal", message="%s: %s" % (type(e).__name__, e), detail=traceback.format_exc()))
    printed = sys.stdout.getvalue()
    sys.stdout = out
    result["stdout"] = printed[-2000:]
    out.write(MARK + json.dumps(encode(result), allow_nan=False) + "\n")
    out.flush()


if __name__ == "__main__":
    main()
