"""One catalogue of broken and hostile inputs, shared by every stage's tests.

* :func:`record_lines` - JSONL lines (bytes): broken JSON, hostile values in every contract
  field, each verifier kind with labels of every JSON type.
* :data:`TIMING_OUTPUTS` - answers that made verifiers super-linear (the linear-time work's
  cases; ``test_stages`` only checks them under a time limit, marked slow).
* :func:`hostile_pickles` / :func:`legit_pickles` - FineDiving-style pickles to refuse / to load.
* :func:`converter_inputs` - broken annotation files for each ``vstar prepare`` converter.
"""

from __future__ import annotations

import json
import os
import pickle
import struct

from tests.conftest import BUILTIN_KINDS

KINDS = list(BUILTIN_KINDS)

DEEP = 100_000

# Values of every JSON type, plus the shapes that broke stages before: a 400-digit number,
# empty and "->" semantic labels, NaN/Infinity (Python's json reads them), nested lists.
HOSTILE_VALUES: list = [
    None,
    True,
    False,
    0,
    -1,
    int("9" * 400),
    -(10**300),
    1e308,
    -0.0,
    float("nan"),
    float("inf"),
    "",
    " ",
    "->",
    "-> ->",
    "\x00",
    "\u202e\ufeff",
    "x" * 20_000,
    "5",
    "0.5",
    "[0.2, 0.4]",
    [],
    [[]],
    [None],
    ["", ""],
    ["->"],
    [1, 2, 3, 4, 5],
    [0.5, "a"],
    [float("nan"), 1],
    [10**400, 1],
    [[0.1, 0.2], [0.3]],
    {},
    {"a": []},
    {"start": 0.1, "end": 0.2},
    [[[[[[[[[[[[1]]]]]]]]]]]],
]

# Answers (outputs) that are hostile without being slow.
HOSTILE_OUTPUTS: list = [
    "",
    " ",
    "->",
    "The answer is 5.",
    "\x00\x01",
    "yes " * 200,
    "[0.1, 0.2, 0.3, 0.4] [0.5, nan] [inf, 1, 2, 3]",
    "from 3 to 2 seconds, between 1e400 and -1e400",
    "9" * 500,
    "0." + "0" * 400 + "1",
    "\ud7ff\ue000 \U0010ffff",
]

# Outputs that took a verifier 10-300 s before it was made linear (issue 12's second bullet).
TIMING_OUTPUTS: dict[str, str] = {
    "whitespace_run": "the answer is" + " " * 100_000 + "x",
    "clock_times": "at 1:02 " * 12_000,
    "newlines_before_yes": "\n" * 100_000 + "yes",
    "so_markers": "so " * 30_000 + "5",
    "digits_in_box": "[" + "1" * 100_000 + "]",
    "label_mentioned": "guitar " * 14_000,
}

RECORD_FIELDS = (
    "question_id",
    "id",
    "video_path",
    "video",
    "question",
    "label",
    "label_type",
    "verifier_type",
    "duration",
    "choices",
    "output",
    "source",
    "sample_index",
    "verified",
    "verdict",
    "conversations",
    "messages",
)


def good_record(kind: str = "float", n: int = 0) -> dict:
    """A well-formed answered, verified record (the base the hostile ones change one field of)."""
    label = {
        "float": 80.0,
        "timestamp": 0.5,
        "temporal_range": [0.2, 0.4],
        "bbox": [0.5, 0.5, 0.2, 0.2],
        "same_or_not": "same",
    }.get(kind, "playing guitar")
    return {
        "question_id": f"good{n}",
        "video_path": f"v{n}.mp4",
        "question": "What happens?",
        "label": {"lbl": label},
        "label_type": ["lbl"],
        "verifier_type": [kind],
        "duration": 10.0,
        "output": f"The answer is {label}.",
        "source": "generate",
        "sample_index": 0,
        "verified": True,
    }


def _dump(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, allow_nan=True).encode("utf-8", errors="surrogatepass")


def raw_lines() -> list[tuple[str, bytes]]:
    """Lines that are not readable JSON objects (each must become an error record)."""
    return [
        ("not_json", b"not json"),
        ("array_line", b"[1, 2]"),
        ("string_line", b'"just a string"'),
        ("null_line", b"null"),
        ("deep_array", b"[" * DEEP + b"]" * DEEP),
        ("deep_object", b'{"a": ' + b'{"a": ' * DEEP + b"1" + b"}" * DEEP + b"}"),
        ("huge_int", b'{"question_id": "h", "label": {"s": ' + b"9" * 5000 + b"}}"),
        ("lone_surrogate", b'{"question_id": "s", "output": "\\ud800 is lonely"}'),
        ("lone_low_surrogate_key", b'{"\\udfff": 1}'),
        ("invalid_utf8", b'{"question_id": "u", "output": "\xff\xfe"}'),
        ("truncated", b'{"question_id": "t", "output": "cut'),
        ("trailing_garbage", b'{"a": 1} {"b": 2}'),
    ]


def record_cases() -> list[tuple[str, dict]]:
    """Records with one hostile field each, and every verifier kind with every hostile label."""
    cases: list[tuple[str, dict]] = []
    for kind in KINDS:  # question ids are unique across the catalogue (duplicates are a case of their own)
        for i, value in enumerate(HOSTILE_VALUES):
            rec = good_record(kind, len(cases))
            rec["label"] = {"lbl": value}
            cases.append((f"{kind}_label_{i}", rec))
        for i, out in enumerate(HOSTILE_OUTPUTS):
            rec = good_record(kind, len(cases))
            rec["output"] = out
            cases.append((f"{kind}_output_{i}", rec))
    for name in RECORD_FIELDS:
        for i, value in enumerate(HOSTILE_VALUES):
            rec = good_record("float", len(cases))
            rec[name] = value
            cases.append((f"field_{name}_{i}", rec))
    specials = {
        "unhashable_label_type": {"label_type": [["lbl"]]},
        "label_type_dict": {"label_type": {"lbl": 1}},
        "label_type_object_item": {"label_type": [{"x": 1}], "verifier_type": ["float"]},
        "verifier_type_unhashable": {"verifier_type": [["float"]]},
        "length_mismatch": {"label_type": ["lbl", "lbl"]},
        "unknown_kind": {"verifier_type": ["magic"]},
        "label_not_object": {"label": [80.0]},
        "video_dotdot": {"video_path": "../../etc/passwd"},
        "video_absolute": {"video_path": "/etc/passwd"},
        "video_long_name": {"video_path": "v" * 300 + ".mp4"},
        "video_nul": {"video_path": "a\x00b.mp4"},
        "conversations_strings": {"conversations": ["hi", "there"], "video": "v.mp4"},
        "messages_strings": {"messages": ["hi", "there"], "video": "v.mp4"},
        "conversations_missing_values": {"conversations": [{}, {"from": "gpt"}], "video": "v.mp4"},
        "id_and_question_id_clash": {"id": [1], "question_id": None},
        "choices_with_nan": {"choices": [float("nan"), "a"], "verifier_type": ["simple"]},
        "duration_string": {"duration": "ten", "verifier_type": ["timestamp"], "label": {"lbl": 0.5}},
        "duplicate_id": {"question_id": "good0"},
        "duplicate_id_as_number": {"question_id": 7, "id": "x"},
        "duplicate_id_as_string": {"question_id": "7"},
        "duration_zero": {"duration": 0, "verifier_type": ["timestamp"], "label": {"lbl": 0.5}},
    }
    for name, change in specials.items():
        rec = good_record("float", 5000 + len(cases))
        rec.update(change)
        cases.append((name, rec))
    return cases


def record_lines() -> list[tuple[str, bytes]]:
    """Every catalogue entry as one JSONL line: the raw lines, then the hostile records."""
    return raw_lines() + [(name, _dump(rec)) for name, rec in record_cases()]


def write_jsonl(path, lines: list[bytes]) -> int:
    """Write lines (plus a blank one, which is no record) and return how many records they are."""
    with open(path, "wb") as fh:
        for line in lines:
            fh.write(line + b"\n")
        fh.write(b"\n")
    return len(lines)


# -- pickles -----------------------------------------------------------------------------------


def _p2(body: bytes) -> bytes:
    return b"\x80\x02" + body + b"."


def _short_binstring(b: bytes) -> bytes:
    return b"U" + bytes([len(b)]) + b


def _binunicode(s: str) -> bytes:
    b = s.encode("utf-8")
    return b"X" + struct.pack("<I", len(b)) + b


def _global(module: str, name: str) -> bytes:
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def _dtype(spec: str, state_flags: int = 0, order: str = "<", elsize: int = -1) -> bytes:
    """numpy.dtype(spec, False, True) then BUILD with a (possibly forged) state tuple."""
    return (
        _global("numpy", "dtype")
        + _binunicode(spec)
        + b"\x89\x88\x87R"  # False, True, TUPLE3, REDUCE
        + b"(K\x03"
        + _binunicode(order)
        + b"NNN"
        + b"J"
        + struct.pack("<i", elsize)
        + b"J\xff\xff\xff\xff"
        + b"J"
        + struct.pack("<i", state_flags)
        + b"tb"
    )


def _array(shape: tuple[int, ...], dtype: bytes, raw: bytes) -> bytes:
    shape_ops = (
        b"("
        + b"".join(b"J" + struct.pack("<i", d) if d < 2**31 else b"\x8a\x08" + struct.pack("<q", d) for d in shape)
        + b"t"
    )
    return (
        _global("numpy.core.multiarray", "_reconstruct")
        + _global("numpy", "ndarray")
        + b"K\x00\x85C\x01b\x87R"  # (0,), b'b'
        + b"(K\x01"
        + shape_ops
        + dtype
        + b"\x89"
        + b"B"
        + struct.pack("<I", len(raw))
        + raw
        + b"tb"
    )


class _Reduce:
    def __init__(self, fn, args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return self.fn, self.args


def hostile_pickles() -> dict[str, bytes]:
    """Pickles that must be refused: code execution, forged numpy objects, memory bombs, corruption."""
    nested = b"\x80\x02" + b"]" * 100_000 + b"a" * 99_999 + b"."
    cycle = b"\x80\x02]q\x00h\x00a."  # a list that contains itself
    dag_levels = (
        b"\x80\x02]q\x00"
        + b"".join(b"(h" + bytes([i]) + b"h" + bytes([i]) + b"lq" + bytes([i + 1]) for i in range(60))
        + b"."
    )
    good_dtype = _dtype("i8")
    return {
        "reduce_os_system": pickle.dumps(_Reduce(os.system, ("true",)), protocol=2),
        "global_eval": pickle.dumps(_Reduce(eval, ("1+1",)), protocol=4),
        "global_outside_list": _p2(_global("subprocess", "Popen") + b")R"),
        "global_builtins_getattr": _p2(_global("builtins", "getattr") + b")R"),
        "copyreg_reconstructor": _p2(_global("copy_reg", "_reconstructor") + b")R"),
        "forged_object_dtype": _p2(_array((4,), _dtype("O", state_flags=63), b"\x41" * 32)),
        "forged_flags_on_int_dtype": _p2(_array((4,), _dtype("i8", state_flags=63), b"\x41" * 32)),
        "void_dtype": _p2(_array((1,), _dtype("V8"), b"\x00" * 8)),
        "huge_shape": _p2(_array((2**40, 2**40), good_dtype, b"\x00" * 8)),
        "shape_data_mismatch": _p2(_array((1000,), good_dtype, b"\x00" * 8)),
        "negative_shape": _p2(_array((-1,), good_dtype, b"")),
        "huge_binunicode8": b"\x80\x04\x8d" + struct.pack("<Q", 2**62) + b"abc",
        "huge_binbytes8": b"\x80\x04\x8e" + struct.pack("<Q", 2**62) + b"abc",
        "huge_frame": b"\x80\x04\x95" + struct.pack("<Q", 2**62) + b"K\x01.",
        "bytearray_bomb": _p2(_global("__builtin__", "bytearray") + b"\x8a\x05\x00\x00\x00\x00\x01\x85R"),
        "list_of_range_bomb": _p2(
            _global("__builtin__", "list") + _global("__builtin__", "range") + b"\x8a\x05\x00\x00\x00\x00\x01\x85R\x85R"
        ),
        "deep_nesting": nested,
        "self_cycle": cycle,
        "shared_reference_bomb": dag_levels,
        "truncated": pickle.dumps({"a": list(range(100))}, protocol=2)[:-20],
        "empty": b"",
        "not_a_pickle": b"hello world\n",
        "persistent_id": b"\x80\x02X\x01\x00\x00\x00aQ.",
        "extension_code": b"\x80\x02\x82\x01.",
        "setstate_on_allowed_callable": _p2(_global("__builtin__", "list") + b"}b"),
        "newobj_of_stand_in": _p2(_global("__builtin__", "list") + b")\x81"),
        "dtype_state_twice": _p2(
            _global("numpy", "dtype")
            + _binunicode("i8")
            + b"\x89\x88\x87R"
            + b"(K\x03X\x01\x00\x00\x00<NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb" * 2
        ),
        "bad_protocol": b"\x80\x09K\x01.",
    }


# LONG_BINPUT 2**31-1: the C unpickler sizes its memo array to that (16 GiB); a valid pickle of [].
MEMO_BOMB = b"\x80\x02]r\xff\xff\xff\x7f."


def legit_pickles() -> dict[str, tuple[bytes, object]]:
    """Pickles that must load, with what a plain ``pickle.loads(..., encoding="latin1")`` gives."""
    import collections

    import numpy as np

    value = {
        ("FINAWorldCup2021_Men3m_final_r1", 3): {
            "action_type": "407c",
            "dive_score": np.float64(88.0),
            "difficulty": 3.2,
            "frames_labels": np.array([4, 4, 25, 25, 36]),
            "steps_transit_frames": np.array([[2, 34], [5, 6]], dtype=np.int32),
            "sub-action_types": collections.OrderedDict([(4, "Forward"), (25, "1.5 Soms.Pike")]),
            "names": np.array(["a", "bé"]),
            "bytes": b"\xff\x00",
            "set": {1, 2},
            "f": np.asfortranarray(np.arange(6.0).reshape(2, 3)),
        }
    }
    out = {f"protocol_{p}": pickle.dumps(value, protocol=p) for p in range(6)}
    # Python 2 style: byte strings as SHORT_BINSTRING (non-ASCII too), numpy raw data as a str.
    py2 = _p2(
        b"}q\x00("
        + _short_binstring(b"caf\xe9")
        + _short_binstring(b"na\xefve \xff")
        + _short_binstring(b"arr")
        + _global("numpy.core.multiarray", "_reconstruct")
        + _global("numpy", "ndarray")
        + b"K\x00\x85"
        + _short_binstring(b"b")
        + b"\x87R(K\x01K\x03\x85"
        + _global("numpy", "dtype")
        + _short_binstring(b"i8")
        + b"K\x00K\x01\x87R(K\x03"
        + _short_binstring(b"<")
        + b"NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb\x89"
        + _short_binstring(struct.pack("<3q", 1, 2, 255))
        + b"tb"
        + _short_binstring(b"score")
        + _global("numpy.core.multiarray", "scalar")
        + _global("numpy", "dtype")
        + _short_binstring(b"f8")
        + b"K\x00K\x01\x87R(K\x03"
        + _short_binstring(b"<")
        + b"NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb"
        + _short_binstring(struct.pack("<d", 81.5))
        + b"\x86R"
        + b"u"
    )
    out["python2_bytes_latin1"] = py2
    return {name: (data, pickle.loads(data, encoding="latin1")) for name, data in out.items()}


def converter_inputs() -> dict[str, list[tuple[str, bytes]]]:
    """Broken annotation files per converter of ``vstar prepare``: (name, file bytes)."""
    common = [
        ("empty", b""),
        ("invalid_utf8", b"\xff\xfe\xfa"),
        ("deep_json", b"[" * DEEP + b"]" * DEEP),
        ("huge_int", b"[" + b"9" * 5000 + b"]"),
        ("lone_surrogate", b'[{"id": "\\ud800"}]'),
        ("json_null", b"null"),
        ("json_object", b'{"a": {"b": [1, 2]}}'),
        (
            "wrong_types",
            _dump(
                [{k: v for k in ("id", "label", "template", "placeholders", "video_id")} for v in HOSTILE_VALUES[:12]]
            ),
        ),
    ]
    return {
        "kinetics700": common
        + [
            ("header_only", b"label,youtube_id,time_start,time_end,split\n"),
            ("bad_times", b"label,youtube_id,time_start,time_end,split\nguitar,abc,x,-5,train\n,,,,\n"),
            ("nul_bytes", b"label,youtube_id\x00,time_start\n\x00\x00\n"),
        ],
        "ssv2": common,
        "tempcompass": common,
        "star": common,
        "finediving": [(name, data) for name, data in hostile_pickles().items()]
        + [("not_a_dict", pickle.dumps([1, 2, 3])), ("dict_of_junk", pickle.dumps({1: 2, ("a",): None, "x": [1]}))],
    }
