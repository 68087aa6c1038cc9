"""The viewer on records nobody wrote for it: lone surrogates, NUL bytes and surrogates in video
paths, markup everywhere, keys such as ``__proto__``, odd types. The build never fails over one
record, and the page shows text, never markup."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.view.cdp import Browser, find_chromium
from vstar_cli.cli import app
from vstar_cli.view.build import ViewConfig, build
from vstar_cli.view.thumbs import Sampling, strip_key

XSS = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'


def hostile(path: Path) -> Path:
    recs = [
        # JSON may escape a lone surrogate; Python reads it back as one (it cannot be UTF-8 encoded).
        {"question_id": "lone", "question": "q \ud83d?", "output": "\ud800 lone", "video_path": "a\ud800.mp4"},
        {"question_id": "nul", "output": "x", "video_path": "a\u0000b.mp4"},
        {
            "question_id": XSS,
            "video_path": XSS,
            "question": XSS,
            "output": XSS + " right",
            "label": {XSS: XSS, "__proto__": "p", "constructor": "c"},
            "label_type": [XSS, "__proto__", "constructor", {"odd": 1}],
            "verifier_type": ["simple", "simple", None],
            "verified": False,
            "verdict": {
                XSS: {"ok": False, "extracted": XSS, "reason": {"why": XSS}, "span": [0, 5]},
                "__proto__": {"ok": True, "reason": XSS},
            },
            "source": {"not": "a string"},
            "model": XSS,
        },
        {
            "question_id": "spans",
            "output": "🎸 short answer",
            "verified": True,
            "label_type": ["a", "b", "c", "d", "e", "f", "g"],
            "verdict": {
                "a": {"ok": True, "span": [-5, 1000]},
                "b": {"ok": True, "span": ["x", None]},
                "c": {"ok": True, "span": [3]},
                "d": {"ok": True, "span": {"0": 1}},
                "e": {"ok": True, "span": [5, 2]},
                "f": {"ok": True, "span": [1.5, 3.7]},
                "g": {"ok": True, "span": [8, 14]},  # "answer", after a non-BMP character
            },
        },
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    return path


def load_js(path: Path, prefix: str, suffix: str):
    """A data file's content, written as a literal or through JSON.parse (data with a __proto__ key)."""
    text = path.read_bytes().decode("utf-8")  # strict: no surrogate bytes written
    assert text.startswith(prefix) and text.endswith(suffix)
    data = text[len(prefix) : -len(suffix)]
    return json.loads(json.loads(data[len("JSON.parse(") : -1])) if data.startswith("JSON.parse(") else json.loads(data)


def test_strip_key_of_unusable_paths_is_a_reason_not_an_exception():
    for bad in ("a\u0000b.mp4", "a\ud800.mp4"):
        key, error = strip_key(bad, Sampling())
        assert len(key) == 20 and error.startswith("video not found")


def test_one_odd_record_does_not_stop_the_build(tmp_path):
    src = hostile(tmp_path / "in.jsonl")
    site = tmp_path / "site"
    s = build([src], site, ViewConfig(video_dir=str(tmp_path), workers=1))
    # The reader makes a lone surrogate an error record (shown as one, with its raw line); a NUL in a
    # video name and an injected name are records whose strips fail.
    assert s.records == 4 and s.strips_failed == 2
    cards = load_js(site / "data" / "chunk-0.js", "vstarChunk(0,", ");\n")
    assert cards[0]["s"] == "error" and "surrogate" in cards[0]["e"] and "lone" in cards[0]["raw"]
    recs = [c["r"] for c in cards]
    assert recs[1]["video_path"] == "a\u0000b.mp4"
    assert recs[2]["label"]["__proto__"] == "p" and "__proto__" in recs[2]["verdict"]
    assert load_js(site / "data" / "index.js", "window.VSTAR_INDEX=", ";\n")["n"] == 4


def test_empty_input_says_so(tmp_path):
    (tmp_path / "empty.jsonl").write_text("")
    res = CliRunner().invoke(app, ["view", str(tmp_path / "empty.jsonl"), "-o", str(tmp_path / "site")])
    assert res.exit_code == 0 and "no records" in res.stderr


CHROMIUM = find_chromium()


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on PATH: install Debian's chromium package")
def test_markup_in_every_field_is_shown_as_text(tmp_path):
    src = hostile(tmp_path / "in.jsonl")
    # A file name is markup too (the default title and each record's file link show it).
    named = hostile(tmp_path / '<img src=x onerror="window.__pwned=3">#?.jsonl')
    site = tmp_path / "site"
    build([src], site, ViewConfig(video_dir=str(tmp_path), workers=1, title=XSS))
    build([named], tmp_path / "site2", ViewConfig(video_dir=str(tmp_path), workers=1, thumbnails=False))
    with Browser(CHROMIUM, tmp_path / "profile") as b:
        b.open((tmp_path / "site2" / "index.html").as_uri())
        assert b.eval("window.__pwned === undefined")
        assert named.name in b.eval("document.title")
        link = b.eval("document.querySelector('#rec-0 a.line').getAttribute('href')")
        assert "%3C" in link and "%23" in link and "%3F" in link  # quoted: the link opens the file
        b.open(site.joinpath("index.html").as_uri())
        assert b.eval("document.querySelectorAll('article.rec').length") == 4
        assert b.eval("window.__pwned === undefined")
        # Nothing from the records became an element: only the page's own images and scripts exist.
        assert b.eval("document.querySelectorAll('main script, main img:not(.tile), header img').length") == 0
        assert b.eval("document.title") == XSS
        card = b.eval("document.getElementById('rec-2').textContent")
        assert XSS in card and 'source: {"not":"a string"}' in card and "[object Object]" not in card
        # The reason object is shown as its JSON; "__proto__" and "constructor" are the record's own keys.
        rows = b.eval(
            "Array.from(document.querySelectorAll('#rec-2 table.verdicts tbody tr'))"
            ".map(tr => Array.from(tr.cells).map(c => c.textContent))"
        )
        assert rows[0][0] == XSS and json.loads(rows[0][5]) == {"why": XSS}
        assert rows[1][:3] == ["__proto__", "simple", "p"] and rows[1][4] == "✔ verified"
        assert rows[2][:3] == ["constructor", "", "c"] and rows[2][4] == "not verified"
        assert rows[3][0] == '{"odd":1}'
        # The first five characters of the answer, as the span says, and nothing else, highlighted.
        assert b.eval("document.querySelector('#rec-2 mark').textContent") == XSS[:5]
        assert "lone" in b.eval("document.getElementById('rec-0').textContent")
        # Spans out of range or of the wrong type are not drawn; the one good span is, and the text is whole.
        assert b.eval("Array.from(document.querySelectorAll('#rec-3 mark')).map(m => m.textContent)") == ["answer"]
        assert b.eval("document.querySelector('#rec-3 p.output').textContent") == "🎸 short answer"


def test_a_line_nested_too_deeply_is_an_error_record(tmp_path):
    src = tmp_path / "deep.jsonl"
    src.write_text('{"question_id": "ok", "output": "x"}\n{"a": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    res = CliRunner().invoke(app, ["view", str(src), "-o", str(tmp_path / "site"), "--no-thumbnails"])
    assert res.exit_code == 0, res.stderr
    assert res.exception is None or isinstance(res.exception, SystemExit)
    cards = load_js(tmp_path / "site" / "data" / "chunk-0.js", "vstarChunk(0,", ");\n")
    assert [c["s"] for c in cards][1] == "error" and "nested" in cards[1]["e"]


@pytest.mark.parametrize("fps", ["nan", "inf", "0", "-1"])
def test_fps_must_be_a_finite_positive_rate(fps, tmp_path):
    (tmp_path / "in.jsonl").write_text('{"question_id": "a", "output": "x"}\n')
    res = CliRunner().invoke(app, ["view", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "site"), "--fps", fps])
    assert res.exit_code == 2 and "fps" in res.stderr and not (tmp_path / "site").exists()
