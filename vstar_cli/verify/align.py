"""Word keys (lemmas), roles and polar words: what makes two phrasings of a label the same.

A word's *key* is its lemma (``lemminflect``, whose tables ship in its wheel) stemmed once
more, so "took", "takes" and "taking" share the key of "take". Words of direction, order and
comparison are *polar*: they keep their own key and have antonyms ("in"/"out",
"faster"/"slower"). A content word's *role* is the order-bearing function word that governs
it in its clause ("from", "to", "than", "before", ...): "from left to right" and "from right to
left" hold the same words in different roles.
"""

from __future__ import annotations

from functools import lru_cache

from vstar_cli.verify.text import STOPWORDS, Token, stem

# Antonym pairs of order-, direction- and comparison-bearing words (lemma level). Any word
# of a pair is a content word of a label even where it is a function word ("in", "up").
_ANTONYM_PAIRS = """
in out|inside outside|into out|up down|upward downward|upwards downwards|left right|top bottom
above below|over under|front back|forward backward|forwards backwards|ahead behind|on off
before after|first last|early late|earlier later|begin end|start finish|start end|open close
increase decrease|increasing decreasing|rise fall|rising falling|ascend descend|grow shrink|expand contract
fast slow|faster slower|quick slow|big small|bigger smaller|large small|larger smaller|long short|longer shorter
high low|higher lower|tall short|taller shorter|wide narrow|wider narrower|near far|closer farther|close far
bright dark|brighter darker|light dark|lighter darker|loud quiet|louder quieter|heavy light|heavier lighter
hot cold|warm cool|full empty|fill empty|push pull|enter exit|enter leave|arrive leave|appear disappear
toward away|towards away|clockwise counterclockwise|clockwise anticlockwise|more less|more fewer|most least
zoom_in zoom_out|blossom wither|bloom wither|alive dead|wet dry|clean dirty|happy sad|smile frown|win lose
accelerate decelerate|speed_up slow_down|north south|east west|yes no|true false|same different|old new|old young
""".replace("\n", "|")
ANTONYMS: dict[str, set[str]] = {}
for _pair in _ANTONYM_PAIRS.split("|"):
    _ws = _pair.split()
    if len(_ws) == 2:
        ANTONYMS.setdefault(_ws[0], set()).add(_ws[1])
        ANTONYMS.setdefault(_ws[1], set()).add(_ws[0])
POLAR = frozenset(ANTONYMS)

# Function words that give the content words after them a role in the clause.
ROLE_WORDS = {
    "from": "source",
    "to": "goal",
    "into": "goal",
    "onto": "goal",
    "toward": "goal",
    "towards": "goal",
    "until": "goal",
    "till": "goal",
    "than": "than",
    # "A before B", "A, then B": B is the later event; "B after A": A is the earlier one.
    "before": "later",
    "then": "later",
    "afterwards": "later",
    "after": "earlier",
    "while": "during",
    "during": "during",
    "versus": "than",
    "vs": "than",
}
COLOURS = frozenset(
    """red orange yellow green blue purple violet pink brown black white gray grey silver gold golden
    beige maroon navy teal cyan magenta turquoise""".split()
)
DIRECTIONS = frozenset(
    """left right up down upward downward forward backward clockwise counterclockwise anticlockwise north south
    east west inside outside in out toward towards away top bottom front back""".split()
)
# Verbs that carry little content: a label word of this set may be dropped by a paraphrase
# ("showing a smile" ~ "smiles"), and words of one group stand in for each other.
LIGHT_VERBS = frozenset("""be have do get go come show seem appear keep try continue make perform engage""".split())
SYNONYM_GROUPS = (
    "look check see watch view glance observe examine inspect stare gaze peek",
    "take grab pick get fetch seize",
    "put place set lay",
    "talk speak chat converse",
    "say tell",
    "begin start",
    "finish end stop complete",
    "man guy gentleman",
    "woman lady",
    "kid child",
    "person someone individual people",
    "big large huge",
    "small little tiny",
    "quick fast rapid",
    "face expression",
    "car automobile vehicle",
    "picture photo image",
    "cut slice chop",
    "jump hop leap",
    "cup mug",
    "sofa couch",
    "road street",
    "toss throw",
)
_SYN: dict[str, int] = {}


_NUMBER_DIGITS = {
    w: str(i) for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())
}
# Spellings of one direction ("towards" / "toward").
_ALIASES = {
    "towards": "toward",
    "backwards": "backward",
    "forwards": "forward",
    "upwards": "upward",
    "downwards": "downward",
    "anticlockwise": "counterclockwise",
    "grey": "gray",
    "shut": "close",
}


@lru_cache(maxsize=1)
def _lemmatizer():
    from lemminflect import getAllLemmas

    return getAllLemmas


@lru_cache(maxsize=65536)
def lemma(word: str) -> str:
    """A word's lemma: the verb reading first, then noun, adjective, adverb.

    Directions keep their form ("left" is a direction here, not the past of "leave").

    >>> lemma("took"), lemma("towels"), lemma("left"), lemma("smiling"), lemma("opened"), lemma("increasing")
    ('take', 'towel', 'left', 'smile', 'open', 'increase')
    """
    if word in DIRECTIONS or not word.isalpha():
        return word
    lemmas = _lemmatizer()(word)
    for pos in ("VERB", "NOUN", "ADJ", "ADV", "AUX"):
        if lemmas.get(pos):
            return lemmas[pos][0]
    return word


for _i, _group in enumerate(SYNONYM_GROUPS):
    for _w in _group.split():
        _SYN[_w] = _i


@lru_cache(maxsize=65536)
def key(word: str) -> str:
    """The comparison key of a word: its lemma, stemmed; light synonyms share one key.

    >>> key("took") == key("Takes".lower()) == key("grabbing")
    True
    >>> key("threw") == key("folded")
    False
    """
    if word in _NUMBER_DIGITS:
        return _NUMBER_DIGITS[word]
    lem = lemma(word)
    lem = _ALIASES.get(lem, lem)
    if lem in POLAR:
        return lem
    if lem in _SYN:
        return f"~{_SYN[lem]}"
    return stem(lem)


def is_verb_form(word: str) -> bool:
    """Whether a word reads as a finite verb form ("picks", "opened"), not a noun or gerund."""
    if word.endswith("ing") or not word.isalpha():
        return False
    lemmas = _lemmatizer()(word)
    verb = lemmas.get("VERB")
    if not verb or verb[0] == word:
        return False
    return word.endswith("ed") or "NOUN" not in lemmas


@lru_cache(maxsize=65536)
def part_of_speech(word: str) -> frozenset[str]:
    """The parts of speech a word can have ("NUM" for numbers and number words).

    >>> sorted(part_of_speech("threw")), sorted(part_of_speech("diver"))
    (['VERB'], ['NOUN'])
    """
    if word.isdigit() or word in _NUMBER_WORDS:
        return frozenset({"NUM"})
    if word in COLOURS:
        return frozenset({"ADJ", "NOUN"})
    pos = frozenset(p for p in _lemmatizer()(word) if p in {"VERB", "NOUN", "ADJ", "ADV"})
    return pos or frozenset({"NOUN"})


_NUMBER_WORDS = frozenset(
    "zero one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty hundred".split()
)


def is_content(tok: Token) -> bool:
    """Words that must match: not stopwords, but polar words always."""
    return tok.is_word and (tok.text not in STOPWORDS or tok.text in POLAR)


def roles(tokens: list[Token], breaks: frozenset[str]) -> list[str | None]:
    """The role of every token: the last role word before it in its clause (``None`` when none).

    >>> from vstar_cli.verify.text import tokenize
    >>> toks = tokenize("moving from left to right")
    >>> [r for t, r in zip(toks, roles(toks, frozenset(",.")))]
    [None, 'source', 'source', 'goal', 'goal']
    """
    out: list[str | None] = []
    cur: str | None = None
    for i, t in enumerate(tokens):
        if t.text in breaks:
            cur = None
        elif (
            t.text in {"compared", "relative", "unlike"}
            and i + 1 < len(tokens)
            and tokens[i + 1].text in {"with", "to"}
        ):
            cur = "than"  # "compared with the glass, the cup fills faster" ~ "faster than the glass"
        elif t.text in ROLE_WORDS:
            nxt = tokens[i + 1].text if i + 1 < len(tokens) else ""
            # "to" before a verb's base form is an infinitive ("to look at"), not a goal.
            cur = None if t.text == "to" and _base_verb(nxt) else ROLE_WORDS[t.text]
        out.append(cur)
    return out


@lru_cache(maxsize=65536)
def _base_verb(word: str) -> bool:
    if not word.isalpha() or word in POLAR:
        return False
    verb = _lemmatizer()(word).get("VERB")
    return bool(verb) and verb[0] == word


def conflict(a: str, b: str) -> str | None:
    """Why word keys ``a`` and ``b`` name different things of a guarded class, if they do.

    >>> conflict("red", "blue"), conflict("left", "right"), conflict("3", "4"), conflict("red", "red")
    ('colours differ', 'opposites', 'numbers differ', None)
    """
    if a == b:
        return None
    if b in ANTONYMS.get(a, ()):
        return "opposites"
    if a in COLOURS and b in COLOURS:
        return "colours differ"
    if a in DIRECTIONS and b in DIRECTIONS:
        return "directions differ"
    if a.isdigit() and b.isdigit():
        return "numbers differ"
    return None
