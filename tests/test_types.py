"""The package's type hints check clean with mypy (when mypy is installed)."""

import subprocess
import sys
import pytest


def test_mypy_accepts_the_installed_package_and_a_user_script(tmp_path):
    pytest.importorskip("mypy")
    script = tmp_path / "use.py"
    script.write_text(
        "import numpy as np\nimport wce_c\n"
        "x = np.zeros(3)\n"
        "l = wce_c.loss(x, x, 2.0, reduction='mean')\n"
        "g, h = wce_c.gradient_hessian(x, x, np.ones(3), sample_weight=x)\n"
        "wce_c.show_config()\n")
    for target in (["-p", "wce_c"], [str(script)]):
        r = subprocess.run([sys.executable, "-m", "mypy", "--ignore-missing-imports",
                            "--no-incremental", *target],
                           capture_output=True, text=True, timeout=300, cwd=tmp_path)
        assert r.returncode == 0, r.stdout + r.stderr
