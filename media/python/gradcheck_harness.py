"""Gradient Lab's gradient check harness: runs a learner's loss (and hand-written gradient) in
their own Python, float64, and returns the raw evaluations as JSON. Comparison and diagnosis
happen in the extension (src/gradcheck), so Python and JavaScript are judged the same way.

Protocol: one JSON request on stdin, with an "answer" channel: a per-run secret nonce and the
descriptor of a pipe of ours (3). The result is one line, MARK + nonce + " " + JSON, on that
pipe -- or, when a wrapper such as `conda run` did not pass it on, on the stdout we had before the
learner's code ran. Whatever the learner's code prints (print, atexit handlers, os.write(1, ...))
is output, never the answer. Progress ("phase") lines go to stderr so a timeout can say what was running. The
learner's file is compiled from the request's source (the editor's text, saved or not) and
nothing is written next to it (no __pycache__).
"""
import copy
import io
import json
import math
import os
import random
import re
import sys
import time
import traceback
import types

sys.dont_write_bytecode = True
# The answer channel beside this file (sys.path[0] is not this folder under PYTHONSAFEPATH); sys.path as it was after.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gradient_lab_answer import compiled, encode, failure, open_answer, watch_parent, write_all  # noqa: E402
del sys.path[0]

STARTED_AT = time.time() * 1000.0
MARK = "\x1eGRADCHECK "
# Where the time of a check goes (scripts/bench-check-latency.mjs): epoch ms and durations in ms.
TIMINGS = dict(startedAt=STARTED_AT)


class CheckError(Exception):
    """A problem the learner can act on, reported as {'kind', 'message', ...}."""

    def __init__(self, kind, message, **extra):
        Exception.__init__(self, message)
        self.info = dict(kind=kind, message=message, **extra)


ERR = sys.stderr  # phases go to the stderr we started with, whatever the learner does with sys.stderr


def phase(name):
    try:
        ERR.write("\x1ePHASE " + name + "\n")
        ERR.flush()
    except Exception:
        pass  # closed by the learner's code: the phase is only progress, the check goes on


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


MESSAGE_CAP = 2000


def clipped(e):
    """An exception's text, at most MESSAGE_CAP characters (a message of megabytes is output, not an answer)."""
    text = str(e)
    return text if len(text) <= MESSAGE_CAP else text[:MESSAGE_CAP] + " [… %d more characters]" % (len(text) - MESSAGE_CAP)


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
    info = dict(message="%s: %s" % (type(e).__name__, clipped(e)), exception=type(e).__name__, fn=fn)
    if where is not None:
        info.update(file=os.path.abspath(where.filename), line=where.lineno, source=(where.line or "").strip(), function=where.name)
    info["trace"] = [dict(file=os.path.abspath(f.filename), line=f.lineno, function=f.name, source=(f.line or "").strip()) for f in own][-8:]
    return CheckError("exception", info.pop("message"), **info)


def package_of(folder):
    """The dotted package a folder is part of (folders with __init__.py), and the folder above it."""
    parts = []
    while os.path.isfile(os.path.join(folder, "__init__.py")):
        parts.insert(0, os.path.basename(folder))
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return ".".join(parts), folder


def import_roots(file, workspace):
    """The file's folder, its parents up to the workspace root, and the workspace root itself:
    what a learner's project expects to import from (the book's `from common.functions import`)."""
    folder = os.path.dirname(os.path.abspath(file))
    roots = [folder]
    top = os.path.abspath(workspace) if workspace else None
    if top and not (folder + os.sep).startswith(top.rstrip(os.sep) + os.sep):
        top = None
    cur = folder
    for _ in range(12):
        parent = os.path.dirname(cur)
        if parent == cur:
            break
        if top is None:
            # Without a workspace: up to a project's root marker, at most three levels.
            if len(roots) > 3 or any(os.path.exists(os.path.join(cur, m)) for m in (".git", "pyproject.toml", "setup.py")):
                break
        elif not (parent + os.sep).startswith(top.rstrip(os.sep) + os.sep) and parent != top:
            break
        roots.append(parent)
        cur = parent
    if top and top not in roots:
        roots.append(top)
    return roots


def load_module(file, source, workspace=None):
    phase("load")
    t0 = time.perf_counter()
    try:
        return _load_module(file, source, workspace)
    finally:
        TIMINGS["loadMs"] = (time.perf_counter() - t0) * 1000.0


def _load_module(file, source, workspace=None):
    try:
        source, code = compiled(file, source)
    except SyntaxError as e:
        raise CheckError("syntax", "%s: %s" % (type(e).__name__, e.msg), file=file, line=e.lineno, column=e.offset, source=(e.text or "").strip())
    # Their imports resolve from their folder first (Python put ours, media/python, first on the
    # path), then from the parents up to the workspace root, as when they run it from there.
    folder = os.path.dirname(os.path.abspath(file))
    roots = import_roots(file, workspace)
    sys.path[0:1] = [folder]
    for r in roots[1:]:
        if r not in sys.path:
            sys.path.append(r)
    package, above = package_of(folder)
    stem = os.path.splitext(os.path.basename(file))[0]
    name = "__gradcheck_user__"
    if package:
        # Part of a package: run it as package.module so `from .lossfn import LossFn` works.
        if above not in sys.path:
            sys.path.insert(1, above)
        try:
            __import__(package)
        except BaseException as e:  # noqa: B902 - sys.exit(), KeyboardInterrupt: still their code
            raise user_exception(e, file, "load")
        name = package + "." + stem if stem != "__init__" else package
    module = types.ModuleType(name)
    module.__file__ = file
    if package:
        module.__package__ = package if stem != "__init__" else package
        module.__path__ = [folder] if stem == "__init__" else module.__dict__.get("__path__", None)
        if module.__path__ is None:
            del module.__path__
    sys.modules[module.__name__] = module
    try:
        exec(code, module.__dict__)
    except SystemExit as e:
        err = user_exception(e, file, "load")
        err.info["message"] = "your file calls exit() while it is loaded: move that code under if __name__ == '__main__':"
        raise err
    except BaseException as e:  # noqa: B902 - a KeyboardInterrupt raised by their file is theirs too
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


def make_instance(cls, file, init, np):
    """The class built from the inputs' "__init__" values (generated sizes and weights, or the
    learner's), its own defaults for the rest; bare (no __init__) only when values are missing."""
    import inspect

    try:
        sig = inspect.signature(cls)
        needed = [p.name for p in sig.parameters.values() if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        known = set(sig.parameters)
    except (TypeError, ValueError):
        needed, known = [], set()
    kwargs = {k: (list(v) if is_size_list(k, v) else convert_value(k, v, np)) for k, v in (init or {}).items() if k in known}
    if any(n not in kwargs for n in needed):
        # __init__ needs arguments we do not have: build the object bare and let the inputs
        # ("self.W": ...) supply its attributes.
        return cls.__new__(cls)
    try:
        return cls(**kwargs)
    except BaseException as e:  # noqa: B902 - sys.exit(), KeyboardInterrupt: still their code
        raise user_exception(e, file, "init")


def is_size_list(name, v):
    """Layer sizes for a constructor (the book's MultiLayerNet(hidden_size_list=[5]), CS231n's
    FullyConnectedNet(hidden_dims=[5])): a Python list, as the learner passes it. An array would turn
    [input_size] + hidden_size_list + [output_size] into an element-wise sum."""
    return (isinstance(v, list) and re.search(r"list|dims|sizes|layers", name, re.I) is not None
            and all(isinstance(e, int) and not isinstance(e, bool) for e in v))


def convert_value(name, v, np):
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, (int, float)):
        return int(v) if float(v).is_integer() and not isinstance(v, float) else float(v)
    if isinstance(v, list):
        a = np.array(v)
        if a.dtype == object:
            raise CheckError("bad-input", "input %s is not a rectangular array of numbers" % name, arg=name)
        return a.astype(np.int64) if a.dtype.kind in "iu" else a.astype(np.float64)
    if isinstance(v, dict):
        return {k: convert_value(k, x, np) for k, x in v.items()}
    return v


# ---- paths: W, self.W, self.params['W1'], net.params["b2"], params['W1'] ----------------------

PATH_RE = re.compile(r"""^\s*([A-Za-z_]\w*)((?:\s*\.\s*[A-Za-z_]\w*|\s*\[\s*(?:'[^']*'|"[^"]*"|-?\d+)\s*\])*)\s*$""")
STEP_RE = re.compile(r"""\.\s*([A-Za-z_]\w*)|\[\s*(?:'([^']*)'|"([^"]*)"|(-?\d+))\s*\]""")


def parse_path(text):
    m = PATH_RE.match(text)
    if not m:
        raise CheckError("bad-input", "%s is not a name or a path like self.W or self.params['W1']" % text, arg=text)
    steps = []
    for s in STEP_RE.finditer(m.group(2)):
        if s.group(1) is not None:
            steps.append(("attr", s.group(1)))
        elif s.group(4) is not None:
            steps.append(("item", int(s.group(4))))
        else:
            steps.append(("item", s.group(2) if s.group(2) is not None else s.group(3)))
    return m.group(1), steps


def path_text(root, steps):
    out = root
    for kind, k in steps:
        out += "." + k if kind == "attr" else "[%s]" % ((repr(k) if isinstance(k, str) else k),)
    return out


def get_step(obj, step):
    kind, k = step
    return getattr(obj, k) if kind == "attr" else obj[k]


def set_step(obj, step, v):
    kind, k = step
    if kind == "attr":
        setattr(obj, k, v)
    else:
        obj[k] = v


def get_path(obj, steps):
    for s in steps:
        obj = get_step(obj, s)
    return obj


GRAD_PREFIXES = ("dloss_d", "dcost_d", "dj_d", "dl_d", "grad_", "grad", "d_", "d")
GRAD_SUFFIXES = ("_gradient", "_grad", "grad")


def key_matches(name, key):
    """2: the same name; 1: a usual spelling of its gradient (dW, dw, dj_dw, grad_W, W_grad, ...)."""
    if not isinstance(name, str):
        return 0
    if name == key:
        return 2
    n, k = name.lower(), key.lower()
    if n == k:
        return 1
    for p in GRAD_PREFIXES:
        if n == p + k:
            return 1
    for s in GRAD_SUFFIXES:
        if n == k + s:
            return 1
    return 0


def is_number(v, np):
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))


def is_scalar_like(v, np):
    return is_number(v, np) or (isinstance(v, np.ndarray) and v.size == 1 and v.dtype.kind in "iuf")


class Context(object):
    """The learner's loaded code and the check's inputs: builds calls with one value perturbed."""

    def __init__(self, req, module, np):
        self.req, self.np, self.module = req, np, module
        self.file = req["file"]
        self.params = req["params"]
        self.loss_ref = req["loss"]
        inputs = dict(req["inputs"])
        self.init = inputs.pop("__init__", None) if isinstance(inputs.get("__init__"), dict) else None
        self.instance = None
        if self.loss_ref.get("className"):
            cls = find(module, dict(name=self.loss_ref["className"]), "class")
            self.instance = make_instance(cls, self.file, self.init, np)
        self.loss_fn = getattr(self.instance, self.loss_ref["name"]) if self.instance is not None else find(module, self.loss_ref, "function")
        if not callable(self.loss_fn):
            raise CheckError("not-found", "%s is not a function" % self.loss_ref["name"], what="function")
        self.defaults = defaults_of(self.loss_fn)
        self.base = {}
        # Values for names the loss does not take (an output argument of the gradient: deltas).
        self.extra = {}
        paths = {}
        for k, v in inputs.items():
            root, steps = parse_path(k)
            if not steps and root in self.params:
                self.base[k] = convert_value(k, v, np)
            elif not steps and root != "self":
                self.extra[k] = convert_value(k, v, np)
            else:
                paths[k] = (root, steps, v)
        missing = [p for p in self.params if p not in self.base and p not in self.defaults]
        if missing:
            raise CheckError("bad-input", "no value for %s: give every parameter a value in the inputs" % ", ".join(missing), arg=missing[0])
        # Paths into the instance (self.W, self.params['W1']) or into an argument (params['W1']).
        for k, (root, steps, v) in paths.items():
            value = convert_value(k, v, np)
            if root in self.params and root != "self":
                holder = self.base.get(root)
                if holder is None:
                    raise CheckError("bad-input", "input %s is inside %s, which has no value" % (k, root), arg=k)
                self.write(holder, steps, value, k)
            elif self.instance is not None:
                self.write(self.instance, steps, value, k)
            else:
                raise CheckError("bad-input", "input %s is for a method, but %s is a plain function" % (k, self.loss_ref["name"]), arg=k)

    def write(self, holder, steps, value, label):
        np = self.np
        try:
            parent = get_path(holder, steps[:-1])
            try:
                cur = get_step(parent, steps[-1])
            except (AttributeError, KeyError, IndexError, TypeError):
                cur = None
            if isinstance(cur, np.ndarray) and isinstance(value, np.ndarray) and cur.shape == value.shape and cur.dtype.kind == "f":
                # In place: the book's layers hold the same array (Affine(self.params['W1'], ...)).
                cur[...] = value
            else:
                set_step(parent, steps[-1], value)
        except (AttributeError, KeyError, IndexError, TypeError) as e:
            raise CheckError("bad-input", "cannot set %s: %s" % (label, e), arg=label)

    def args(self):
        """Fresh copies of the inputs: positional while every parameter has a value, then by name."""
        pos, kw = [], {}
        for p in self.params:
            if p not in self.base:
                continue
            v = copy.deepcopy(self.base[p])
            if kw or len(pos) < self.params.index(p):
                kw[p] = v
            else:
                pos.append(v)
        return pos, kw


def defaults_of(fn):
    import inspect

    try:
        return {p.name for p in inspect.signature(fn).parameters.values() if p.default is not p.empty}
    except (TypeError, ValueError):
        return set()


class Target(object):
    """The input differentiated: a parameter, a path inside one, or a path inside the instance."""

    def __init__(self, ctx, text):
        np = ctx.np
        self.ctx, self.text = ctx, text
        root, steps = parse_path(text)
        self.steps = steps
        self.int_dtype = None
        if not steps and root in ctx.params:
            self.kind = "arg"
            if root not in ctx.base:
                raise CheckError("bad-input", "%s has no value: give it one in the inputs" % text, arg=text)
            value = ctx.base[root]
        elif root in ctx.params and root != "self":
            self.kind = "arg-path"
            try:
                value = get_path(ctx.base[root], steps)
            except (AttributeError, KeyError, IndexError, TypeError):
                raise CheckError("bad-input", "%s is not set: give it in the inputs" % text, arg=text)
        else:
            if ctx.instance is None:
                raise CheckError("bad-input", "%s is not an input of %s" % (text, ctx.loss_ref["name"]), arg=text)
            if not steps:
                raise CheckError("bad-input", "%s is not an input of %s" % (text, ctx.loss_ref["name"]), arg=text)
            self.kind = "self"
            try:
                value = get_path(ctx.instance, steps)
            except (AttributeError, KeyError, IndexError, TypeError):
                raise CheckError("bad-input", "%s is not set: give it in the inputs or assign it in __init__" % text, arg=text)
        self.root = root
        self.raw = value
        # An integer array the learner's code made (self.W = np.array([[1, 2], ...])), not one
        # of the inputs (JSON cannot tell 3 from 3.0).
        given = set(path_text(*parse_path(k)) for k in ctx.req["inputs"])
        if self.kind == "self" and isinstance(value, np.ndarray) and value.dtype.kind in "iu" and path_text(root, steps) not in given:
            self.int_dtype = str(value.dtype)
        if self.kind == "self" and isinstance(value, np.ndarray) and value.dtype.kind != "f":
            # x + h must not be rounded back: check on a float64 copy (and say so).
            ctx.write(ctx.instance, steps, value.astype(np.float64), text)
        self.container = isinstance(value, dict) or (
            isinstance(value, (list, tuple)) and len(value) > 0 and all(isinstance(v, np.ndarray) for v in value))
        if self.container:
            return
        try:
            self.x0 = np.array(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise CheckError("bad-input", "%s is %s, not numbers" % (text, describe(value, np)), arg=text)
        self.leaf = str(steps[-1][1]) if steps else root

    def groups(self):
        """For a dict of parameters (self.params): one target per numeric entry."""
        value = self.raw
        keys = list(value.keys()) if isinstance(value, dict) else list(range(len(value)))
        out = []
        unnamed = []
        for k in keys:
            v = value[k]
            if isinstance(v, self.ctx.np.ndarray) or is_number(v, self.ctx.np):
                # A path names an entry by a string or a number: self.params['W1'], grads[0].
                if isinstance(k, (str, int)) and not isinstance(k, bool):
                    out.append(path_text(self.root, self.steps + [("item", k)]))
                else:
                    unnamed.append(k)
        if unnamed and not out:
            raise CheckError("bad-input", "the keys of %s (%s) cannot be written in a path, which names an entry by a string or a number (self.params['W1']): give its arrays string keys to check them" % (self.text, ", ".join(repr(k) for k in unnamed[:3])), arg=self.text)
        return out

    def value(self, xw):
        return xw if self.x0.ndim else float(xw)

    def call_args(self, xw):
        """Arguments for one call with this input at xw (and the instance set to it)."""
        ctx = self.ctx
        pos, kw = ctx.args()
        if self.kind == "self":
            ctx.write(ctx.instance, self.steps, self.value(xw), self.text)
            return pos, kw
        names = [p for p in ctx.params if p in ctx.base]
        where = names.index(self.root)
        holder = pos[where] if where < len(pos) else kw[self.root]
        if self.kind == "arg":
            if where < len(pos):
                pos[where] = self.value(xw)
            else:
                kw[self.root] = self.value(xw)
        else:
            ctx.write(holder, self.steps, self.value(xw), self.text)
        return pos, kw

    def current(self, pos, kw):
        """The input's value as the call left it (to see whether the call changed it)."""
        if self.kind == "self":
            return get_path(self.ctx.instance, self.steps)
        names = [p for p in self.ctx.params if p in self.ctx.base]
        where = names.index(self.root)
        holder = pos[where] if where < len(pos) else kw[self.root]
        return holder if self.kind == "arg" else get_path(holder, self.steps)


def pick_gradient(res, who, target, req, np, names=None):
    """The part of what a gradient returned that belongs to the checked input."""
    key = target.leaf
    chosen = req.get("gradKey")
    if res is None:
        raise CheckError("bad-return", "%s returned None: is a return statement missing?" % who, got="None", fn="gradient")
    entries = None
    if isinstance(res, dict):
        entries = list(res.items())
    elif isinstance(res, (tuple, list)) and len(res) > 1:
        numbers = all(is_number(v, np) for v in res)
        # A tuple of numbers is the gradient of a vector (function_2: (2·x0, 2·x1)) unless the
        # input is one number or the count differs: then it is one gradient per parameter.
        if not numbers or target.x0.ndim == 0 or len(res) != target.x0.size or (names and len(names) == len(res) and any(key_matches(n, key) for n in names)):
            labels = list(names) if names and len(names) == len(res) else ["[%d]" % i for i in range(len(res))]
            entries = list(zip(labels, res))
    if entries is not None:
        got, label = choose_entry(entries, key, chosen, target, req, np, who, isinstance(res, dict))
    else:
        got, label = res, None
    if got is None:
        raise CheckError("bad-return", "%s returned None: is a return statement missing?" % who, got="None", fn="gradient")
    try:
        complex_got = np.iscomplexobj(got)
    except Exception:
        complex_got = False
    if complex_got:
        # float64 would drop the imaginary part without a word (and a gradient that has one is wrong).
        imag = float(np.max(np.abs(np.imag(np.asarray(got))), initial=0.0))
        if imag != 0.0:
            raise CheckError("bad-return", "%s returned complex numbers (imaginary parts up to %.3g): the gradient of a real loss is real -- look for 1j or a complex dtype" % (who, imag), got=describe(got, np), fn="gradient")
        got = np.real(np.asarray(got))
    try:
        arr = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        raise CheckError("bad-return", "%s returned %s, not numbers" % (who, describe(got, np)), got=describe(got, np), fn="gradient")
    size = int(np.size(target.x0))
    if arr.size != size and arr.size > max(100000, 4 * size):
        # Far more numbers than the input has: said now, not sent as an answer of megabytes.
        raise CheckError("bad-return", "%s returned %s but %s has shape %s" % (who, describe(arr, np), target.text, tuple(np.shape(target.x0))), got=describe(arr, np), fn="gradient")
    return dict(values=[float(v) for v in np.ravel(arr)], shape=list(arr.shape)), label


def choose_entry(entries, key, chosen, target, req, np, who, is_dict):
    labels = [str(k) for k, _ in entries]
    if chosen is not None:
        for k, v in entries:
            if str(k) == chosen:
                return v, str(k)
        raise CheckError("bad-return", "%s has no %s (it has %s)" % (who, chosen, ", ".join(labels)), got=", ".join(labels), fn="gradient")
    scores = [key_matches(k, key) for k, _ in entries]
    best = max(scores)
    if best > 0:
        hits = [e for e, s in zip(entries, scores) if s == best]
        if len(hits) == 1:
            return hits[0][1], str(hits[0][0])
    if len(entries) == 1:
        return entries[0][1], str(entries[0][0])
    shape = tuple(target.x0.shape)
    fits = [(k, v) for k, v in entries if np.shape(v) == shape]
    if len(fits) == 1 and best == 0:
        return fits[0][1], str(fits[0][0])
    if best == 0 and not is_dict:
        # A tuple without names we can read: parameters in order (w, b), when the count fits.
        order = req.get("gradientOrder") or []
        if key in order and len(order) == len(entries):
            k, v = entries[order.index(key)]
            return v, str(k)
    if not fits and best == 0:
        raise CheckError("bad-return", "%s returned %d values and none has the shape %s of %s" % (who, len(entries), shape, target.text), got=", ".join(labels), fn="gradient")
    raise CheckError("ambiguous", "%s returned several gradients that could be the one of %s: %s" % (who, target.text, ", ".join(labels)),
                     choices=[str(k) for k, _ in (fits or entries)], fn="gradient")


LOSS_KEYS = ("loss", "cost", "j", "l", "total_loss", "data_loss", "value", "f")
GRAD_KEYS = ("grad", "grads", "gradient", "gradients", "dw", "dW")


def split_return(out, who, np, names=None):
    """A loss returns a number, (loss, grad), (loss, grads dict), (loss, dj_dw, dj_db) or
    {loss|cost: ..., grad|grads: ...}: the loss and what came with it (None for a bare number)."""
    if isinstance(out, dict):
        lk = next((k for k in out if isinstance(k, str) and k.lower() in LOSS_KEYS), None)
        if lk is None or not is_scalar_like(out[lk], np):
            return out, None
        rest = [(k, v) for k, v in out.items() if k != lk]
        if len(rest) == 1 and isinstance(rest[0][0], str) and rest[0][0].lower() in ("grad", "grads", "gradient", "gradients"):
            return out[lk], (rest[0][1], None)
        return out[lk], (dict(rest), None) if rest else None
    if isinstance(out, (tuple, list)) and len(out) >= 2 and is_scalar_like(out[0], np):
        rest = list(out[1:])
        # A list of numbers is a loss per example (not a scalar): that is not a (loss, grad) pair.
        if isinstance(out, list) and all(is_number(v, np) for v in rest):
            return out, None
        rest_names = names[1:] if names and len(names) == len(out) else None
        if len(rest) == 1:
            return out[0], (rest[0], rest_names)
        return out[0], (tuple(rest), rest_names)
    return out, None


def scalar(v, who, np):
    if isinstance(v, (bool, np.bool_)):
        raise CheckError("not-scalar", "%s returned %s; a loss must be one number" % (who, describe(v, np)), got=describe(v, np))
    if isinstance(v, (int, float, np.integer, np.floating)):
        return float(v)
    if isinstance(v, np.ndarray) and v.size == 1 and v.dtype.kind in "iuf":
        return float(v.reshape(()))
    if isinstance(v, (complex, np.complexfloating)) or (isinstance(v, np.ndarray) and v.size == 1 and v.dtype.kind == "c"):
        c = complex(v.reshape(()) if isinstance(v, np.ndarray) else v)
        if c.imag == 0:
            return float(c.real)
        raise CheckError("not-scalar", "%s returned the complex number %r; a loss is a real number -- look for 1j, a complex dtype, or np.emath (np.emath.sqrt or np.emath.log of a negative number)" % (who, c), got="a complex number")
    raise CheckError("not-scalar", "%s returned %s; a loss must be one number" % (who, describe(v, np)), got=describe(v, np))


def elementwise_at(out, x0, call_loss, np):
    """A function of one number given an array (the book's function_1(x) = 0.01x² + 0.1x): it gave an
    array shaped like x whose every element is what the function gives for that element alone. Then
    the first element, where the check is made again; else None (softmax, a loss without np.sum)."""
    if not (isinstance(out, np.ndarray) and out.shape == x0.shape and x0.size > 1 and out.dtype.kind in "iuf"):
        return None
    try:
        for i in range(min(int(x0.size), 4)):
            one, _, _ = call_loss(float(x0.flat[i]))
            if not is_scalar_like(one, np) or not np.isclose(float(np.asarray(one, dtype=np.float64).reshape(())), float(out.flat[i]), rtol=1e-9, atol=1e-12):
                return None
    except BaseException:  # noqa: B902 - their function refused one number: not element-wise after all
        return None
    return float(x0.flat[0])


def changed_arrays(before, after, np):
    if isinstance(before, np.ndarray) and before.ndim == 0 and is_number(after, np):
        return not (float(after) == float(before) or (math.isnan(float(after)) and math.isnan(float(before))))
    if isinstance(before, np.ndarray):
        return not (isinstance(after, np.ndarray) and after.shape == before.shape and np.array_equal(after, before, equal_nan=before.dtype.kind == "f"))
    if isinstance(before, dict) and isinstance(after, dict):
        return any(k in after and changed_arrays(v, after[k], np) for k, v in before.items())
    return False


def run(req):
    phase("numpy")
    t0 = time.perf_counter()
    try:
        import numpy as np
    except ImportError as e:
        raise CheckError("no-numpy", "numpy cannot be imported: %s" % e, python=sys.executable, version=sys.version.split()[0])
    TIMINGS["numpyMs"] = TIMINGS.get("numpyMs", 0.0) + (time.perf_counter() - t0) * 1000.0
    np.random.seed(req.get("seed", 0))
    import random

    random.seed(req.get("seed", 0))

    file = req["file"]
    module = load_module(file, req.get("source"), req.get("workspace"))
    phase("check")
    t0 = time.time()
    state = dict(evaluations=0)
    ctx = Context(req, module, np)
    first = Target(ctx, req["wrt"])

    def with_variants(path):
        out = check_one(ctx, Target(ctx, path), req, np, state)
        out["variants"] = []
        for v in req.get("variants") or []:
            # The same check with some inputs changed (reg = 0 beside reg ≠ 0).
            saved = dict(ctx.base)
            for k, val in v["inputs"].items():
                if k in ctx.base:
                    ctx.base[k] = convert_value(k, val, np)
            try:
                out["variants"].append(dict(check_one(ctx, Target(ctx, path), req, np, state, light=True), label=v.get("label", ""), inputs=v["inputs"]))
            except CheckError as e:
                out["variants"].append(dict(label=v.get("label", ""), inputs=v["inputs"], error=e.info))
            ctx.base = saved
        return out

    if first.container:
        groups = first.groups()
        if not groups:
            raise CheckError("bad-input", "%s holds no arrays of numbers to differentiate" % req["wrt"], arg=req["wrt"])
        results = [dict(with_variants(g), wrt=g) for g in groups]
        main = dict(results[0])
        main["groups"] = results
    else:
        main = with_variants(req["wrt"])
        # The first look at the input converted an integer array to float64: say what it was.
        main["intInput"] = first.int_dtype or main.get("intInput")
    TIMINGS["checkMs"] = (time.time() - t0) * 1000.0
    TIMINGS["sweepMs"] = state.get("sweepMs", 0.0)
    main["softmaxRows"] = batch_softmax_probe(module, file, req.get("workspace"), np)
    main.update(
        ok=True,
        evaluations=state["evaluations"],
        elapsedMs=(time.time() - t0) * 1000.0,
        runtime="Python %s, numpy %s" % (sys.version.split()[0], np.__version__),
        # The interpreter itself, so a check started through a pyenv shim can skip the shim next time.
        executable=sys.executable,
    )
    return main


SOFTMAX_PROBE = [[1.0, 2.0, 3.0], [1.0, 2.0, 5.0]]


def batch_softmax_probe(module, file, workspace, np):
    """The learner's own functions named softmax (in their file and the modules it imported from their folders),
    each called on a batch of 2 rows: chapter 3's 1-D softmax (one np.sum over every element) then gives rows that
    add up to less than 1 each and to 1 together. Those are listed {name, file, line, rowSums}."""
    roots = [os.path.abspath(r) + os.sep for r in import_roots(file, workspace)]
    ours = os.path.dirname(os.path.abspath(__file__)) + os.sep
    seen, found = set(), []
    holders = [module] + [m for m in list(sys.modules.values()) if m is not module]
    for m in holders:
        where = os.path.abspath(getattr(m, "__file__", None) or "") if getattr(m, "__file__", None) else ""
        installed = os.sep + "site-packages" + os.sep in where or os.sep + "dist-packages" + os.sep in where
        if m is not module and (not where or installed or where.startswith(ours) or not any(where.startswith(r) for r in roots)):
            continue
        fn = getattr(m, "__dict__", {}).get("softmax")
        if not isinstance(fn, types.FunctionType) or id(fn) in seen:
            continue
        seen.add(id(fn))
        try:
            y = np.asarray(fn(np.array(SOFTMAX_PROBE, dtype=np.float64)), dtype=np.float64)
            if y.shape != (2, 3) or not np.all(np.isfinite(y)):
                continue
            rows = [float(v) for v in y.sum(axis=1)]
        except BaseException:  # noqa: B902 - their code; the check itself has its answer already
            continue
        if abs(sum(rows) - 1.0) < 1e-9 and all(abs(r - 1.0) > 1e-6 for r in rows):
            code = fn.__code__
            found.append(dict(name=(fn.__module__ or "") + "." + fn.__name__ if m is not module else fn.__name__,
                              file=code.co_filename, line=code.co_firstlineno, rowSums=rows))
    return found


def check_one(ctx, target, req, np, state, light=False):
    file = ctx.file
    h = float(req["h"])
    loss_name = ctx.loss_ref["name"] + "()"
    layer = req.get("layer")
    x0 = target.x0
    shape = list(x0.shape)
    dout_holder = dict(value=None, info=None)
    grad_ref = req.get("gradient")
    use_returned = req.get("useReturned", True)
    loss_names = req.get("lossReturnNames")
    elementwise_ok = bool(grad_ref) and grad_ref.get("style") == "args"

    def reduce(out):
        """A layer's (or an element-wise function's) array output → one number: Σ out·dout."""
        if dout_holder["value"] is None:
            arr = np.asarray(out, dtype=np.float64)
            if arr.size == 1:
                dout_holder["value"] = np.ones_like(arr)
                dout_holder["info"] = dict(kind="one", shape=list(arr.shape))
            else:
                rng = np.random.RandomState(int(req.get("seed", 0)) + 7)
                dout_holder["value"] = np.round(rng.randn(*arr.shape), 4)
                dout_holder["info"] = dict(kind="random", shape=list(arr.shape), seed=int(req.get("seed", 0)) + 7)
        return float(np.sum(np.asarray(out, dtype=np.float64) * dout_holder["value"]))

    def call_loss(xw):
        state["evaluations"] += 1
        pos, kw = target.call_args(xw)
        if layer:
            # A layer's forward that draws from numpy's (or Python's) random state, the book's
            # Dropout (np.random.rand(*x.shape) > ratio), draws the same mask at every evaluation,
            # as CS231n's dropout_forward seeds numpy with dropout_param['seed']; backward then uses it.
            np.random.seed(int(req.get("seed", 0)))
            random.seed(int(req.get("seed", 0)))
        try:
            out = ctx.loss_fn(*pos, **kw)
        except CheckError:
            raise
        except BaseException as e:  # noqa: B902 - sys.exit(), KeyboardInterrupt: still their code
            raise user_exception(e, file, "loss")
        return out, pos, kw

    def value_of(out):
        if layer == "cache":
            # CS231n: affine_forward(x, w, b) returns (out, cache); the cache is for backward.
            out = out[0] if isinstance(out, tuple) and len(out) == 2 else out
            return reduce(out) if isinstance(out, np.ndarray) and out.size > 1 else scalar(out, loss_name, np), None
        f, extra = split_return(out, loss_name, np, loss_names)
        # A layer's forward, or an element-wise function with its derivative (sigmoid / sigmoid_grad).
        if (layer or elementwise_ok) and isinstance(f, np.ndarray) and f.size > 1:
            return reduce(f), extra
        return scalar(f, loss_name, np), extra

    def loss_at(xw):
        out, _, _ = call_loss(xw)
        return value_of(out)[0]

    def restore():
        if target.kind == "self":
            ctx.write(ctx.instance, target.steps, target.value(x0.copy() if x0.ndim else float(x0)), target.text)

    # The first call also tells whether the loss modifies its inputs.
    out, pos, kw = call_loss(x0.copy() if x0.ndim else float(x0))
    names = [p for p in ctx.params if p in ctx.base]
    passed = dict(zip(names, list(pos) + [kw[k] for k in names[len(pos):]]))
    try:
        f0, extra = value_of(out)
    except CheckError as e:
        if e.info.get("kind") == "not-scalar" and req.get("elementwiseProbe") and target.kind == "arg":
            at = elementwise_at(out, x0, call_loss, np)
            if at is not None:
                e.info["elementwise"] = dict(at=at)
        raise
    outputs = set(req.get("outputArgs") or [])
    mutated, filled = [], []
    for k, after in passed.items():
        before = x0 if (k == target.root and target.kind == "arg") else ctx.base[k]
        if changed_arrays(before, after, np):
            (filled if k in outputs else mutated).append(k)
    mutated = [dict(fn="loss", arg=k) for k in mutated]
    if target.kind == "self":
        now = target.current(pos, kw)
        if not np.array_equal(np.asarray(now, dtype=np.float64), x0, equal_nan=True):
            mutated.append(dict(fn="loss", arg=target.text))
    restore()
    f0_again = loss_at(x0.copy() if x0.ndim else float(x0))

    analytic, source, label = None, None, None
    if grad_ref:
        if grad_ref.get("style") == "numerical":
            grad_fn = getattr(ctx.instance, grad_ref["name"]) if (ctx.instance is not None and grad_ref.get("className")) else find(ctx.module, grad_ref, "gradient")
            xg = x0.copy()
            try:
                res = grad_fn(lambda v: loss_at(v), xg)
            except CheckError:
                raise
            except BaseException as e:  # noqa: B902 - sys.exit(), KeyboardInterrupt: still their code
                raise user_exception(e, file, "gradient")
            finally:
                restore()
            if not np.array_equal(xg, x0, equal_nan=True):
                mutated.append(dict(fn="gradient", arg=target.text))
            analytic, label = pick_gradient(res, grad_ref["name"] + "()", target, req, np, req.get("gradReturnNames"))
            source = "function"
        else:
            analytic, source, label, more = run_gradient(ctx, target, req, np, grad_ref, layer, dout_holder, call_loss, x0, passed, outputs)
            mutated += more
    if analytic is None and use_returned and extra is not None:
        analytic, label = pick_gradient(extra[0], loss_name, target, req, np, extra[1])
        if label is None and extra[1] and len(extra[1]) == 1:
            label = extra[1][0]
        source = "returned"
    if analytic is None and use_returned and filled:
        analytic, label = pick_gradient(passed[filled[0]], loss_name, target, req, np)
        source, label = "output-arg", filled[0]
    restore()

    indices = req.get("indices")
    if indices is None or (len(indices) and max(indices) >= x0.size):
        limit = int(req.get("maxElements") or 500)
        if x0.size > limit:
            # A seeded sample, as for a large argument (the same elements every time).
            indices = sorted(int(i) for i in np.random.RandomState(int(req.get("seed", 0)) + 1).choice(int(x0.size), limit, replace=False))
        else:
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
    if analytic is not None and not light:
        few = indices[: int(req.get("stepLimit", 50))]
        for hs in req.get("stepHs", []):
            steps.append(dict(h=hs, plus=[loss_at(shifted(i, hs)) for i in few], minus=[loss_at(shifted(i, -hs)) for i in few]))

    sweep = None
    if indices and not light:
        # The largest slope where both one-sided slopes agree (no kink within h), for the chart.
        def smooth(j):
            right, left = plus[j] - f0, f0 - minus[j]
            return abs(right - left) <= 1e-2 * max(abs(right), abs(left), 1e-300)

        central = [abs(p - m) if math.isfinite(p - m) else -1.0 for p, m in zip(plus, minus)]
        pool = [j for j in range(len(indices)) if smooth(j)] or list(range(len(indices)))
        k = indices[max(pool, key=lambda j: central[j])]
        hs = req.get("sweepHs", [])
        t_sweep = time.perf_counter()
        sweep = dict(index=k, hs=hs, plus=[loss_at(shifted(k, s)) for s in hs], minus=[loss_at(shifted(k, -s)) for s in hs])
        state["sweepMs"] = state.get("sweepMs", 0.0) + (time.perf_counter() - t_sweep) * 1000.0
    restore()

    probes = []
    if not light:
        for probe in req.get("probes") or []:
            try:
                vals = [np.array(probe[p], dtype=np.float64) if isinstance(probe[p], list) else probe[p] for p in ctx.params]
                probes.append(scalar(split_return(ctx.loss_fn(*vals), "probe", np)[0], "probe", np))
            except BaseException:  # noqa: B902
                probes.append(None)

    return dict(
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
        gradientSource=source,
        gradientLabel=label,
        dout=dout_holder["info"],
        intInput=target.int_dtype,
        mutated=mutated,
        probes=probes,
    )


def run_gradient(ctx, target, req, np, grad_ref, layer, dout_holder, call_loss, x0, passed, outputs):
    """The learner's gradient at x0: a function of the loss's inputs, a method (gradient(x, t) →
    dict), a layer's backward(dout) with the gradients it stores (self.dW), or an output argument
    it fills."""
    file = ctx.file
    who = grad_ref["name"] + "()"
    grad_fn = getattr(ctx.instance, grad_ref["name"]) if (ctx.instance is not None and grad_ref.get("className")) else find(ctx.module, grad_ref, "gradient")
    mutated = []
    if layer:
        # forward at x0 (the layer keeps what backward needs), then backward(dout).
        out, _, _ = call_loss(x0.copy() if x0.ndim else float(x0))
        cache = None
        if layer == "cache":
            if not (isinstance(out, tuple) and len(out) == 2):
                raise CheckError("bad-return", "%s returned %s, not (out, cache)" % (ctx.loss_ref["name"] + "()", describe(out, np)), got=describe(out, np), fn="loss")
            out, cache = out
        f, _ = split_return(out, "forward", np)
        if is_scalar_like(f, np):
            dout = 1
            dout_holder["info"] = dict(kind="one", shape=[])
        else:
            if dout_holder["value"] is None:
                arr = np.asarray(f, dtype=np.float64)
                rng = np.random.RandomState(int(req.get("seed", 0)) + 7)
                dout_holder["value"] = np.round(rng.randn(*arr.shape), 4)
                dout_holder["info"] = dict(kind="random", shape=list(arr.shape), seed=int(req.get("seed", 0)) + 7)
            dout = dout_holder["value"].copy()
        try:
            res = grad_fn(dout, cache) if layer == "cache" else grad_fn(dout)
        except BaseException as e:  # noqa: B902 - sys.exit(), KeyboardInterrupt: still their code
            raise user_exception(e, file, "gradient")
        if layer == "cache":
            # (dx, dw, db): the entry of the checked input, by the names in backward's return.
            a, label = pick_gradient(res, who, target, req, np, req.get("gradReturnNames"))
            return a, "backward", label, mutated
        if target.kind == "self":
            # A parameter's gradient is what backward stored: self.dW for self.W.
            leaf = target.leaf
            for name in ("d" + leaf, "d" + leaf.lower(), "grad_" + leaf, leaf + "_grad", "d_" + leaf):
                if hasattr(ctx.instance, name) and getattr(ctx.instance, name) is not None:
                    a, _ = pick_gradient(getattr(ctx.instance, name), who, target, req, np)
                    return a, "stored", "self." + name, mutated
            grads = getattr(ctx.instance, "grads", None)
            if isinstance(grads, dict):
                a, label = pick_gradient(grads, who, target, req, np)
                return a, "stored", "self.grads[%r]" % label, mutated
            raise CheckError("bad-return", "%s did not store a gradient for %s (no self.d%s after backward)" % (who, target.text, leaf), got=describe(res, np), fn="gradient")
        if isinstance(res, (tuple, list)) and len(res) > 1:
            res = res[0]
        a, label = pick_gradient(res, who, target, req, np, req.get("gradReturnNames"))
        return a, "backward", label, mutated
    keys = grad_ref.get("args", ctx.params)
    pos, kw = target.call_args(x0.copy() if x0.ndim else float(x0))
    names = [p for p in ctx.params if p in ctx.base]
    values = dict(zip(names, list(pos) + [kw[k] for k in names[len(pos):]]))
    for k, v in ctx.extra.items():
        values.setdefault(k, copy.deepcopy(v))
    used = [k for k in keys if k in values]
    gargs = [values[k] for k in used]
    gbefore = {k: copy.deepcopy(values[k]) for k in used}
    elementwise = False
    try:
        res = grad_fn(*gargs)
    except BaseException as e:  # noqa: B902 - sys.exit(), KeyboardInterrupt: still their code
        raise user_exception(e, file, "gradient")
    filled = []
    for k, a in zip(used, gargs):
        if changed_arrays(gbefore[k], a, np):
            (filled if k in outputs else mutated).append(k)
    mutated = [dict(fn="gradient", arg=k) for k in mutated]
    if res is None and filled:
        # The gradient written into an output argument (grad_f(x, out) filling out).
        got = dict((k, values[k]) for k in filled)
        a, label = pick_gradient(got if len(filled) > 1 else got[filled[0]], who, target, req, np)
        return a, "output-arg", label or filled[0], mutated
    if dout_holder["value"] is not None and isinstance(res, np.ndarray) and res.shape == dout_holder["value"].shape:
        # An element-wise pair (sigmoid / sigmoid_grad): the slope of Σ f(x)·dout is f'(x)·dout.
        res = res * dout_holder["value"]
        elementwise = True
    a, label = pick_gradient(res, who, target, req, np, req.get("gradReturnNames"))
    return a, ("elementwise" if elementwise else "function"), label, mutated


class Kept(io.TextIOBase):
    """What the learner's code prints through sys.stdout, up to a cap (the last `cap` characters)."""

    def __init__(self, cap):
        io.TextIOBase.__init__(self)
        self.cap = cap
        self.buf = ""
        self.dropped = 0

    def writable(self):
        return True

    def write(self, s):
        s = str(s)
        self.buf += s
        if len(self.buf) > 2 * self.cap:
            self.dropped += len(self.buf) - self.cap
            self.buf = self.buf[-self.cap:]
        return len(s)

    def getvalue(self):
        return self.buf


def warm_up():
    """numpy imported before the request comes: a spare checker (warmPool.ts) waits here, warm."""
    phase("numpy")
    t0 = time.perf_counter()
    try:
        import numpy  # noqa: F401 - imported again (from the cache) by run()
    except Exception:
        pass  # run() imports it again and reports why it cannot
    TIMINGS["numpyMs"] = (time.perf_counter() - t0) * 1000.0
    sys.stderr.write("\x1ePHASE ready " + (sys.executable or "") + "\n")
    sys.stderr.flush()


def main():
    warm_up()
    text = sys.stdin.read()
    TIMINGS["requestAt"] = time.time() * 1000.0
    if not text.strip():
        return  # a spare nobody asked (its extension host is gone): end quietly
    request = json.loads(text)
    watch_parent(request.get("timeoutMs"))
    answer_fd, frame = open_answer(request.pop("answer", None), MARK)
    # A spare may have been started in another folder: run where the learner's file is.
    try:
        os.chdir(os.path.dirname(os.path.abspath(request["file"])))
    except (OSError, KeyError, TypeError):
        pass
    out = sys.stdout
    # The learner's print()s must not mix with our JSON: keep them aside, bounded.
    kept = sys.stdout = Kept(65536)
    try:
        result = run(request)
    except BaseException as e:  # noqa: B902 - report anything rather than die silently
        result = failure(e, CheckError)
    printed = kept.getvalue()
    sys.stdout = out
    result["stdout"] = printed[-2000:]
    if result.get("ok"):
        TIMINGS["answerAt"] = time.time() * 1000.0
        result["timings"] = TIMINGS
    try:
        out.flush()
    except Exception:
        pass
    write_all(answer_fd, frame + json.dumps(encode(result), allow_nan=False).encode("ascii") + b"\n")
    os.close(answer_fd)


if __name__ == "__main__":
    main()
