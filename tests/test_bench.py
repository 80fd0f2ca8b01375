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
        assert row["ratios"]["numpy-seed"] > 0 and row["thread_speedup"] > 0
    assert report["call_overhead_us"] > 0
    assert report["config"]["simd"]


def test_bench_table_and_bad_arguments():
    r = subprocess.run([sys.executable, "-m", "wce_c", "bench", "--quick", "--dtypes",
                        "float32", "--budget", "0.1"], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    assert "numpy-seed time / wce_c" in r.stdout and "Call overhead" in r.stdout
    bad = subprocess.run([sys.executable, "-m", "wce_c", "bench", "--dtypes", "float16"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "float16" in bad.stderr


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


def test_gbdt_benchmark_reports_every_installed_library():
    """benchmarks/gbdt.py at a tiny size: a training line per installed library, and for
    XGBoost and LightGBM the objective calls timed inside those trainings."""
    import importlib.util
    import pathlib

    script = pathlib.Path(__file__).resolve().parents[1] / "benchmarks" / "gbdt.py"
    r = subprocess.run([sys.executable, str(script), "--rows", "2000", "--rounds", "2"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    for name in ("xgboost", "lightgbm", "catboost"):
        if importlib.util.find_spec(name) is None:
            assert f"{name}: not installed, skipped" in r.stdout
            continue
        assert f"{name}, 2e+03 rows, 1 thread(s): built-in" in r.stdout
        inside = f"{name}, 2e+03 rows, 1 thread(s): objective call inside training"
        assert (inside in r.stdout) == (name != "catboost"), r.stdout
