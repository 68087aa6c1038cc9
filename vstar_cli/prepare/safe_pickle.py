"""A restricted unpickler for dataset annotations: builtins and numpy arrays only.

A pickle can run any code it names on load; FineDiving ships its labels as pickles, so they
are read with an allowlist and anything else is refused.
"""

from __future__ import annotations

import pickle
from pathlib import Path

ALLOWED = {
    ("builtins", name)
    for name in (
        "dict",
        "list",
        "tuple",
        "set",
        "frozenset",
        "str",
        "bytes",
        "int",
        "float",
        "complex",
        "bool",
        "slice",
        "range",
        "bytearray",
    )
} | {
    ("collections", "OrderedDict"),
    ("collections", "defaultdict"),
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "scalar"),
    ("numpy.core.numeric", "_frombuffer"),
    ("numpy._core.numeric", "_frombuffer"),
}


class UnsafePickleError(ValueError):
    """The pickle names something outside the allowlist."""


class SafeUnpickler(pickle.Unpickler):
    """Unpickler that only resolves allowlisted globals.

    >>> import io, pickle
    >>> SafeUnpickler(io.BytesIO(pickle.dumps({"a": [1, 2.5, "x"]}))).load()
    {'a': [1, 2.5, 'x']}
    """

    def find_class(self, module: str, name: str):
        if (module, name) in ALLOWED or (module == "numpy" and name.endswith("DType")):
            return super().find_class(module, name)
        raise UnsafePickleError(f"refusing to load {module}.{name} from a pickle (only builtins and numpy arrays)")


def load(path: str | Path):
    """Load a pickle file with :class:`SafeUnpickler`."""
    with open(path, "rb") as fh:
        return SafeUnpickler(fh).load()
