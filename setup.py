"""Build of wce_c: one Cython extension over the header-only C core in include/wce_c/.

OpenMP is found by a probe (compile and link a tiny program with the platform's flag); without
it the extension still builds and runs on one thread, with a warning here and a line in
``wce_c.show_config()``.  The headers are copied into the package so that
``wce_c.get_include()`` works from a wheel, and ``WCE_C_NO_OPENMP=1`` builds without OpenMP on
purpose.  No -march=native, no -ffast-math: the wheel must run on any x86-64 and keep every
rounding the accuracy tests rely on.
"""

import os
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

HERE = Path(__file__).resolve().parent
INCLUDE = HERE / "include"


def compiler_flags():
    """Optimisation flags for the kernels, per compiler family."""
    if sys.platform == "win32":
        return ["/O2", "/fp:precise"]
    # -fno-trapping-math lets the compiler if-convert the branch-free selects;
    # -ffp-contract=off keeps the same roundings with and without FMA units.
    return ["-O3", "-std=c11", "-fno-trapping-math", "-ffp-contract=off"]


def openmp_flags():
    """(compile flags, link flags) that build OpenMP code here, or None."""
    if os.environ.get("WCE_C_NO_OPENMP", "") not in ("", "0"):
        return None
    from setuptools._distutils.ccompiler import new_compiler
    from setuptools._distutils.sysconfig import customize_compiler
    from setuptools._distutils.errors import CompileError, LinkError

    if sys.platform == "win32":
        candidates = [(["/openmp"], [])]
    elif sys.platform == "darwin":
        candidates = [(["-Xpreprocessor", "-fopenmp"], ["-lomp"]), (["-fopenmp"], ["-fopenmp"])]
    else:
        candidates = [(["-fopenmp"], ["-fopenmp"])]
    source = (
        "#include <omp.h>\n"
        "int main(void) {\n"
        "  int n = 0;\n"
        "  #pragma omp parallel reduction(+:n)\n"
        "  n += 1;\n"
        "  return n > 0 ? 0 : 1;\n"
        "}\n"
    )
    compiler = new_compiler()
    customize_compiler(compiler)
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "probe_openmp.c")
        with open(src, "w") as f:
            f.write(source)
        for cflags, ldflags in candidates:
            try:
                objects = compiler.compile([src], output_dir=tmp, extra_postargs=cflags)
                compiler.link_executable(
                    objects, "probe_openmp", output_dir=tmp, extra_postargs=ldflags
                )
            except (CompileError, LinkError):
                continue
            return cflags, ldflags
    return None


class build_py_with_headers(build_py):
    """Copies include/wce_c/*.h into the built package (wce_c/include/wce_c/)."""

    def run(self):
        super().run()
        target = Path(self.build_lib) / "wce_c" / "include" / "wce_c"
        target.mkdir(parents=True, exist_ok=True)
        for header in sorted((INCLUDE / "wce_c").glob("*.h")):
            shutil.copy2(header, target / header.name)


def extensions():
    from Cython.Build import cythonize

    cflags = compiler_flags()
    ldflags = []
    macros = []
    omp = openmp_flags()
    if omp is None:
        warnings.warn(
            "wce_c: no working OpenMP found (or WCE_C_NO_OPENMP set); building the kernels "
            "without threads. They will run on one thread.",
            stacklevel=1,
        )
        macros.append(("WCE_C_BUILT_WITHOUT_OPENMP", "1"))
    else:
        cflags = cflags + omp[0]
        ldflags = ldflags + omp[1]
    ext = Extension(
        "wce_c._kernels",
        sources=["src/wce_c/_kernels.pyx"],
        include_dirs=[str(INCLUDE.relative_to(HERE))],
        depends=[str(p.relative_to(HERE)) for p in (INCLUDE / "wce_c").glob("*.h")],
        extra_compile_args=cflags,
        extra_link_args=ldflags,
        define_macros=macros,
    )
    return cythonize(
        [ext],
        include_path=["src"],
        compiler_directives={
            "language_level": 3,
            "boundscheck": False,
            "wraparound": False,
            "cdivision": True,
            "initializedcheck": False,
        },
    )


setup(
    ext_modules=extensions(),
    cmdclass={"build_py": build_py_with_headers},
)
