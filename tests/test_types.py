"""The package's type hints check clean with mypy (when mypy is installed), fit how users
write code (indexing, len, iteration, unpacking of results), and reject what the API
rejects at run time (an unknown reduction)."""

import subprocess
import sys

import pytest

GOOD = """\
import numpy as np
import wce_c
from wce_c import catboost as wcb, lightgbm as wlgb, xgboost as wxgb

x = np.zeros(3)
l = wce_c.loss(x, x, 2.0)
first = l[0] + l[1:].sum()
n = len(wce_c.gradient(x, x))
total = sum(float(v) for v in wce_c.hessian(x, x, 3.0))
g, h = wce_c.gradient_hessian(x, x, np.ones(3), sample_weight=x)
g2, h2 = wce_c.gradient_hessian(x, x, out=(np.empty(3), np.empty(3)))
loss_values, grad_values = wce_c.loss_gradient(x, x)
scale: float = float(wce_c.loss(x, x, 2.0, reduction="mean")) * 2.0
s = wce_c.loss(0.0, 1.0) + 1.0
t = wce_c.loss(x, x).shape
u = wce_c.weighted_cross_entropy_with_logits(x, x, 2.0)[0]
v = wce_c.label_gradient(x, x).mean()
obj = wxgb.objective(3.0)
gx, hx = obj(x, x)
lobj = wlgb.objective(3.0)
cobj = wcb.objective(3.0)
ders = cobj.calc_ders_range(x, x, None)
wce_c.show_config()
"""

BAD = """\
import numpy as np
import wce_c

x = np.zeros(3)
m = wce_c.loss(x, x, 2.0, reduction="max")
"""


def mypy(tmp_path, *target):
    return subprocess.run([sys.executable, "-m", "mypy", "--ignore-missing-imports",
                           "--no-incremental", *target],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)


def test_mypy_accepts_the_package_and_a_user_script(tmp_path):
    pytest.importorskip("mypy")
    script = tmp_path / "use.py"
    script.write_text(GOOD)
    for target in (["-p", "wce_c"], [str(script)]):
        r = mypy(tmp_path, *target)
        assert r.returncode == 0, r.stdout + r.stderr


def test_mypy_rejects_an_unknown_reduction(tmp_path):
    pytest.importorskip("mypy")
    script = tmp_path / "bad.py"
    script.write_text(BAD)
    r = mypy(tmp_path, str(script))
    assert r.returncode == 1, r.stdout + r.stderr
    assert 'bad.py:5: error' in r.stdout and "overload" in r.stdout, r.stdout
