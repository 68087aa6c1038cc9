"""A restricted unpickler for dataset annotations: plain containers, numbers, strings, numpy arrays.

A pickle can run any code it names on load; FineDiving ships its labels as pickles. They are
read here without ever handing a name in the pickle to Python or numpy directly: every global
the pickle may name resolves to a small stand-in that checks its arguments first.

* Containers and scalars (``dict``, ``list``, ``set``, ``bytes``, ``int``, ...) are built only
  from concrete values of bounded size (``bytearray(10**12)`` or ``list(range(10**12))`` are
  refused).
* A ``numpy.dtype`` is rebuilt from its type string and byte order alone, and only for plain
  numbers and strings (bool, int, uint, float, complex, ``U``, ``S``): the flags, fields and
  sizes a pickle states are checked, never given to numpy, so no object dtype can be forged.
* An array is made only after its shape times its item size was checked against the bytes
  the pickle holds, so nothing is allocated beyond the file's own size.
* The file is read whole first (bounded by :data:`MAX_BYTES`) and parsed by the pure-Python
  unpickler, whose memo is a dict: no length field or memo index can reserve memory.
* The result is rebuilt as plain containers; cycles, nesting deeper than :data:`MAX_DEPTH`
  and shared references that expand beyond the file's size are refused.

Protocols 0 to 5 load, and Python 2 pickles too: their byte strings are read as latin-1 (as
``pickle.load(f, encoding="latin1")`` does), the encoding numpy's own arrays need.
"""

from __future__ import annotations

import collections
import io
import math
import pickle
import struct
from pathlib import Path
from typing import Any

MAX_BYTES = 1 << 29  # 512 MiB: FineDiving's largest annotation file is 3.5 MB
MAX_DEPTH = 64
MAX_NDIM = 32
MAX_SEQ = 1 << 24  # items one constructor call may receive


class UnsafePickleError(ValueError):
    """The pickle names something outside the allowlist, or its arguments fail the checks."""


class _Stand:
    """What an allowed global resolves to: calling it checks the arguments, then builds."""

    __slots__ = ("name", "fn", "real")

    def __init__(self, name: str, fn, real=None) -> None:
        self.name, self.fn, self.real = name, fn, real

    def __call__(self, *args):
        return self.fn(*args)

    def __setstate__(self, state):
        raise UnsafePickleError(f"a pickle may not change {self.name}")

    def __repr__(self) -> str:
        return self.name


class _Done:
    """A numpy value built during loading; swapped for the value when the result is rebuilt."""

    __slots__ = ("value",)

    def __init__(self, value) -> None:
        self.value = value

    def __setstate__(self, state):
        raise UnsafePickleError("a pickle may not change a finished numpy value")


def _np():
    import numpy

    return numpy


_PLAIN_KINDS = set("biufcUS")


class _DtypeBuilder:
    """``numpy.dtype(spec, align, copy)`` followed by BUILD ``(version, byteorder, ...)``."""

    __slots__ = ("spec", "order", "built")

    def __init__(self, spec: str) -> None:
        self.spec, self.order, self.built = spec, "=", False

    def __setstate__(self, state):
        if self.built:
            raise UnsafePickleError("a numpy dtype's state given twice")
        if not isinstance(state, tuple) or not 8 <= len(state) <= 9:
            raise UnsafePickleError("a numpy dtype with an unexpected state")
        version, order, subarray, names, fields, elsize, alignment, flags = state[:8]
        if not isinstance(order, str) or order not in ("<", ">", "|", "="):
            raise UnsafePickleError(f"a numpy dtype with byte order {order!r}")
        if subarray is not None or names is not None or fields is not None:
            raise UnsafePickleError("structured or subarray numpy dtypes are refused (plain numbers and strings only)")
        if len(state) == 9 and state[8] is not None:
            raise UnsafePickleError("numpy dtype metadata is refused")
        for v in (version, elsize, alignment, flags):
            if type(v) is not int:
                raise UnsafePickleError("a numpy dtype with non-integer state fields")
        base = self.dtype_for(order)
        if flags & ~base.flags:
            # Flags numpy would not set for this type (object references, pointers): a forgery.
            raise UnsafePickleError(f"a numpy {base} dtype with forged flags {flags}")
        if elsize not in (-1, base.itemsize) and base.kind in "US":
            raise UnsafePickleError("a numpy dtype whose stated size does not match its type")
        self.order, self.built = order, True

    def dtype_for(self, order: str):
        np = _np()
        dt = np.dtype(self.spec)
        return dt if order in ("|", "=") or dt.itemsize <= 1 else dt.newbyteorder(order)

    def dtype(self):
        return self.dtype_for(self.order)


def _make_dtype(spec, align=False, copy=False, *rest):
    if rest or type(align) not in (bool, int) or type(copy) not in (bool, int):
        raise UnsafePickleError("numpy.dtype called with unexpected arguments")
    if isinstance(spec, bytes):
        spec = spec.decode("latin-1")
    if not isinstance(spec, str) or not 1 <= len(spec) <= 12 or not spec.isascii() or not spec.isalnum():
        raise UnsafePickleError(f"numpy dtype {str(spec)[:40]!r} is refused (plain numbers and strings only)")
    np = _np()
    try:
        dt = np.dtype(spec)
    except TypeError as exc:
        raise UnsafePickleError(f"unknown numpy dtype {spec!r}") from exc
    if dt.kind not in _PLAIN_KINDS or dt.hasobject or dt.fields is not None or dt.subdtype is not None:
        raise UnsafePickleError(f"numpy dtype {spec!r} is refused (plain numbers and strings only)")
    if dt.itemsize == 0:
        raise UnsafePickleError(f"numpy dtype {spec!r} has no size")
    return _DtypeBuilder(spec)


def _as_dtype(obj):
    if not isinstance(obj, _DtypeBuilder):
        raise UnsafePickleError("a numpy value whose dtype is not a plain numpy dtype")
    return obj.dtype()


def _as_bytes(data) -> bytes:
    if isinstance(data, (bytes, bytearray)):
        return bytes(data)
    if isinstance(data, str):  # Python 2 pickles hold raw data as str, read as latin-1
        try:
            return data.encode("latin-1")
        except UnicodeEncodeError as exc:
            raise UnsafePickleError("numpy raw data that is not bytes") from exc
    raise UnsafePickleError(f"numpy raw data of type {type(data).__name__} (only bytes)")


def _checked_shape(shape, dtype, nbytes: int) -> tuple[int, ...]:
    if type(shape) is int:
        shape = (shape,)
    if not isinstance(shape, (tuple, list)) or len(shape) > MAX_NDIM:
        raise UnsafePickleError("a numpy array with an unexpected shape")
    dims = []
    for d in shape:
        if type(d) is not int or d < 0:
            raise UnsafePickleError("a numpy array with a negative or non-integer dimension")
        dims.append(d)
    if math.prod(dims) * dtype.itemsize != nbytes:
        raise UnsafePickleError(
            f"a numpy array of shape {tuple(dims)} and {dtype} needs {math.prod(dims) * dtype.itemsize} bytes, "
            f"the pickle holds {nbytes}"
        )
    return tuple(dims)


def _array(raw: bytes, dtype, shape, fortran: bool):
    np = _np()
    flat = np.frombuffer(raw, dtype=dtype) if raw else np.zeros(0, dtype=dtype)
    return flat.reshape(shape, order="F" if fortran else "C").copy(order="F" if fortran else "C")


class _ArrayBuilder:
    """``numpy.core.multiarray._reconstruct(ndarray, (0,), b'b')`` followed by BUILD state."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = None

    def __setstate__(self, state):
        if self.value is not None:
            raise UnsafePickleError("a numpy array's state given twice")
        if not isinstance(state, tuple) or len(state) not in (4, 5):
            raise UnsafePickleError("a numpy array with an unexpected state")
        if len(state) == 5:
            if type(state[0]) is not int:
                raise UnsafePickleError("a numpy array with an unexpected state version")
            state = state[1:]
        shape, dt, fortran, raw = state
        dtype = _as_dtype(dt)
        if type(fortran) not in (bool, int):
            raise UnsafePickleError("a numpy array with an unexpected memory order")
        raw = _as_bytes(raw)
        arr = _array(raw, dtype, _checked_shape(shape, dtype, len(raw)), bool(fortran))
        # numpy's own __setstate__ swaps non-native byte orders to native: so do we.
        self.value = arr if dtype.isnative else arr.astype(dtype.newbyteorder("="))


def _reconstruct(cls, shape, typecode, *rest):
    if cls is not _NDARRAY or rest:
        raise UnsafePickleError("numpy _reconstruct of anything but a plain ndarray")
    if not isinstance(typecode, (bytes, str)) or len(typecode) > 4:
        raise UnsafePickleError("numpy _reconstruct with unexpected arguments")
    if not isinstance(shape, tuple) or len(shape) > MAX_NDIM or not all(type(d) is int and 0 <= d <= 1 for d in shape):
        raise UnsafePickleError("numpy _reconstruct with an unexpected initial shape")
    return _ArrayBuilder()


def _frombuffer(buf, dt, shape, order="C", *rest):
    if rest or order not in ("C", "F"):
        raise UnsafePickleError("numpy _frombuffer with unexpected arguments")
    dtype = _as_dtype(dt)
    raw = _as_bytes(buf)
    return _Done(_array(raw, dtype, _checked_shape(shape, dtype, len(raw)), order == "F"))


def _scalar(dt, data=None, *rest):
    dtype = _as_dtype(dt)
    if rest or data is None:
        raise UnsafePickleError("a numpy scalar with unexpected arguments")
    raw = _as_bytes(data)
    if len(raw) != dtype.itemsize:
        raise UnsafePickleError(f"a numpy {dtype} scalar holds {len(raw)} bytes")
    return _Done(_np().frombuffer(raw, dtype=dtype)[0])


def _seq(args, what: str):
    """The items of the one concrete container a constructor may receive (none: empty)."""
    if not args:
        return ()
    if len(args) != 1 or not isinstance(args[0], (list, tuple, set, frozenset, dict, str, bytes)):
        raise UnsafePickleError(f"{what}() from something that is not a list, tuple, set or dict")
    if len(args[0]) > MAX_SEQ:
        raise UnsafePickleError(f"{what}() of more than {MAX_SEQ} items")
    return args[0]


_ENCODINGS = ("latin1", "latin-1", "iso-8859-1", "utf-8", "utf8", "ascii")


def _text_and_encoding(args, what: str):
    if len(args) in (2, 3) and isinstance(args[0], str) and all(isinstance(a, str) for a in args[1:]):
        if args[1].lower().replace("_", "-") not in _ENCODINGS:
            raise UnsafePickleError(f"{what}() with encoding {args[1][:20]!r}")
        return args[0].encode(args[1], *args[2:])
    return None


def _bytes_like(kind):
    name = kind.__name__

    def build(*args):
        encoded = _text_and_encoding(args, name)
        if encoded is not None:
            return kind(encoded)
        items = _seq(args, name)
        if isinstance(items, (bytes, bytearray)):
            return kind(items)
        if isinstance(items, (list, tuple)) and all(type(x) is int and 0 <= x < 256 for x in items):
            return kind(items)
        raise UnsafePickleError(f"{name}() from something that is not bytes, text or a list of byte values")

    return build


def _container(kind):
    name = kind.__name__

    def build(*args):
        items = _seq(args, name)
        if kind in (dict, collections.OrderedDict) and not isinstance(items, dict):
            if not all(isinstance(p, (list, tuple)) and len(p) == 2 for p in items):
                raise UnsafePickleError(f"{name}() from something that is not key-value pairs")
        try:
            return kind(items)
        except TypeError as exc:  # unhashable keys or set items
            raise UnsafePickleError(f"{name}(): {exc}") from exc

    return build


def _number(kind):
    name = kind.__name__

    def build(*args):
        if not args:
            return kind()
        ok = len(args) == 1 and isinstance(args[0], (int, float, str, bytes)) and not isinstance(args[0], bool)
        ok = ok or (kind is int and len(args) == 2 and isinstance(args[0], str) and type(args[1]) is int)
        ok = ok or (kind is complex and len(args) == 2 and all(isinstance(a, (int, float)) for a in args))
        ok = ok or (len(args) == 1 and isinstance(args[0], bool))
        if not ok or (isinstance(args[0], (str, bytes)) and len(args[0]) > 4300):
            raise UnsafePickleError(f"{name}() with unexpected arguments")
        return kind(*args)

    return build


def _str(*args):
    if not args:
        return ""
    if len(args) == 1 and isinstance(args[0], (str, int, float)):
        return str(args[0])
    if len(args) in (2, 3) and isinstance(args[0], bytes) and all(isinstance(a, str) for a in args[1:]):
        if args[1].lower().replace("_", "-") in _ENCODINGS:
            return str(*args)
    raise UnsafePickleError("str() with unexpected arguments")


def _slice(*args):
    if not 1 <= len(args) <= 3 or not all(a is None or type(a) is int for a in args):
        raise UnsafePickleError("slice() with unexpected arguments")
    return slice(*args)


def _range(*args):
    if not 1 <= len(args) <= 3 or not all(type(a) is int for a in args):
        raise UnsafePickleError("range() with unexpected arguments")
    return range(*args)


def _codecs_encode(text, encoding="utf-8", *rest):
    encoded = _text_and_encoding((text, encoding, *rest), "_codecs.encode")
    if encoded is None:
        raise UnsafePickleError("_codecs.encode with unexpected arguments")
    return encoded


_FACTORIES = (list, dict, set, tuple, int, float, str, bytes, bool, frozenset)


def _defaultdict(factory=None, *rest):
    if isinstance(factory, _Stand) and factory.real in _FACTORIES:
        factory = factory.real
    elif factory is not None:
        raise UnsafePickleError("defaultdict with a default factory that is not a builtin type")
    items = _seq(rest, "defaultdict")
    if items and not isinstance(items, dict):
        raise UnsafePickleError("defaultdict() from something that is not a dict")
    return collections.defaultdict(factory, items or {})


_NDARRAY = _Stand("numpy.ndarray", lambda *a: (_ for _ in ()).throw(UnsafePickleError("ndarray() is refused")))

_BUILTINS = {
    "dict": _Stand("dict", _container(dict), dict),
    "list": _Stand("list", _container(list), list),
    "tuple": _Stand("tuple", _container(tuple), tuple),
    "set": _Stand("set", _container(set), set),
    "frozenset": _Stand("frozenset", _container(frozenset), frozenset),
    "str": _Stand("str", _str, str),
    "bytes": _Stand("bytes", _bytes_like(bytes), bytes),
    "bytearray": _Stand("bytearray", _bytes_like(bytearray)),
    "int": _Stand("int", _number(int), int),
    "float": _Stand("float", _number(float), float),
    "complex": _Stand("complex", _number(complex)),
    "bool": _Stand("bool", _number(bool), bool),
    "slice": _Stand("slice", _slice),
    "range": _Stand("range", _range),
}
_NUMPY_CORE = {
    "_reconstruct": _Stand("numpy._reconstruct", _reconstruct),
    "scalar": _Stand("numpy.scalar", _scalar),
    "_frombuffer": _Stand("numpy._frombuffer", _frombuffer),
}
ALLOWED: dict[tuple[str, str], _Stand] = {
    **{("builtins", k): v for k, v in _BUILTINS.items()},
    **{("__builtin__", k): v for k, v in _BUILTINS.items()},  # Python 2 pickles
    ("__builtin__", "unicode"): _BUILTINS["str"],
    ("__builtin__", "long"): _BUILTINS["int"],
    ("__builtin__", "xrange"): _BUILTINS["range"],
    ("_codecs", "encode"): _Stand("_codecs.encode", _codecs_encode),
    ("collections", "OrderedDict"): _Stand("OrderedDict", _container(collections.OrderedDict)),
    ("collections", "defaultdict"): _Stand("defaultdict", _defaultdict),
    ("numpy", "ndarray"): _NDARRAY,
    ("numpy", "dtype"): _Stand("numpy.dtype", _make_dtype),
    **{(m, k): v for m in ("numpy.core.multiarray", "numpy._core.multiarray") for k, v in _NUMPY_CORE.items()},
    **{(m, "_frombuffer"): _NUMPY_CORE["_frombuffer"] for m in ("numpy.core.numeric", "numpy._core.numeric")},
}


class SafeUnpickler(pickle._Unpickler):  # the pure-Python unpickler: its memo is a dict, not a sized array
    """Unpickler whose globals are the checked stand-ins of :data:`ALLOWED`.

    Use :func:`loads` or :func:`load`, which also rebuild the result as plain values.

    >>> import io, pickle
    >>> loads(pickle.dumps({"a": [1, 2.5, "x"]}))
    {'a': [1, 2.5, 'x']}
    """

    def __init__(self, file, size: int | None = None) -> None:
        super().__init__(file, encoding="latin1")
        self._size = size

    def _load_frame(self) -> None:
        (frame_size,) = struct.unpack("<Q", self.read(8))
        if self._size is not None and frame_size > self._size:
            raise UnsafePickleError(f"a pickle frame of {frame_size} bytes in a {self._size}-byte pickle")
        self._unframer.load_frame(frame_size)

    dispatch = dict(pickle._Unpickler.dispatch)
    dispatch[pickle.FRAME[0]] = _load_frame

    def find_class(self, module: str, name: str):
        stand = ALLOWED.get((module, name))
        if stand is None:
            raise UnsafePickleError(
                f"refusing to load {module}.{name} from a pickle (only builtins, containers and numpy arrays)"
            )
        return stand

    def persistent_load(self, pid):
        raise UnsafePickleError("refusing a pickle with persistent ids")


_LEAVES = (str, bytes, bytearray, int, float, complex, bool, type(None), slice, range)


def _children(obj) -> list:
    if isinstance(obj, dict):
        return [x for kv in obj.items() for x in kv]
    return list(obj)


def _rebuild(obj, kids: list):
    if isinstance(obj, collections.defaultdict):
        return collections.defaultdict(obj.default_factory, zip(kids[::2], kids[1::2], strict=True))
    if isinstance(obj, dict):
        return type(obj)(zip(kids[::2], kids[1::2], strict=True))
    return type(obj)(kids)


def _finish(root, max_nodes: int):
    """Swap numpy stand-ins for their values in fresh containers; refuse cycles, depth and bombs."""
    done: dict[int, tuple[Any, int]] = {}
    active: set[int] = set()
    keep = [root]
    stack: list[tuple[Any, bool, int]] = [(root, False, 0)]
    while stack:
        obj, leaving, depth = stack.pop()
        oid = id(obj)
        if leaving:
            active.discard(oid)
            kids = _children(obj)
            size = 1 + sum(done[id(k)][1] for k in kids)
            if size > max_nodes:
                raise UnsafePickleError("the pickle's shared references expand beyond its own size (a bomb?)")
            try:
                done[oid] = (_rebuild(obj, [done[id(k)][0] for k in kids]), size)
            except TypeError as exc:
                raise UnsafePickleError(f"the pickle holds an unhashable key ({exc})") from exc
            continue
        if oid in done:
            continue
        if isinstance(obj, _Done):
            done[oid] = (obj.value, 1)
        elif isinstance(obj, _ArrayBuilder):
            if obj.value is None:
                raise UnsafePickleError("a numpy array without its state")
            done[oid] = (obj.value, 1)
        elif type(obj) in _LEAVES:
            done[oid] = (obj, 1)
        elif type(obj) in (list, tuple, dict, set, frozenset, collections.OrderedDict, collections.defaultdict):
            if oid in active:
                raise UnsafePickleError("the pickle holds a structure that contains itself")
            if depth >= MAX_DEPTH:
                raise UnsafePickleError(f"the pickle nests deeper than {MAX_DEPTH} levels")
            active.add(oid)
            stack.append((obj, True, depth))
            for kid in _children(obj):
                keep.append(kid)
                if id(kid) not in done:
                    stack.append((kid, False, depth + 1))
        elif isinstance(obj, _DtypeBuilder):
            done[oid] = (obj.dtype(), 1)
        else:
            raise UnsafePickleError(f"the pickle yields a {type(obj).__name__}, which is not allowed")
    return done[id(root)][0]


def loads(data: bytes):
    """Unpickle ``data`` through :class:`SafeUnpickler` and return plain values and numpy arrays.

    Raises :class:`UnsafePickleError` (a ``ValueError``) with a one-line reason for anything
    refused, truncated or corrupt.
    """
    if len(data) > MAX_BYTES:
        raise UnsafePickleError(f"pickle of {len(data)} bytes is over the {MAX_BYTES}-byte limit")
    try:
        obj = SafeUnpickler(io.BytesIO(data), len(data)).load()
        return _finish(obj, max_nodes=4 * len(data) + 1024)
    except UnsafePickleError:
        raise
    except EOFError:
        raise UnsafePickleError("the pickle is truncated") from None
    except MemoryError:
        raise UnsafePickleError("the pickle needs more memory than it may use") from None
    except RecursionError:
        raise UnsafePickleError("the pickle nests too deeply") from None
    except Exception as exc:  # a corrupt stream raises many types (UnpicklingError, KeyError, IndexError, ...)
        msg = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise UnsafePickleError(f"not a readable pickle: {msg}") from None


def load(path: str | Path):
    """Load a pickle file safely (see :func:`loads`)."""
    p = Path(path)
    with p.open("rb") as fh:
        data = fh.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise UnsafePickleError(f"{p}: over the {MAX_BYTES}-byte limit for a pickle")
    try:
        return loads(data)
    except UnsafePickleError as exc:
        raise UnsafePickleError(f"{p}: {exc}") from None
