"""The build's flag selection per platform and compiler, checked here for the platforms this
machine cannot build on (macOS, Windows/MSVC, 32-bit x86); setup.py is loaded, not run."""

import importlib.util
import os
from pathlib import Path

import pytest

SETUP = Path(__file__).resolve().parent.parent / "setup.py"
pytestmark = pytest.mark.skipif(not SETUP.exists(), reason="setup.py not beside the tests")


@pytest.fixture(scope="module")
def build():
    spec = importlib.util.spec_from_file_location("wce_c_setup", SETUP)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # __name__ is not "__main__": nothing is built
    return module


def test_msvc_gets_msvc_flags_and_levels(build):
    assert build.compiler_flags("msvc") == ["/O2", "/fp:precise"]
    levels = build.simd_levels("msvc", x86_64=True, wanted=["baseline", "avx2", "avx512"])
    assert [(name, flags) for name, _, flags in levels] == [
        ("baseline", []), ("avx2", ["/arch:AVX2"]), ("avx512", ["/arch:AVX512"])]
    assert build.openmp_candidates("win32", "msvc", {}) == [(["/openmp"], [])]


def test_gcc_like_compilers_on_windows_linux_and_macos(build):
    for compiler in ("unix", "mingw32"):
        flags = build.compiler_flags(compiler, x86_32=False)
        assert "-ffp-contract=off" in flags and "-fno-trapping-math" in flags
        assert not any(f.startswith("-march=native") or "fast-math" in f for f in flags)
        assert "-fopenmp" not in flags  # OpenMP flags never join the kernels' flags
    assert build.openmp_candidates("win32", "mingw32", {}) == [(["-fopenmp"], ["-fopenmp"])]
    assert build.openmp_candidates("linux", "unix", {}) == [(["-fopenmp"], ["-fopenmp"])]
    levels = build.simd_levels("unix", x86_64=True, wanted=["baseline", "avx2", "avx512"])
    assert [flags for _, _, flags in levels] == [[], ["-march=x86-64-v3"], ["-march=x86-64-v4"]]


def test_32_bit_x86_gets_sse2_arithmetic_and_no_wide_levels(build):
    assert build.compiler_flags("unix", x86_32=True)[-2:] == ["-msse2", "-mfpmath=sse"]
    assert [n for n, _, _ in build.simd_levels("unix", x86_64=False, wanted=["avx2"])] == [
        "baseline"]


def test_macos_tries_the_libomp_prefixes_that_exist(build, tmp_path):
    brew = tmp_path / "homebrew"
    conda = tmp_path / "conda"
    (brew / "include").mkdir(parents=True)
    (brew / "include" / "omp.h").write_text("")
    (conda / "include").mkdir(parents=True)  # no omp.h: not a candidate
    env = {"LIBOMP_PREFIX": str(brew), "CONDA_PREFIX": str(conda)}
    candidates = build.openmp_candidates("darwin", "unix", env)
    first_c, first_l = candidates[0]
    assert first_c == ["-Xpreprocessor", "-fopenmp", "-I" + str(brew / "include")]
    assert first_l == ["-L" + str(brew / "lib"), "-lomp", "-Wl,-rpath," + str(brew / "lib")]
    assert not any(str(conda) in " ".join(c + l) for c, l in candidates)
    # then the compiler's own paths, then a GCC-style -fopenmp; a bare -Xpreprocessor never
    assert candidates[-2:] == [(["-Xpreprocessor", "-fopenmp"], ["-lomp"]),
                               (["-fopenmp"], ["-fopenmp"])]
    for cflags, _ in candidates:  # each -Xpreprocessor carries its -fopenmp
        at = [i for i, f in enumerate(cflags) if f == "-Xpreprocessor"]
        assert all(i + 1 < len(cflags) and cflags[i + 1] == "-fopenmp" for i in at)
    assert build.libomp_prefixes({})[:2] == ["/opt/homebrew/opt/libomp", "/usr/local/opt/libomp"]


def test_the_wheel_configuration_covers_each_platform_and_its_openmp_runtime():
    tomllib = pytest.importorskip("tomllib")  # Python >= 3.11
    config = tomllib.loads((SETUP.parent / "pyproject.toml").read_text())["tool"]["cibuildwheel"]
    assert set(config["linux"]["archs"]) == {"x86_64", "i686", "aarch64"}
    assert "auditwheel repair --strip" in config["linux"]["repair-wheel-command"]
    assert set(config["macos"]["archs"]) == {"x86_64", "arm64"}
    assert "libomp" in config["macos"]["before-all"]
    assert "LIBOMP_PREFIX" in config["macos"]["environment"]
    assert config["windows"]["archs"] == ["AMD64"]
    assert "delvewheel repair" in config["windows"]["repair-wheel-command"]
    for platform in ("linux", "macos"):
        assert config[platform]["environment"]["CFLAGS"] == "-g0"
    assert any("pytest" in c for c in config["test-command"])
