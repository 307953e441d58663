"""Runs Gradient Lab's exercise value checks against a learner's Python file.

Reads one JSON request on stdin: {"file": path, "source": text or null, "checks": [...], "answer": {"nonce", "fd"}} (see
src/tutorial/exerciseSpec.ts), imports the file, calls the learner's functions with the book's
inputs, and writes one JSON object, on a line that starts with MARK and the run's secret nonce, on
the answer pipe (fd 3; stdout when a wrapper did not pass it on): {"outcomes": [...]} or {"fatal": {...}}. It
reports raw values only; the extension compares them with the book's numbers and writes the hints. (The exercise's gradient
check runs in the gradient checker's own harness, media/python/gradcheck_harness.py.) Whatever the learner's
code prints goes to stderr, and the extension reads only the line framed with the nonce, so output
that escapes the redirection (sys.__stdout__, an atexit print) can neither corrupt nor imitate it.
"""
import contextlib
import importlib.util
import json
import types
import math
import os
import sys
import traceback

# The answer channel beside the gradient check harness (media/python); sys.path as it was after.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "python"))
from gradient_lab_answer import open_answer, watch_parent, write_all  # noqa: E402
del sys.path[0]

MARK = "\x1eEXERCISE "


REQUEST = json.loads(sys.stdin.read())
watch_parent()
ANSWER_FD, FRAME = open_answer(REQUEST.pop("answer", None), MARK)


def write_answer(_out, answer):
    write_all(ANSWER_FD, FRAME + json.dumps(answer).encode("utf-8") + b"\n")


try:
    import numpy as np
except ImportError:  # reported to the learner with the interpreter's path
    fatal = {"type": "numpyMissing", "message": sys.executable, "version": sys.version.split()[0]}
    write_answer(sys.stdout, {"fatal": fatal})
    sys.exit(0)

TODO = "TODO"


def function_1(x):
    return 0.01 * x ** 2 + 0.1 * x


def function_2(x):
    return np.sum(x ** 2)


def cube(x):
    return x ** 3


BOOK_FUNCTIONS = {"function_1": function_1, "function_2": function_2, "cube": cube}


def build_arg(a):
    if isinstance(a, dict) and "array" in a:
        return np.array(a["array"], dtype=np.float64)
    if isinstance(a, dict) and "fn" in a:
        return BOOK_FUNCTIONS[a["fn"]]
    return a if isinstance(a, int) else float(a)  # step_num must stay an int for range()


def to_json(v):
    """numpy values and nested lists as JSON; nan/inf as strings (JSON has no such numbers)."""
    if v is None:
        return None
    if isinstance(v, (bool, np.bool_)):
        return float(v)
    try:
        arr = np.asarray(v, dtype=np.float64)
    except (TypeError, ValueError):
        return repr(v)[:200]
    def clean(x):
        if isinstance(x, list):
            return [clean(e) for e in x]
        if math.isnan(x):
            return "nan"
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        return x
    return clean(arr.tolist())


def learner_line(tb, path):
    """The last line of the traceback that is in the learner's file."""
    line = None
    for frame in traceback.extract_tb(tb):
        if os.path.abspath(frame.filename) == path:
            line = frame.lineno
    return line


def error_outcome(cid, exc, path):
    if isinstance(exc, NotImplementedError) and str(exc).startswith(TODO):
        return {"id": cid, "status": "todo", "name": todo_name(exc)}
    return {"id": cid, "status": "error", "error": {"type": type(exc).__name__, "message": str(exc)[:500], "line": learner_line(exc.__traceback__, path)}}


def todo_name(exc):
    frames = traceback.extract_tb(exc.__traceback__)
    return frames[-1].name if frames else None


def run_value(module, check, names, path):
    fn = getattr(module, names[check["exercise"]], None)
    if not callable(fn):
        return {"id": check["id"], "status": "missing", "name": names[check["exercise"]]}
    args = [build_arg(a) for a in check["args"]]
    watched = check.get("restores")
    before = to_json(args[watched]) if watched is not None else None
    value = fn(*args)
    out = {"id": check["id"], "status": "ok", "value": to_json(value)}
    if watched is not None:
        out["inputBefore"] = before
        out["inputAfter"] = to_json(args[watched])
    return out


def main():
    request = REQUEST
    path = os.path.abspath(request["file"])
    names = request["names"]
    # Imports next to the exercise (the book's common/ folder) resolve as in a terminal there.
    sys.path.insert(0, os.path.dirname(path))
    answer = sys.stdout
    with contextlib.redirect_stdout(sys.stderr):
        try:
            if request.get("source") is not None:
                # The editor's text, saved or not: compiled under the file's name (tracebacks keep
                # its lines), never written to disk.
                module = types.ModuleType("gradient_lab_exercise")
                module.__file__ = path
                exec(compile(request["source"], path, "exec", dont_inherit=True), module.__dict__)
            else:
                spec = importlib.util.spec_from_file_location("gradient_lab_exercise", path)
                module = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(module)
        except SyntaxError as exc:
            write_answer(answer, {"fatal": {"type": "SyntaxError", "message": exc.msg, "line": exc.lineno}})
            return
        except BaseException as exc:  # noqa: B902 — a learner's module can raise anything at import
            write_answer(answer, {"fatal": {"type": type(exc).__name__, "message": str(exc)[:500], "line": learner_line(exc.__traceback__, path)}})
            return
        outcomes = []
        with np.errstate(all="ignore"):
            for check in request["checks"]:
                try:
                    outcomes.append(run_value(module, check, names, path))
                except BaseException as exc:  # noqa: B902 — sys.exit() or KeyboardInterrupt in a function fails its check
                    outcomes.append(error_outcome(check["id"], exc, path))
    write_answer(answer, {"outcomes": outcomes})


if __name__ == "__main__":
    main()
