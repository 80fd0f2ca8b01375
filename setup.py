"""Build of wce_c: one Cython extension over the header-only C core in include/wce_c/.

The kernels are compiled once per instruction-set level from one source
(src/wce_c/_simd_variant.c): the compiler's default target, and on x86-64 also x86-64-v3
(AVX2, FMA) and x86-64-v4 (AVX-512); the extension picks one at import with a CPU check.  A
level the compiler cannot build is left out with a warning.  ``WCE_C_SIMD_LEVELS=baseline``
builds the baseline alone.

OpenMP is found by a probe (compile and link a tiny program with the platform's flag); without
it the extension still builds and runs on one thread, with a warning here and a line in
``wce_c.show_config()``.  The headers are copied into the package so that
``wce_c.get_include()`` works from a wheel, and ``WCE_C_NO_OPENMP=1`` builds without OpenMP on
purpose.  No -march=native, no -ffast-math: the wheel must run on any x86-64 and keep every
rounding the accuracy tests rely on.
"""

import os
import platform
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
INCLUDE = HERE / "include"


def is_x86_32():
    """A 32-bit x86 interpreter (on a 32- or a 64-bit kernel)."""
    machine = platform.machine().lower()
    return (machine in ("i386", "i486", "i586", "i686", "x86")
            or (machine in ("x86_64", "amd64") and sys.maxsize <= 2**32))


def compiler_flags(compiler_type, x86_32=None):
    """Optimisation flags for the kernels, by compiler family ("msvc", or the GCC-like:
    "unix", "mingw32", ...)."""
    if compiler_type == "msvc":
        # /fp:precise keeps every rounding (no contraction into FMA unless /fp:contract)
        return ["/O2", "/fp:precise"]
    # -fno-trapping-math lets the compiler if-convert the branch-free selects;
    # -ffp-contract=off: no contraction chosen by the compiler; the header fuses the
    # polynomial steps itself (WCE_MADD), identically on every level with FMA.
    flags = ["-O3", "-std=c11", "-fno-trapping-math", "-ffp-contract=off"]
    if is_x86_32() if x86_32 is None else x86_32:
        # SSE2 arithmetic instead of x87's excess precision, which the header refuses
        flags += ["-msse2", "-mfpmath=sse"]
    return flags


def libomp_prefixes(environ):
    """Where macOS users have libomp: Homebrew on Apple silicon and on Intel, conda (the
    active environment), MacPorts; LIBOMP_PREFIX first when set."""
    prefixes = [environ.get("LIBOMP_PREFIX"), "/opt/homebrew/opt/libomp",
                "/usr/local/opt/libomp",
                environ.get("CONDA_PREFIX"), "/opt/local"]
    return [p for p in prefixes if p]


def openmp_candidates(platform_name, compiler_type, environ):
    """(compile flags, link flags) to try, in order, for OpenMP on this platform.  Apple clang
    has no -fopenmp of its own: the preprocessor flag and a libomp found under one of the
    usual prefixes (with an rpath, so that the extension finds it at run time)."""
    if compiler_type == "msvc":
        return [(["/openmp"], [])]
    if platform_name == "darwin":
        found = []
        for prefix in libomp_prefixes(environ):
            if os.path.isfile(os.path.join(prefix, "include", "omp.h")):
                inc, lib = os.path.join(prefix, "include"), os.path.join(prefix, "lib")
                found.append((["-Xpreprocessor", "-fopenmp", "-I" + inc],
                              ["-L" + lib, "-lomp", "-Wl,-rpath," + lib]))
        # the compiler's own search paths, then a GCC-style compiler (a Homebrew gcc, say)
        return found + [(["-Xpreprocessor", "-fopenmp"], ["-lomp"]),
                        (["-fopenmp"], ["-fopenmp"])]
    return [(["-fopenmp"], ["-fopenmp"])]


def openmp_flags():
    """(compile flags, link flags) that build OpenMP code here, or None."""
    if os.environ.get("WCE_C_NO_OPENMP", "") not in ("", "0"):
        return None
    from setuptools._distutils.ccompiler import new_compiler
    from setuptools._distutils.sysconfig import customize_compiler
    from setuptools._distutils.errors import CompileError, LinkError

    compiler = new_compiler()
    customize_compiler(compiler)
    candidates = openmp_candidates(sys.platform, compiler.compiler_type, os.environ)
    source = (
        "#include <omp.h>\n"
        "int main(void) {\n"
        "  int n = 0;\n"
        "  #pragma omp parallel reduction(+:n)\n"
        "  n += 1;\n"
        "  return n > 0 ? 0 : 1;\n"
        "}\n"
    )
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


def is_x86_64():
    """Whether this interpreter is a 64-bit x86 one: the machine's name alone says x86_64 for
    a 32-bit Python on a 64-bit kernel too, so the pointer size decides as well."""
    return platform.machine().lower() in ("x86_64", "amd64") and sys.maxsize > 2**32


def simd_levels(compiler_type, x86_64=None, wanted=None):
    """(name, macro, flags) of each instruction-set level to build for this target."""
    levels = [("baseline", None, [])]
    if wanted is None:
        wanted = os.environ.get("WCE_C_SIMD_LEVELS", "baseline,avx2,avx512").split(",")
    if is_x86_64() if x86_64 is None else x86_64:
        if compiler_type == "msvc":
            levels += [("avx2", "WCE_HAVE_AVX2", ["/arch:AVX2"]),
                       ("avx512", "WCE_HAVE_AVX512", ["/arch:AVX512"])]
        else:
            levels += [("avx2", "WCE_HAVE_AVX2", ["-march=x86-64-v3"]),
                       ("avx512", "WCE_HAVE_AVX512", ["-march=x86-64-v4"])]
    return [lv for lv in levels if lv[0] == "baseline" or lv[0] in wanted]


class build_ext_with_simd(build_ext):
    """Compiles _simd_variant.c once per level and links the objects into the extension.

    Always rebuilds: pip builds in the source tree, and objects left in build/ by an earlier
    build with other flags (CFLAGS, WCE_C_NO_OPENMP, a sanitizer) must not be reused.
    """

    def finalize_options(self):
        super().finalize_options()
        self.force = True

    def build_extension(self, ext):
        from setuptools._distutils.errors import CompileError

        # The kernels never use OpenMP themselves (the header is OpenMP-free); they get the
        # optimisation flags alone, kept apart from the OpenMP flags of the extension.
        cflags = compiler_flags(self.compiler.compiler_type)
        objects = []
        for name, macro, flags in simd_levels(self.compiler.compiler_type):
            out_dir = os.path.join(self.build_temp, "simd", name)
            try:
                objects += self.compiler.compile(
                    ["src/wce_c/_simd_variant.c"],
                    output_dir=out_dir,
                    macros=[("WCE_VARIANT", name)],
                    include_dirs=ext.include_dirs,
                    extra_postargs=cflags + flags,
                )
            except CompileError:
                if name == "baseline":
                    raise
                warnings.warn(f"wce_c: the compiler cannot build the {name} kernels; "
                              "leaving them out", stacklevel=1)
                continue
            if macro:
                ext.define_macros.append((macro, "1"))
        ext.extra_objects = list(ext.extra_objects or []) + objects
        ext.extra_compile_args = cflags + ext.extra_compile_args
        super().build_extension(ext)


class build_py_with_headers(build_py):
    """Copies include/wce_c/*.h into the built package (wce_c/include/wce_c/)."""

    def run(self):
        super().run()
        target = Path(self.build_lib) / "wce_c" / "include" / "wce_c"
        target.mkdir(parents=True, exist_ok=True)
        for header in sorted((INCLUDE / "wce_c").glob("*.h")):
            shutil.copy2(header, target / header.name)


def extensions():
    import numpy
    from Cython.Build import cythonize

    omp_cflags, omp_ldflags = [], []
    omp = openmp_flags()
    if omp is None:
        warnings.warn(
            "wce_c: no working OpenMP found (or WCE_C_NO_OPENMP set); building the kernels "
            "without threads. They will run on one thread.",
            stacklevel=1,
        )
    else:
        omp_cflags, omp_ldflags = omp
    ext = Extension(
        "wce_c._kernels",
        sources=["src/wce_c/_kernels.pyx", "src/wce_c/_dispatch.c"],
        include_dirs=[str(INCLUDE.relative_to(HERE)), "src/wce_c", numpy.get_include()],
        depends=[str(p.relative_to(HERE)) for p in (INCLUDE / "wce_c").glob("*.h")]
        + ["src/wce_c/_simd_variant.c", "src/wce_c/_dispatch.h"],
        extra_compile_args=omp_cflags,  # the compiler's own flags join in build_extension
        extra_link_args=omp_ldflags,
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
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


if __name__ == "__main__":  # not when the tests load this file to check the flags
    setup(
        ext_modules=extensions(),
        cmdclass={"build_py": build_py_with_headers, "build_ext": build_ext_with_simd},
    )
