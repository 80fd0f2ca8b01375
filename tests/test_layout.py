"""The architecture holds: the kernel list, the written-out prototypes and the Cython
declarations agree; no header grows past about 400 lines; no import circle among the
package's modules (see ARCHITECTURE.md)."""

import ast
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[1]
CORE = ROOT / "include" / "wce_c"
PKG = ROOT / "src" / "wce_c"


def listed_kernels():
    text = (CORE / "kernels.h").read_text()
    body = text[text.index("#define WCE_KERNEL_LIST(X)"):]
    body = body[:body.index("\n\n")]
    return [f"wce_{q}_{t}" for q, t in re.findall(r"X\((\w+), (\w+),", body)]


def test_every_listed_kernel_has_a_prototype_and_a_cython_declaration():
    kernels = listed_kernels()
    assert len(kernels) == 14
    header = (CORE / "kernels.h").read_text()
    pxd = (PKG / "wce.pxd").read_text()
    for name in kernels:
        assert re.search(rf"WCE_INLINE void {name}\(", header), name
        if name != "wce_loss_f32_in_f64":  # an internal of the sums
            assert re.search(rf"void {name}\(", pxd), name


def test_no_header_is_over_about_400_lines():
    for h in CORE.glob("*.h"):
        assert len(h.read_text().splitlines()) <= 420, h.name


def test_no_import_circle_among_the_modules():
    graph = {}
    for path in PKG.glob("*.py"):
        mod = path.stem
        deps = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                if node.module:
                    deps.add(node.module.split(".")[0])
                else:
                    deps.update(a.name for a in node.names)
        graph[mod] = deps & {p.stem for p in PKG.glob("*.py")} | (deps & {"_kernels"})

    def visit(node, stack):
        assert node not in stack, " -> ".join(stack + [node])
        for dep in graph.get(node, ()):
            visit(dep, stack + [node])

    for mod in graph:
        visit(mod, [])
