"""The README's Python examples run as written."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S) if README.exists() else []


@pytest.mark.skipif(not BLOCKS, reason="README.md not beside the tests")
@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_python_block_runs(index):
    code = BLOCKS[index]
    for name in ("xgboost", "lightgbm", "catboost", "dask", "distributed"):
        if re.search(rf"\b{name}\b", code):
            pytest.importorskip(name)
    exec(compile(code, f"README block {index}", "exec"), {"__name__": "__main__"})
