"""The examples in the docstrings run and print what they say."""

import doctest
import importlib

import pytest

import wce_c

MODULES = ["wce_c", "wce_c._api", "wce_c._config", "wce_c._probability", "wce_c.xgboost",
           "wce_c.lightgbm", "wce_c.catboost", "wce_c.sklearn"]
# what the examples of a module need beyond NumPy
NEEDS = {"wce_c.sklearn": ("sklearn", "xgboost", "lightgbm")}


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_pass(name):
    for library in NEEDS.get(name, ()):
        pytest.importorskip(library)
    module = importlib.import_module(name)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(module, optionflags=flags, verbose=False)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0


@pytest.mark.parametrize("name", wce_c.__all__)
def test_every_public_function_has_an_example(name):
    obj = getattr(wce_c, name)
    if callable(obj):
        assert obj.__doc__ and ">>>" in obj.__doc__, f"{name} has no example"
