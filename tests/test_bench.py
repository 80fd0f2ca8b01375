"""python -m wce_c bench runs and reports what it promises (the timings are not checked)."""

import json
import subprocess
import sys


def test_bench_json_has_ratios_for_every_row():
    r = subprocess.run([sys.executable, "-m", "wce_c", "bench", "--sizes", "1000,20000",
                        "--repeats", "3", "--budget", "0.2", "--json"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    rows = report["results"]
    assert {(row["dtype"], row["quantity"], row["n"]) for row in rows} == {
        (d, q, n) for d in ("float32", "float64") for q in ("loss", "grad_hess")
        for n in (1000, 20000)}
    for row in rows:
        for other in ("numpy-seed", "wce_c out=", "wce_c 1 thread"):
            assert row["ratios"][other] > 0
        assert row["threads"] >= 1
    assert report["call_overhead_us"] > 0
    assert report["config"]["simd"]
    assert set(report["busy"]) == {"max_runnable_elsewhere", "readings_with_others",
                                   "readings"}


def test_bench_table_and_bad_arguments():
    r = subprocess.run([sys.executable, "-m", "wce_c", "bench", "--quick", "--dtypes",
                        "float32", "--budget", "0.1"], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    assert "numpy-seed / wce_c" in r.stdout and "Call overhead" in r.stdout
    assert "wce_c out= / wce_c" in r.stdout and "the default call" in r.stdout
    for args, word in ((["--dtypes", "float16"], "float16"), (["--sizes", "abc"], "abc"),
                       (["--sizes", "0"], "at least 1"), (["--repeats", "0"], "greater than 0"),
                       (["--budget", "-1"], "greater than 0"), (["--repeats", "x"], "x")):
        bad = subprocess.run([sys.executable, "-m", "wce_c", "bench", *args],
                             capture_output=True, text=True, timeout=60)
        assert bad.returncode == 2 and word in bad.stderr and "Traceback" not in bad.stderr, \
            (args, bad.stderr)


def test_bench_help_describes_every_option():
    r = subprocess.run([sys.executable, "-m", "wce_c", "bench", "--help"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0
    text = " ".join(r.stdout.split())
    for option in ("--sizes", "--dtypes", "--repeats", "--budget", "--quick", "--json",
                   "--plot"):
        i = text.index(option)
        assert len(text[i:].split(" --")[0].split()) > 3, option  # followed by a description


def test_busy_warning_names_the_load():
    from wce_c._bench import busy_warning
    report = {"config": {"usable_cpus": 2},
              "busy": {"max_runnable_elsewhere": 2, "readings_with_others": 5, "readings": 9}}
    assert "busy" in busy_warning(report) and "2 runnable tasks" in busy_warning(report)
    report["busy"]["readings_with_others"] = 0
    assert busy_warning(report) is None


def test_bench_plot_writes_a_png_or_says_matplotlib_is_missing(tmp_path):
    png = tmp_path / "bench.png"
    args = ["--quick", "--dtypes", "float32", "--sizes", "1000", "--budget", "0.05",
            "--plot", str(png)]
    try:
        import matplotlib  # noqa: F401
        have_mpl = True
    except ImportError:
        have_mpl = False
    if have_mpl:
        r = subprocess.run([sys.executable, "-m", "wce_c", "bench", *args],
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # without matplotlib: a clear message and exit status 1, no traceback
    code = ("import sys; sys.modules['matplotlib'] = None; from wce_c._bench import main; "
            f"sys.exit(main({args!r}))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 1 and "needs matplotlib" in r.stderr, r.stderr


def test_gbdt_benchmark_reports_every_installed_library(tmp_path):
    """benchmarks/gbdt.py at a tiny size: a training line per installed library, and for
    XGBoost and LightGBM the objective calls timed inside those trainings."""
    import importlib.util
    import pathlib

    script = pathlib.Path(__file__).resolve().parents[1] / "benchmarks" / "gbdt.py"
    r = subprocess.run([sys.executable, str(script), "--rows", "2000", "--rounds", "2",
                        "--calibration-rows", "1500", "--calibration-rounds", "6",
                        "--plot", str(tmp_path / "reliability.png")],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    for name in ("xgboost", "lightgbm", "catboost"):
        if importlib.util.find_spec(name) is None:
            assert f"{name}: not installed, skipped" in r.stdout
            continue
        assert f"{name}, 2e+03 rows, 1 thread(s): built-in" in r.stdout
        inside = f"{name}, 2e+03 rows, 1 thread(s): objective call inside training"
        assert (inside in r.stdout) == (name != "catboost"), r.stdout
        assert "memory floor" in r.stdout or name == "catboost"
        # the calibration part: three probabilities and the start, per library
        for kind in ("raw sigmoid", "wce_c.probability", "unweighted model"):
            assert f"{name:8s} {kind:18s} log loss" in r.stdout, r.stdout
        assert f"{name:8s} pos_weight 1: rounds to within 1 %" in r.stdout
    if importlib.util.find_spec("matplotlib") is not None:
        png = tmp_path / "reliability.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    else:
        assert "matplotlib is not installed: no plot" in r.stdout


def test_busy_benchmark_times_both_modes_and_ends_its_own_processes():
    """benchmarks/busy.py at a tiny size: a line per cell and per fresh-process dtype, and
    the CPU-bound processes it started are gone when it returns."""
    import os
    import pathlib
    import re
    import signal

    script = pathlib.Path(__file__).resolve().parents[1] / "benchmarks" / "busy.py"
    r = subprocess.run([sys.executable, str(script), "--hogs", "1", "--sizes", "1e3,1e4",
                        "--repeats", "5", "--min-seconds", "0", "--budget", "0.5",
                        "--fresh", "1"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    pids = [int(p) for p in re.search(r"pids \[([\d, ]*)\]", r.stdout).group(1).split(",")]
    assert len(pids) == 1
    for dtype in ("float32", "float64"):
        for quantity in ("loss", "grad_hess"):
            for n in ("1e+03", "1e+04"):
                assert re.search(rf"{dtype} +{quantity} +{re.escape(n)} ", r.stdout), r.stdout
        assert re.search(rf"{dtype} +1 thread +[\d.]+ ms +n_threads=None", r.stdout), r.stdout
    alive = []
    for pid in pids:  # ended and reaped: no such process any more
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        alive.append(pid)
        os.kill(pid, signal.SIGKILL)  # do not leave it spinning
    assert not alive


def test_busy_benchmark_pauses_before_every_call():
    """--pause sleeps before each of the timed calls (sporadic calls): 2 dtypes x 2
    quantities x 3 pairs x 2 calls x 0.02 s of sleep at least, and says so in its header."""
    import pathlib
    import re
    import time

    script = pathlib.Path(__file__).resolve().parents[1] / "benchmarks" / "busy.py"
    start = time.monotonic()
    r = subprocess.run([sys.executable, str(script), "--hogs", "0", "--sizes", "1e3",
                        "--repeats", "3", "--min-seconds", "0", "--pause", "0.02",
                        "--fresh", "0"], capture_output=True, text=True, timeout=300)
    elapsed = time.monotonic() - start
    assert r.returncode == 0, r.stderr
    assert "pause 0.02 s" in r.stdout
    assert len(re.findall(r" 3\n", r.stdout)) == 4, r.stdout  # four cells of 3 pairs
    assert elapsed >= 2 * 2 * 3 * 2 * 0.02


def _built_study(tmp_path, name):
    """benchmarks/NAME.c compiled as the studies' opening notes say (here at -O2, for any
    target): the program's path, or a skip where there is no C compiler or no source tree."""
    import pathlib
    import shutil

    import pytest

    root = pathlib.Path(__file__).resolve().parent.parent
    source, include = root / "benchmarks" / f"{name}.c", root / "include"
    cc = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if cc is None or not source.exists() or not include.is_dir():
        pytest.skip("no C compiler, or not a source tree")
    exe = tmp_path / name
    build = subprocess.run([cc, "-O2", "-std=c11", "-fno-trapping-math", "-ffp-contract=off",
                            f"-I{include}", str(source), "-o", str(exe), "-lm"],
                           capture_output=True, text=True, timeout=120)
    assert build.returncode == 0, build.stderr
    return str(exe)


def test_float_lane_study_builds_and_stays_within_one_ulp(tmp_path):
    """benchmarks/float_lanes.c (the float-lane study of gradient + hessian, the loss and the
    fused loss + gradient) compiles and reports every form within the contract's 1 ULP."""
    import re

    exe = _built_study(tmp_path, "float_lanes")
    r = subprocess.run([exe, "3000", "3"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert [line.split("  ")[0] for line in lines] == [
        "gradient + hessian, shipped (double lanes)", "gradient + hessian, float lanes",
        "loss, shipped (double lanes)", "loss, float lanes", "loss + gradient, shipped (fused)",
        "loss + gradient, loss in float lanes"]
    for line, count in zip(lines, (2, 2, 1, 1, 2, 2)):
        errors = [float(v) for v in re.findall(r"(\d+\.\d+) ULP", line)]
        assert len(errors) == count and all(0.0 <= e <= 1.0 for e in errors), line
    bad = subprocess.run([exe, "0"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "usage" in bad.stderr


def test_streaming_store_study_builds_and_gives_the_kernels_bits(tmp_path):
    """benchmarks/streaming_stores.c (direct against streamed stores of the results) compiles,
    times every form, and its streamed outputs are the direct kernels' bits."""
    import platform

    import pytest

    if platform.machine().lower() not in ("x86_64", "amd64"):
        pytest.skip("the study's streaming stores are x86-64's")
    exe = _built_study(tmp_path, "streaming_stores")
    r = subprocess.run([exe, "5000", "3"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert [line[:60].split("  ")[1].strip() for line in lines[:-1]] == [
        "float32 loss, direct", "float32 loss, streamed",
        "float64 gradient + hessian, direct", "float64 gradient + hessian, streamed"]
    assert lines[-1] == "direct and streamed outputs: the same bits"
    bad = subprocess.run([exe, "5", "0"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "usage" in bad.stderr
