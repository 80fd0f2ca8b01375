"""The installed package: the command line, the configuration, the C headers."""

import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap

import numpy as np
import pytest

import wce_c


def test_python_m_wce_c_prints_config_and_passes_self_check():
    for argv in ([], ["info"]):
        r = subprocess.run([sys.executable, "-m", "wce_c", *argv], capture_output=True,
                           text=True, timeout=60)
        assert r.returncode == 0, r.stdout + r.stderr
        assert wce_c.__version__ in r.stdout
        assert "OpenMP" in r.stdout and "all checks passed" in r.stdout


def test_unknown_command_is_an_error():
    r = subprocess.run([sys.executable, "-m", "wce_c", "frobnicate"], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 2 and "invalid choice" in r.stderr


def test_show_config_reports_openmp_and_threads(capsys):
    cfg = wce_c.show_config(mode="dicts")
    assert isinstance(cfg["openmp"], bool)
    assert cfg["default_threads"] >= 1
    assert cfg["version"] == wce_c.__version__
    wce_c.show_config()
    text = capsys.readouterr().out
    assert "OpenMP" in text and "threads" in text
    with pytest.raises(ValueError, match="mode"):
        wce_c.show_config(mode="json")


def test_pxd_and_py_typed_ship_with_the_package():
    here = os.path.dirname(wce_c.__file__)
    assert os.path.isfile(os.path.join(here, "wce.pxd"))
    assert os.path.isfile(os.path.join(here, "py.typed"))


C_PROGRAM = textwrap.dedent(r"""
    #include "wce_c/wce.h"
    #include <stdio.h>
    int main(void) {
        double z[3] = {0.0, 1.0, 0.5}, x[3] = {-20.0, 3.0, 0.0}, q = 2.0, out[3];
        wce_loss_f64(0, 3, z, x, &q, 1, NULL, 0, out);
        printf("%.17g %.17g %.17g %.17g\n", out[0], out[1], out[2],
               wce_loss_sum_f64(3, z, x, &q, 1, NULL, 0));
        return 0;
    }
""")


@pytest.mark.skipif(shutil.which(sysconfig.get_config_var("CC") or "cc") is None
                    and shutil.which("cc") is None, reason="no C compiler")
def test_c_program_builds_against_get_include(tmp_path):
    src = tmp_path / "use_core.c"
    src.write_text(C_PROGRAM)
    exe = tmp_path / "use_core"
    cc = shutil.which("cc") or sysconfig.get_config_var("CC").split()[0]
    subprocess.run([cc, "-std=c11", "-O2", "-Wall", "-Werror", "-I", wce_c.get_include(),
                    str(src), "-o", str(exe), "-lm"], check=True, timeout=120)
    values = [float(v) for v in subprocess.run([str(exe)], capture_output=True, text=True,
                                               check=True).stdout.split()]
    expected = wce_c.loss([0.0, 1.0, 0.5], [-20.0, 3.0, 0.0], 2.0)
    assert values[:3] == list(expected)
    assert values[3] == wce_c.loss([0.0, 1.0, 0.5], [-20.0, 3.0, 0.0], 2.0, reduction="sum")
