"""Gradient Lab, inside a gradient check: replays the central differences of one element, or the
learner's own numerical_gradient(f, x) loop as it ran, and traces the shapes and dtypes their
loss binds line by line. Run through the same runner as gradcheck_harness.py (one JSON request
on stdin, the answer framed with the run's nonce on fd 3 or stdout); explanations are made by
the extension (src/gradcheck/inside*.ts) from the raw facts sent here.

Request: {mode: "replay" | "trace", file, source, loss, params, gradient, inputs, wrt, h,
          index, dtype, seed, maxSteps, maxMs}.
Tracing uses sys.settrace, bounded by maxSteps line events and maxMs milliseconds: past either
bound the tracer is removed and the learner's code runs on untraced.
"""
import ast
import copy
import io
import json
import os
import sys
import time
import traceback

sys.dont_write_bytecode = True
# The answer channel beside this file (sys.path[0] is not this folder under PYTHONSAFEPATH); sys.path as it was after.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gradient_lab_answer import compiled, encode, failure, open_answer, watch_parent, write_all  # noqa: E402
del sys.path[0]

MARK = "\x1eGRADCHECK "


class InsideError(Exception):
    def __init__(self, kind, message, **extra):
        Exception.__init__(self, message)
        self.info = dict(kind=kind, message=message, **extra)


def own_error(e, file):
    """The exception at the learner's deepest line."""
    frames = [f for f in traceback.extract_tb(e.__traceback__) if os.path.abspath(f.filename) == file]
    info = dict(exception=type(e).__name__)
    if frames:
        f = frames[-1]
        info.update(line=f.lineno, source=(f.line or "").strip(), function=f.name)
    return InsideError("exception", "%s: %s" % (type(e).__name__, e), **info)


def load(file, source):
    try:
        source, code = compiled(file, source)
    except SyntaxError as e:
        raise InsideError("syntax", "%s: %s" % (type(e).__name__, e.msg), line=e.lineno)
    sys.path[0:1] = [os.path.dirname(file)]
    import types

    module = types.ModuleType("__gradcheck_user__")
    module.__file__ = file
    sys.modules[module.__name__] = module
    out = sys.stdout
    try:
        exec(code, module.__dict__)
    except SystemExit:
        raise InsideError("exception", "your file calls exit() while it is loaded", fn="load")
    except Exception as e:
        raise own_error(e, file)
    finally:
        sys.stdout = out
    return module, source


def lookup(module, ref):
    holder = module
    if ref.get("className"):
        holder = getattr(module, ref["className"], None)
        if holder is None:
            raise InsideError("not-found", "class %s is not defined" % ref["className"])
    fn = getattr(holder, ref["name"], None)
    if fn is None or not callable(fn):
        raise InsideError("not-found", "%s is not defined at the top level of the file" % ref["name"])
    return fn


# ---- values as the learner reads them ---------------------------------------------------------


def describe(v, np):
    """(shape, dtype, scalar value or None) of what a line bound, or None for what is not data."""
    if isinstance(v, np.ndarray):
        return list(v.shape), str(v.dtype), (v.item() if v.ndim == 0 else None)
    if isinstance(v, np.generic):
        return [], str(v.dtype), (v.item() if isinstance(v.item(), (int, float, bool)) else None)
    if isinstance(v, bool):
        return [], "bool", v
    if isinstance(v, int):
        return [], "int", v
    if isinstance(v, float):
        return [], "float", v
    if isinstance(v, (list, tuple)) and len(v) <= 10000:
        try:
            a = np.asarray(v)
        except Exception:
            return [len(v)], type(v).__name__, None
        if a.dtype != object:
            few = len(v) <= 4 and all(isinstance(e, (int, float)) for e in v)
            return list(a.shape), type(v).__name__, (list(v) if few else None)
        return [len(v)], type(v).__name__, None
    return None


def number(v):
    if isinstance(v, bool):
        return v
    if isinstance(v, int) or (hasattr(v, "dtype") and getattr(v.dtype, "kind", "") in "iu"):
        return int(v)
    try:
        return float(v)
    except Exception:
        return None


# ---- the inputs, as the check makes them --------------------------------------------------------


def setup(req, np):
    module, source = load(req["file"], req.get("source"))
    loss_ref = req["loss"]
    instance = None
    if loss_ref.get("className"):
        cls = lookup(module, dict(name=loss_ref["className"]))
        try:
            instance = cls.__new__(cls)
            cls.__init__(instance)
        except TypeError:
            instance = cls.__new__(cls)
        except Exception as e:
            raise own_error(e, req["file"])
    loss_fn = getattr(instance, loss_ref["name"]) if instance is not None else lookup(module, loss_ref)
    wrt = req["wrt"]
    dtype = np.int64 if req.get("dtype") == "int64" else np.float64

    def convert(name, v):
        if isinstance(v, bool) or v is None:
            return v
        if name == wrt:
            return np.array(v, dtype=dtype) if isinstance(v, list) else (int(v) if dtype is np.int64 else float(v))
        if isinstance(v, (int, float)):
            return int(v) if float(v).is_integer() else float(v)
        if isinstance(v, list):
            a = np.array(v)
            if a.dtype == object:
                raise InsideError("bad-input", "input %s is not a rectangular array of numbers" % name)
            return a.astype(np.int64) if a.dtype.kind in "iu" else a.astype(np.float64)
        return v

    base = {k: convert(k, v) for k, v in req["inputs"].items()}
    for k, v in base.items():
        if k.startswith("self.") and instance is not None:
            setattr(instance, k[5:], v)
    if wrt.startswith("self."):
        if instance is None or not hasattr(instance, wrt[5:]):
            raise InsideError("bad-input", "%s is not set" % wrt)
        x0 = np.array(getattr(instance, wrt[5:]), dtype=dtype)
    elif wrt in base:
        x0 = np.array(base[wrt], dtype=dtype)
    else:
        raise InsideError("bad-input", "%s is not an input of %s" % (wrt, loss_ref["name"]))
    params = req["params"]
    missing = [p for p in params if p not in base]
    if missing:
        raise InsideError("bad-input", "no value for %s" % ", ".join(missing))

    def call(xw):
        """f(x) with x (the very object) in wrt's place and fresh copies of the other inputs."""
        if wrt.startswith("self."):
            setattr(instance, wrt[5:], xw)
        args = [xw if k == wrt else copy.deepcopy(base[k]) for k in params]
        return loss_fn(*args)

    return dict(module=module, source=source, instance=instance, loss_fn=loss_fn, base=base, x0=x0, call=call)


def scalar(v):
    try:
        return float(v)
    except Exception:
        return None


# ---- the lambda question: does f read its argument, and which array does it read? ----------------


def function_node(source, ref):
    tree = ast.parse(source)
    scopes = [tree.body]
    if ref.get("className"):
        scopes = [n.body for n in tree.body if isinstance(n, ast.ClassDef) and n.name == ref["className"]]
    for body in scopes:
        for n in body:
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == ref["name"]:
                return n, [a.arg for a in n.args.args]
            if isinstance(n, ast.Assign) and isinstance(n.value, ast.Lambda):
                if any(isinstance(t, ast.Name) and t.id == ref["name"] for t in n.targets):
                    return n.value, [a.arg for a in n.value.args.args]
    return None, []


def reads_name(node, name):
    body = node.body if isinstance(node.body, list) else [node.body]
    return any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)
               for b in body for n in ast.walk(b))


def global_names(node):
    body = node.body if isinstance(node.body, list) else [node.body]
    seen = []
    for b in body:
        for n in ast.walk(b):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id not in seen:
                seen.append(n.id)
    return seen


def module_call_arg(tree, fn_name, source):
    """numerical_gradient(f, EXPR) at the top level of their file: the expression text of EXPR."""
    for n in ast.walk(tree):
        if isinstance(n, ast.Call) and len(n.args) >= 2:
            callee = n.func.attr if isinstance(n.func, ast.Attribute) else getattr(n.func, "id", "")
            if "gradient" in callee and isinstance(n.args[0], ast.Name) and n.args[0].id == fn_name:
                seg = getattr(ast, "get_source_segment", None)
                return seg(source, n.args[1]) if seg else None
    return None


def arrays_read(module, names, np):
    """Arrays the function can reach through the globals it names: g, g.attr, g.params['k']."""
    found = []
    for name in names:
        g = module.__dict__.get(name)
        if isinstance(g, np.ndarray) and g.dtype.kind == "f":
            found.append((name, g))
        attrs = getattr(g, "__dict__", None)
        if not isinstance(attrs, dict) or isinstance(g, type) or type(g).__name__ == "module":
            continue
        for a, v in attrs.items():
            if isinstance(v, np.ndarray) and v.dtype.kind == "f":
                found.append(("%s.%s" % (name, a), v))
            elif isinstance(v, dict):
                for k, w in v.items():
                    if isinstance(w, np.ndarray) and w.dtype.kind == "f":
                        found.append(("%s.%s[%r]" % (name, a, k), w))
    return found


def identity_question(req, s, np):
    """When the loss never reads the argument it is differentiated by: the array it reads
    instead, whether the x perturbed is that very object, and the gradient both ways."""
    ref = req["loss"]
    node, args = function_node(s["source"], ref)
    wrt = req["wrt"]
    if node is None or wrt.startswith("self.") or wrt not in args or reads_name(node, wrt):
        return None
    module = s["module"]
    f_source = s["source"]
    tree = ast.parse(f_source)
    passed = module_call_arg(tree, ref["name"], f_source)
    candidates = arrays_read(module, global_names(node), np)
    target_name, target = None, None
    passed_obj = None
    if passed:
        try:
            passed_obj = eval(compile(passed, s["module"].__file__, "eval"), module.__dict__)
        except Exception:
            passed_obj = None
    # The array f depends on: the one whose perturbation changes f (the file's own argument first).
    f0 = scalar(s["loss_fn"](*[s["base"][k] if k != wrt else s["x0"] for k in req["params"]]))
    h = float(req["h"])

    def sensitive(a):
        if a.size == 0:
            return False
        old = a.flat[0]
        try:
            for k in range(min(a.size, 8)):
                old = a.flat[k]
                a.flat[k] = old + 1e-3
                try:
                    v = scalar(s["loss_fn"](*[s["base"][p] if p != wrt else s["x0"] for p in req["params"]]))
                finally:
                    a.flat[k] = old
                if v is not None and v != f0:
                    return True
        except Exception:
            return False
        return False

    ordered = candidates
    if isinstance(passed_obj, np.ndarray):
        ordered = sorted(candidates, key=lambda c: 0 if c[1] is passed_obj or (c[1].shape == passed_obj.shape) else 1)
    for name, arr in ordered:
        if sensitive(arr):
            target_name, target = name, arr
            break
    info = dict(param=wrt, ignoresArgument=True, reads=target_name, passed=passed)
    if target is None:
        info.update(shared=False, gradient=[0.0] * int(s["x0"].size), sharedGradient=None, shape=list(s["x0"].shape))
        return info

    def gradient_on(x):
        g = np.zeros(x.shape)
        for i in range(x.size):
            old = x.flat[i]
            x.flat[i] = old + h
            fp = scalar(s["call"](x))
            x.flat[i] = old - h
            fm = scalar(s["call"](x))
            x.flat[i] = old
            g.flat[i] = (fp - fm) / (2 * h)
        return g

    shared = passed_obj is target
    x_copy = target.copy()
    info.update(
        shared=shared,
        source="file" if passed else "check",
        shape=list(target.shape),
        values=[float(v) for v in target.ravel()],
        sameObject=shared,
        idX="0x%x" % id(passed_obj if passed_obj is not None else x_copy),
        idTarget="0x%x" % id(target),
        sharedGradient=[float(v) for v in gradient_on(target).ravel()],
        copiedGradient=[float(v) for v in gradient_on(x_copy).ravel()],
    )
    return info


# ---- replay -------------------------------------------------------------------------------------


def position_of(i, shape, np):
    return [int(v) for v in np.unravel_index(i, shape)] if shape else []


def element_name(name, pos):
    return "%s[%s]" % (name, ", ".join(map(str, pos))) if pos else name


def central_replay(req, s, x, index, np):
    """What central differences do on one element, in place, as numerical_gradient does."""
    h = float(req["h"])
    shape = list(x.shape)
    pos = position_of(index, shape, np)
    el = element_name(req["wrt"].replace("self.", ""), pos)
    steps = []
    tmp = x.flat[index].item()
    steps.append(dict(key="value", label=el, values=[float(tmp)]))
    x.flat[index] = tmp + h
    steps.append(dict(key="plus", label="%s + h" % el, values=[float(x.flat[index])], intended=float(tmp) + h, h=h))
    fp = scalar(s["call"](x))
    steps.append(dict(key="fplus", label="f(x + h)", values=[fp]))
    x.flat[index] = tmp - h
    steps.append(dict(key="minus", label="%s − h" % el, values=[float(x.flat[index])], intended=float(tmp) - h, h=h))
    fm = scalar(s["call"](x))
    steps.append(dict(key="fminus", label="f(x − h)", values=[fm]))
    slope = (fp - fm) / (2 * h) if fp is not None and fm is not None else None
    difference = (fp - fm) if slope is not None else None
    steps.append(dict(key="slope", label="(f(x + h) − f(x − h)) / 2h", values=[slope], difference=difference, h=h))
    x.flat[index] = tmp
    steps.append(dict(key="restore", label="%s = %s (restored)" % (el, tmp), values=[float(x.flat[index])]))
    return steps


SAFE_CALLS = {"float", "int", "abs"}


def safe_expr(node):
    """An expression with no calls but float()/int(): evaluating it again has no side effects."""
    for n in ast.walk(node):
        allowed = isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in SAFE_CALLS and not n.keywords
        if isinstance(n, ast.Call) and not allowed:
            return False
        if isinstance(n, (ast.Lambda, ast.Await, ast.Yield, ast.YieldFrom)) or type(n).__name__ == "NamedExpr":
            return False
    return True


def slice_of(t):
    """The index expression of a subscript (Python 3.8 wraps it in ast.Index)."""
    index = getattr(ast, "Index", None)
    return t.slice.value if index is not None and isinstance(t.slice, index) else t.slice


def line_assignments(source, lines):
    """line -> [(target node, value node or None)] for the simple assignments on each line."""
    out = {}
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return out, set()
    loops = set()
    for n in ast.walk(tree):
        if isinstance(n, (ast.For, ast.While)):
            loops.add(n.lineno)
        if isinstance(n, ast.Assign):
            for t in n.targets:
                out.setdefault(n.lineno, []).append((t, n.value))
        elif isinstance(n, (ast.AugAssign, ast.AnnAssign)) and getattr(n, "value", None) is not None:
            out.setdefault(n.lineno, []).append((n.target, None))
        elif isinstance(n, ast.For):
            out.setdefault(n.lineno, []).append((n.target, None))
    return out, loops


class LoopTracer:
    """Traces the learner's numerical_gradient (and helpers in their file it calls), not the
    loss it evaluates: after each line, what it assigned (x[idx] read back from x, with the value
    the right-hand side meant when that differs) and the elements of x it changed."""

    def __init__(self, file, source, x, np, max_steps, max_ms):
        self.file, self.x, self.np = file, x, np
        self.lines = source.split("\n")
        self.assign, self.loops = line_assignments(source, self.lines)
        self.max_steps, self.deadline = max_steps, time.time() + max_ms / 1000.0
        self.in_f = 0
        self.steps = []
        self.count = 0
        self.stopped = None
        self.frames = {}
        self.start = x.copy()

    def flat_in_x(self, arr, index):
        """The flat index in x of arr[index], when arr is x or a C-contiguous view of it."""
        np = self.np
        try:
            idx = index if isinstance(index, tuple) else (index,)
            local = int(np.ravel_multi_index(tuple(int(i) for i in idx), arr.shape))
            if arr is self.x:
                return local
            if arr.base is self.x and arr.flags.c_contiguous and self.x.flags.c_contiguous:
                return (arr.ctypes.data - self.x.ctypes.data) // self.x.itemsize + local
        except Exception:
            return None
        return None

    def targets(self, frame, line):
        np = self.np
        out = []
        env = frame.f_locals
        for target, value in self.assign.get(line, []):
            names = [target] if not isinstance(target, ast.Tuple) else list(target.elts)
            for t in names:
                if isinstance(t, ast.Name) and t.id in env:
                    v = env[t.id]
                    d = describe(v, np)
                    if d is None:
                        continue
                    item = dict(name=t.id, dtype=d[1])
                    if d[2] is not None:
                        value = d[2]
                        if isinstance(value, list):
                            value = [int(e) if isinstance(e, (int, np.integer)) else e for e in value]
                        item["value"] = value
                    else:
                        item["shape"] = d[0]
                    if isinstance(v, tuple):
                        whole = all(isinstance(e, (int, np.integer)) for e in v)
                        item["value"] = [int(e) for e in v] if whole else None
                    out.append(item)
                elif isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and safe_expr(slice_of(t)):
                    base = env.get(t.value.id)
                    if not isinstance(base, np.ndarray):
                        continue
                    try:
                        index = eval(compile(ast.Expression(slice_of(t)), self.file, "eval"), frame.f_globals, dict(env))
                        got = base[index]
                    except Exception:
                        continue
                    if not isinstance(got, (np.generic, int, float)):
                        continue
                    idx = index if isinstance(index, tuple) else (index,)
                    whole = all(isinstance(i, (int, np.integer)) for i in idx)
                    label = "%s[%s]" % (t.value.id, ", ".join(str(int(i)) for i in idx)) if whole else t.value.id + "[…]"
                    item = dict(name=label, value=number(got), dtype=str(base.dtype))
                    flat = self.flat_in_x(base, index)
                    if flat is not None:
                        item["element"] = flat
                    if value is not None and safe_expr(value):
                        try:
                            meant = eval(compile(ast.Expression(value), self.file, "eval"), frame.f_globals, dict(env))
                            meant = float(meant)
                            if meant != number(got):
                                item["intended"] = meant
                        except Exception:
                            pass
                        absorbed = self.absorbed(value, frame, env)
                        if absorbed:
                            item["absorbed"] = absorbed
                    out.append(item)
        return out

    def absorbed(self, value, frame, env):
        """a + b (or a - b) with b != 0 that came out equal to a: b was lost to rounding."""
        if not isinstance(value, ast.BinOp) or not isinstance(value.op, (ast.Add, ast.Sub)):
            return None
        try:
            a, b = (float(eval(compile(ast.Expression(n), self.file, "eval"), frame.f_globals, dict(env)))
                    for n in (value.left, value.right))
        except Exception:
            return None
        result = a + b if isinstance(value.op, ast.Add) else a - b
        if b == 0 or result != a:
            return None
        return dict(left=a, right=b, op="+" if isinstance(value.op, ast.Add) else "-")

    def record(self, frame, line, event, arg=None):
        np = self.np
        before_x = self.frames.get(id(frame), self.start)
        now_x = self.x.copy()
        written = np.flatnonzero(~((before_x == now_x) | ((before_x != before_x) & (now_x != now_x))))
        xw = [dict(index=int(i), value=number(now_x.flat[i]), before=number(before_x.flat[i])) for i in written[:4]]
        self.frames[id(frame)] = now_x
        step = dict(line=line, source=self.lines[line - 1].strip() if 0 < line <= len(self.lines) else "",
                    function=frame.f_code.co_name, values=self.targets(frame, line) if event == "line" else [], x=xw)
        if line in self.loops:
            step["loop"] = True
        if event == "exception":
            step["error"] = "%s: %s" % (arg[0].__name__, arg[1])
        if event == "return":
            d = describe(arg, np)
            step["returned"] = dict(shape=d[0], dtype=d[1]) if d else None
        self.steps.append(step)
        self.count += 1
        if self.count >= self.max_steps:
            self.stopped = "steps"
        elif time.time() > self.deadline:
            self.stopped = "time"

    def local(self, frame, event, arg):
        if self.stopped:
            return None
        key = ("line", id(frame))
        if event == "line":
            prev = self.frames.get(key)
            if prev is not None:
                self.record(frame, prev, "line")
            else:
                self.frames[id(frame)] = self.x.copy()
            self.frames[key] = frame.f_lineno
        elif event == "exception":
            self.record(frame, frame.f_lineno, "exception", arg)
            self.frames[key] = None
            self.frames[("raised", id(frame))] = True
        elif event == "return":
            if self.frames.pop(("raised", id(frame)), None):
                return None
            prev = self.frames.get(key)
            self.record(frame, prev or frame.f_lineno, "return", arg)
            self.frames.pop(key, None)
        return self.local

    def call(self, frame, event, arg):
        if self.stopped or self.in_f or event != "call":
            return None
        if os.path.abspath(frame.f_code.co_filename) != self.file:
            return None
        return self.local


def iterations(steps):
    """The loop's iterations: each starts at a loop header; its element is the first element of
    x its lines assign to (x[idx] = ...), read or not."""
    out = []
    cur = None
    for k, st in enumerate(steps):
        if st.get("loop"):
            cur = dict(start=k, end=k + 1, element=None, function=st["function"])
            out.append(cur)
            continue
        if cur is None:
            continue
        if st.get("returned", 0) != 0 and st["function"] == cur["function"]:
            cur = None
            continue
        cur["end"] = k + 1
        if cur["element"] is None:
            for v in st["values"]:
                if "element" in v:
                    cur["element"] = v["element"]
                    break
            else:
                if st["x"]:
                    cur["element"] = st["x"][0]["index"]
    # A header hit that only ends the loop (no lines after it) is not an iteration.
    return [it for it in out if it["end"] - it["start"] > 1]


def learner_replay(req, s, x, index, np):
    """Run their numerical_gradient(f, x) under the line tracer; f sees x itself. Steps kept:
    before the loop, the iterations that worked on element `index` (or, when none did, the
    last), and after the loop."""
    grad_ref = req["gradient"]
    method = s["instance"] is not None and grad_ref.get("className")
    grad_fn = getattr(s["instance"], grad_ref["name"]) if method else lookup(s["module"], grad_ref)
    tracer = LoopTracer(req["file"], s["source"], x, np, int(req.get("maxSteps", 4000)), float(req.get("maxMs", 3000)))
    calls = []

    def f(v):
        tracer.in_f += 1
        try:
            out = s["call"](v)
        finally:
            tracer.in_f -= 1
        calls.append(scalar(out))
        return out

    start = x.copy()
    error = None
    returned = None
    sys.settrace(tracer.call)
    try:
        returned = grad_fn(f, x)
    except Exception as e:
        error = own_error(e, req["file"]).info
    finally:
        sys.settrace(None)
    grad = None
    if returned is not None:
        try:
            arr = np.asarray(returned, dtype=np.float64)
            dtype = str(np.asarray(returned).dtype)
            grad = dict(values=[float(v) for v in arr.ravel()], shape=list(arr.shape), dtype=dtype)
        except Exception:
            grad = None
    after = x.copy()
    unrestored = [dict(index=int(i), before=number(start.flat[i]), after=number(after.flat[i]))
                  for i in np.flatnonzero(start != after)[:16]]
    its = iterations(tracer.steps)
    mine = [it for it in its if it["element"] == index]
    shown = mine[:2] or its[-1:]
    first = its[0]["start"] if its else len(tracer.steps)
    last = its[-1]["end"] if its else len(tracer.steps)
    steps = tracer.steps[:first]
    for it in shown:
        steps += [dict(st, iteration=its.index(it)) for st in tracer.steps[it["start"]:it["end"]]]
    steps += tracer.steps[last:]
    return dict(steps=steps, visited=[it["element"] for it in its], iterations=len(its), calls=len(calls), error=error,
                gradient=grad, unrestored=unrestored, stopped=tracer.stopped, dtype=str(x.dtype), found=bool(mine),
                start=[number(v) for v in start.ravel()], fValues=calls[:2 * 64])


def replay(req, s, np):
    x0 = s["x0"]
    ident = identity_question(req, s, np)
    index = req.get("index")
    size = int(x0.size) if isinstance(x0, np.ndarray) else 1
    out = dict(mode="central", identity=ident)
    h = float(req["h"])
    x = np.array(x0, copy=True)
    if x.ndim == 0:
        x = x.reshape(1)
    if ident and ident.get("reads") and ident.get("shared"):
        # Their file perturbs the array f reads: replay on that very object (restored after).
        target = eval(compile(ident["passed"], s["module"].__file__, "eval"), s["module"].__dict__)
        x = target
        size = int(x.size)
    elif ident and ident.get("reads"):
        # A copy is perturbed (theirs or the check's): replay on a copy of what f reads.
        x = eval(compile(ident["reads"], s["module"].__file__, "eval"), s["module"].__dict__).copy()
        size = int(x.size)
    if index is None or not (0 <= int(index) < size):
        index = 0
    index = int(index)
    position = position_of(index, list(x.shape), np)
    out.update(index=index, position=position, shape=list(x.shape), h=h, dtype=str(x.dtype))
    keep = x.copy()
    grad_ref = req.get("gradient")
    if grad_ref and grad_ref.get("style") == "numerical":
        out["mode"] = "learner"
        out["learner"] = learner_replay(req, s, x, index, np)
        if not (ident and ident.get("shared")):
            x = keep.copy()
        else:
            x[...] = keep
    out["steps"] = central_replay(req, s, x, index, np)
    if x.dtype.kind != "f":
        ref = central_replay(req, s, x.astype(np.float64), index, np)
        out["reference"] = ref[5]["values"][0]
    else:
        out["reference"] = out["steps"][5]["values"][0]
    if ident and ident.get("shared"):
        x[...] = keep
    return out


# ---- shape trace ----------------------------------------------------------------------------------


class TraceLimit(Exception):
    """Raised into the learner's frame when the trace reaches its bound: their code stops there."""


class ShapeTracer:
    """Every name a line of the learner's file binds (or rebinds to a new object), with its
    shape and dtype; each function's arguments at its def line and its result at the return."""

    def __init__(self, file, np, max_steps, max_ms):
        self.file, self.np = file, np
        self.max_steps, self.deadline = max_steps, time.time() + max_ms / 1000.0
        self.entries = []
        self.facts = []
        self.count = 0
        self.stopped = None
        self.seen = {}
        self.last = {}
        self.args = {}

    def add(self, line, name, v, function):
        d = describe(v, self.np)
        if d is None:
            return
        shape, dtype, value = d
        key = (line, name, tuple(shape), dtype)
        if key in self.seen:
            self.seen[key]["count"] += 1
            return
        e = dict(line=line, name=name, shape=shape, dtype=dtype, function=function, count=1)
        if value is not None and not isinstance(value, list):
            e["value"] = float(value) if not isinstance(value, bool) else value
        self.seen[key] = e
        self.entries.append(e)

    def bindings(self, frame):
        return {k: v for k, v in frame.f_locals.items() if not k.startswith("__")}

    def local(self, frame, event, arg):
        if self.stopped:
            return None
        fid = id(frame)
        name = frame.f_code.co_name
        if event in ("line", "return", "exception"):
            prev_line, prev = self.last.get(fid, (None, {}))
            now = self.bindings(frame)
            if prev_line is not None:
                for k, v in now.items():
                    if k not in prev or prev[k] is not v:
                        self.add(prev_line, k, v, name)
            self.last[fid] = (frame.f_lineno, now)
            self.count += 1
            if self.count >= self.max_steps:
                self.stopped = "steps"
            elif time.time() > self.deadline:
                self.stopped = "time"
            if self.stopped:
                raise TraceLimit()
        if event == "return":
            self.add(frame.f_lineno, "return", arg, name)
            self.softmax_fact(frame, arg)
            self.last.pop(fid, None)
        return self.local

    def softmax_fact(self, frame, result):
        """A softmax that normalised a whole batch as one vector (rows do not sum to 1)."""
        np = self.np
        if "softmax" not in frame.f_code.co_name.lower() or not isinstance(result, np.ndarray) or result.ndim != 2:
            return
        total = float(np.sum(result))
        rows = np.sum(result, axis=1)
        if result.shape[0] > 1 and abs(total - 1) < 1e-6 and not np.allclose(rows, 1):
            first = frame.f_code.co_firstlineno
            self.facts.append(dict(kind="softmax-batch", line=first, function=frame.f_code.co_name, shape=list(result.shape),
                                   rowSums=[float(r) for r in rows[:4]], total=total))

    def call(self, frame, event, arg):
        if self.stopped or event != "call" or os.path.abspath(frame.f_code.co_filename) != self.file:
            return None
        line = frame.f_code.co_firstlineno
        now = self.bindings(frame)
        for k, v in now.items():
            self.add(line, k, v, frame.f_code.co_name)
        self.last[id(frame)] = (None, now)
        return self.local


def shape_trace(req, s, np):
    tracer = ShapeTracer(req["file"], np, int(req.get("maxSteps", 2000)), float(req.get("maxMs", 2000)))
    x = s["x0"].copy() if s["x0"].ndim else s["x0"].item()
    error = None
    value = None
    sys.settrace(tracer.call)
    try:
        value = s["call"](x)
    except TraceLimit:
        value = None
    except Exception as e:
        if isinstance(e.__context__, TraceLimit) or tracer.stopped:
            value = None
        else:
            error = own_error(e, req["file"]).info
    finally:
        sys.settrace(None)
    entries = sorted(tracer.entries, key=lambda e: e["line"])
    for e in entries:
        e.pop("count", None) if e.get("count") == 1 else None
    return dict(entries=entries, facts=tracer.facts, error=error, stopped=tracer.stopped, lines=tracer.count,
                loss=describe(value, np)[:2] if describe(value, np) else None)


def run(req):
    try:
        import numpy as np
    except ImportError as e:
        raise InsideError("no-numpy", "numpy cannot be imported: %s" % e)
    np.random.seed(req.get("seed", 0))
    import random

    random.seed(req.get("seed", 0))
    req["file"] = os.path.abspath(req["file"])
    s = setup(req, np)
    t0 = time.time()
    if req.get("mode") == "trace":
        result = dict(ok=True, trace=shape_trace(req, s, np))
    else:
        result = dict(ok=True, replay=replay(req, s, np))
    result["elapsedMs"] = (time.time() - t0) * 1000.0
    result["runtime"] = "Python %s, numpy %s" % (sys.version.split()[0], np.__version__)
    return result


class Discard(io.TextIOBase):
    def write(self, s):
        return len(s)


def main():
    req = json.loads(sys.stdin.read())
    watch_parent(req.get("timeoutMs"))
    answer_fd, frame = open_answer(req.pop("answer", None), MARK)
    out = sys.stdout
    sys.stdout = Discard()  # the learner's print()s: counted, not kept
    try:
        result = run(req)
    except BaseException as e:  # noqa: B902 - report anything rather than die silently
        result = failure(e, InsideError)
    sys.settrace(None)
    sys.stdout = out
    data = frame + json.dumps(encode(result), allow_nan=False, default=lambda o: str(o)).encode("ascii") + b"\n"
    write_all(answer_fd, data)
    os.close(answer_fd)


if __name__ == "__main__":
    main()
