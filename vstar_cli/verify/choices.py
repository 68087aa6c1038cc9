"""Multiple-choice options: how they are written and listed, and their keys.

Options are written "A. text", "(B) text", "C) text", "D: text", "Option 1: text",
"Sentence A: text", "Caption B: text" or plain text; a record without ``choices`` may list
them in its question. Which option an answer picks is :mod:`vstar_cli.verify.pick`. All
patterns here are linear: bounded repetitions and no nested quantifiers.
"""

from __future__ import annotations

import re

LETTERS = "ABCDEFGHIJ"
ORDINALS = {
    "first": 0,
    "second": 1,
    "third": 2,
    "fourth": 3,
    "fifth": 4,
    "sixth": 5,
    "seventh": 6,
    "eighth": 7,
    "ninth": 8,
    "tenth": 9,
    "1st": 0,
    "2nd": 1,
    "3rd": 2,
    "4th": 3,
    "5th": 4,
}
OPTION_NOUNS = r"(?:option|choice|caption|sentence|answer|candidate|alternative|statement|description|information)"
# The key of an option as written in front of its text.
_PREFIX_RE = re.compile(
    rf"^\s*(?:{OPTION_NOUNS}\s{{0,3}})?[\(\[]?([A-Ja-j]|\d{{1,2}})(?:[\)\].:]|\s*[-\u2013])[ \t]{{0,8}}(?=\S)", re.I
)
# Options listed inside a question ("(A) x (B) y", "A. x\nB. y", "Option 1: x").
_Q_OPT_RE = re.compile(
    rf"(?:^|(?<=[\s:?]))(?:(?:{OPTION_NOUNS})[ \t]{{0,3}}([A-J1-9])\s{{0,3}}[:.)]|\(([A-J])\)|([A-J])[.)](?=[ \t]))[ \t]{{0,8}}",
    re.I | re.M,
)


def split_option(choice: str) -> tuple[str | None, str]:
    """``(key, text)`` of an option as written ("B. a dog" -> ("B", "a dog")).

    >>> split_option("Option 2: the cup falls")
    ('2', 'the cup falls')
    >>> split_option("(c) a cat"), split_option("a cat")
    (('C', 'a cat'), (None, 'a cat'))
    """
    m = _PREFIX_RE.match(choice)
    if m and m.end() < len(choice):
        return m.group(1).upper(), choice[m.end() :].strip()
    return None, choice.strip()


_FIELD_RE = re.compile(r"""['"]([^'"\n]{1,60})['"]\s{0,3}:\s{0,3}['"]([^'"\n]{0,200})['"]""")


def option_text(choice: str) -> str:
    """An option without its key prefix ("B. a dog" -> "a dog"); a dict of fields gives its values.

    >>> option_text("Information B: {'subject': 'people', 'action': 'ice skating'}")
    'people ice skating'
    """
    text = split_option(choice)[1]
    if text.startswith("{") and text.endswith("}"):
        fields = _FIELD_RE.findall(text)
        if fields:
            return " ".join(v for _, v in fields)
    return text


def distinct_texts(options: list[str]) -> list[str]:
    """Option texts without the words every option shares ("people skiing" / "people swimming").

    >>> distinct_texts(["{'subject': 'people', 'action': 'skiing'}", "{'subject': 'people', 'action': 'ice skating'}"])
    ['skiing', 'ice skating']
    """
    texts = []
    for c in options:
        body = split_option(c)[1]
        fields = _FIELD_RE.findall(body) if body.startswith("{") else []
        texts.append([v for _, v in fields] if fields else [option_text(c)])
    if len(texts) > 1 and all(len(t) > 1 for t in texts):
        common = set(texts[0]).intersection(*texts[1:])
        texts = [[v for v in t if v not in common] or t for t in texts]
    return [" ".join(t) for t in texts]


def options_from_question(question: str) -> list[str]:
    """Options listed in a question, in order, or ``[]`` when it lists none (or fewer than 2).

    >>> options_from_question("What happens? (A) he jumps (B) he falls")
    ['he jumps', 'he falls']
    >>> options_from_question("Which?\\nOption 1: red\\nOption 2: blue")
    ['red', 'blue']
    """
    if not isinstance(question, str) or len(question) > 20000:
        return []
    marks = list(_Q_OPT_RE.finditer(question))
    out: list[str] = []
    expected = 0
    for i, m in enumerate(marks):
        k = (m.group(1) or m.group(2) or m.group(3)).upper()
        idx = int(k) - 1 if k.isdigit() else LETTERS.index(k)
        if idx != expected:
            if idx == 0:
                out, expected = [], 0  # a fresh list starts
            else:
                continue
        end = marks[i + 1].start() if i + 1 < len(marks) else len(question)
        text = question[m.end() : end].strip()
        text = text.split("\n")[0].strip() if "\n" in text else text
        out.append(text.rstrip(" ;,"))
        expected += 1
    return out if len(out) >= 2 else []


def record_options(record: dict) -> list[str]:
    """The record's options: its ``choices``, else those its question lists."""
    choices = record.get("choices")
    if isinstance(choices, list) and choices:
        return [str(c) for c in choices]
    q = record.get("question")
    if not isinstance(q, str):
        conv = record.get("conversations")
        q = conv[0].get("value") if isinstance(conv, list) and conv and isinstance(conv[0], dict) else None
    return options_from_question(q) if isinstance(q, str) else []


def key_index(key: str, n: int) -> int | None:
    """Index of an option key ("B" or "2") among ``n`` options."""
    k = key.strip().upper()
    if len(k) == 1 and k in LETTERS[:n]:
        return LETTERS.index(k)
    if k.isdigit() and 1 <= int(k) <= n:
        return int(k) - 1
    if k.lower() in ORDINALS and ORDINALS[k.lower()] < n:
        return ORDINALS[k.lower()]
    return None
