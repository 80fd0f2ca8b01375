"""Ctrl-C in a long call: a KeyboardInterrupt after the stretch in progress, whole stretches
written before it and nothing after."""

import subprocess
import sys
import textwrap

import pytest

CHILD = textwrap.dedent("""
    import os, signal, threading, time
    import numpy as np, wce_c
    from wce_c import _kernels
    stretch = _kernels.STRETCH_ELEMENTS
    threads = int(os.environ["THREADS"])
    n = 8 * stretch + 12345
    x = np.linspace(-30.0, 30.0, n, dtype=np.float32)
    z = (np.arange(n) % 2).astype(np.float32)
    out = np.full(n, np.nan, np.float32)

    def interrupt_once_started():
        # the kernels release the GIL, so this thread sees the first results appear
        while np.isnan(out[0]):
            time.sleep(0.0005)
        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=interrupt_once_started, daemon=True).start()
    try:
        wce_c.loss(z, x, 2.0, out=out, n_threads=threads)
        print("finished")
    except KeyboardInterrupt:
        written = int(np.count_nonzero(~np.isnan(out)))
        prefix = bool(np.all(~np.isnan(out[:written])))
        print("interrupted", written, prefix, stretch, n)
""")

# A sum writes nothing to watch: the signal is sent a quarter of the way through a call
# timed beforehand, and the KeyboardInterrupt must come well before the call could end.
SUM_CHILD = textwrap.dedent("""
    import os, signal, threading, time
    import numpy as np, wce_c
    from wce_c import _kernels
    n = 8 * _kernels.STRETCH_ELEMENTS
    x = np.linspace(-30.0, 30.0, n)
    z = (np.arange(n) % 2).astype(np.float64)
    t0 = time.perf_counter()
    wce_c.loss(z, x, 2.0, reduction="sum", n_threads=1)
    full = time.perf_counter() - t0
    threading.Timer(full / 4, os.kill, (os.getpid(), signal.SIGINT)).start()
    t0 = time.perf_counter()
    try:
        wce_c.loss(z, x, 2.0, reduction="sum", n_threads=1)
        print("finished")
    except KeyboardInterrupt:
        print("interrupted", (time.perf_counter() - t0) / full)
""")


@pytest.mark.parametrize("threads", [1, 2])
def test_ctrl_c_stops_a_long_call_after_whole_stretches(threads):
    env = {"THREADS": str(threads), "PATH": ""}
    done = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True,
                          text=True, timeout=120)
    words = done.stdout.split()
    assert words and words[0] == "interrupted", done.stdout + done.stderr
    written, prefix, stretch, n = int(words[1]), words[2] == "True", int(words[3]), int(words[4])
    assert prefix and 0 < written < n and written % stretch == 0


def test_ctrl_c_stops_a_long_sum():
    done = subprocess.run([sys.executable, "-c", SUM_CHILD], capture_output=True, text=True,
                          timeout=120)
    words = done.stdout.split()
    assert words[:1] == ["interrupted"], done.stdout + done.stderr
    assert float(words[1]) < 0.75  # a quarter of the call, then at most one more stretch
