"""Gradient Lab's answer channel, and the loading of the learner's file, shared by gradcheck_harness.py,
gradcheck_inside.py and (the answer channel) media/exercises/check_exercise.py: each reads one JSON
request on stdin and answers with one line, its MARK, the run's secret nonce and JSON, on a pipe of
ours (fd 3) -- or, when a wrapper such as `conda run` did not pass the pipe on, on the stdout it had
before the learner's code ran. The learner's code cannot forge the frame (it does not know the nonce).
"""
import math
import os
import stat
import threading
import time
import traceback

# The process that started us (the extension host, the CLI, or a wrapper such as `conda run`).
PARENT = os.getppid()


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


def failure(e, own):
    """The result for what run() raised: our own error (`own`) with its info, a RecursionError, or an
    internal error with the traceback. Called in the except block, so the traceback is the one caught."""
    if isinstance(e, own):
        return dict(ok=False, error=e.info)
    if isinstance(e, RecursionError):
        return dict(ok=False, error=dict(kind="exception", message="RecursionError: %s" % e))
    message = "%s: %s" % (type(e).__name__, e)
    # Bounded: an exception's text can be megabytes (the answer is one line the extension reads whole).
    return dict(ok=False, error=dict(kind="internal", message=message[:2000], detail=traceback.format_exc()[-8000:]))


def compiled(file, source):
    """The learner's file compiled from `source` (the editor's text), or from the disk when that is None:
    (source, code). A SyntaxError is the caller's to report."""
    if source is None:
        with open(file, encoding="utf-8") as fh:
            source = fh.read()
    return source, compile(source, file, "exec", dont_inherit=True)


def open_answer(spec, mark):
    """Our own descriptor to answer on (the runner's pipe, else stdout as it is now) and the frame
    that starts the answer: `mark`, the nonce and a space."""
    spec = spec if isinstance(spec, dict) else {}
    fd = None
    want = spec.get("fd")
    if isinstance(want, int) and want > 2:
        try:
            if stat.S_ISFIFO(os.fstat(want).st_mode):
                fd = os.dup(want)  # not inheritable: the learner's subprocesses never get it
                os.close(want)
        except OSError:
            fd = None
    if fd is None:
        fd = os.dup(1)
    return fd, (mark + str(spec.get("nonce", "")) + " ").encode("ascii")


def write_all(fd, data):
    while data:
        data = data[os.write(fd, data):]


def watch_parent(limit_ms=None):
    """Ends this interpreter (learner's code and all) when the process that started it is gone -- the
    extension host or the CLI killed outright, which could not end our process group -- or, as a
    backstop, `limit_ms` plus 5 s after now. A daemon thread: it never holds up a normal exit."""
    deadline = time.monotonic() + limit_ms / 1000.0 + 5.0 if isinstance(limit_ms, (int, float)) else None

    def run():
        while True:
            time.sleep(0.5)
            if os.getppid() != PARENT or (deadline is not None and time.monotonic() > deadline):
                try:
                    os.killpg(0, 9)  # our process group: the learner's subprocesses, and us
                except Exception:
                    pass
                os._exit(3)

    threading.Thread(target=run, name="gradient-lab-watch", daemon=True).start()
