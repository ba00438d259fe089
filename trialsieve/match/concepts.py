"""Match a criterion's concept to the patient facts that name it.

In order of trust: shared codes; the same words once names are normalised and synonyms from
``lexicons/synonyms.json`` (and the brand names of ``lexicons/classes.json``: Coumadin is warfarin)
rewritten to their preferred name (all of the criterion's words found in the fact, plural or
singular, so "diabetes" finds "type 2 diabetes", never the reverse); a fact that is a kind of the
criterion's class (``lexicons/classes.json``: tadalafil for "ED medication", ulcerative colitis for
"inflammatory bowel disease"); and last, embedding similarity with the bundled MiniLM at or above
``threshold`` (0.80 by default: paraphrases pass).

Words that change the disease must agree (``lexicons/qualifiers.json``): type 1 is not type 2
diabetes, secondary is not essential hypertension, NYHA class II is not class III-IV, stage I is not
metastatic. The criterion's qualifiers are read from its concept and from the words written next to
it in the criterion (``context``: the tagger often keeps "diabetes mellitus" of "type 1 diabetes
mellitus"). A fact with another value on an axis never matches, whatever its words or embedding;
where the axis is exclusive (one disease has one type, one stage) the fact contradicts the concept,
and ``contradicts`` returns it: the record documents what rules the criterion out. A fact with no
value on a strict axis neither matches nor contradicts ("diabetes mellitus" does not say which type).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

from trialsieve.extract import denied_states
from trialsieve.extract.lexicon import alternation, folded, load
from trialsieve.match import allergies
from trialsieve.match.patient import Fact

if TYPE_CHECKING:
    import numpy as np

    from trialsieve.rules import Code


class Embedder(Protocol):
    """What the matcher needs of a sentence encoder (``index.embeddings.Embedder`` is one): named
    here so that verdicts do not depend on the index layer above them."""

    def embed(self, texts: list[str]) -> np.ndarray: ...


_LEX = load("synonyms", "trialsieve.match")
_CLASSES = load("classes", "trialsieve.match")
_QUALIFIERS = load("qualifiers", "trialsieve.match")
# a brand name is read as its generic everywhere, as a synonym is
_GROUPS = [*_LEX["groups"], *([generic, *names] for generic, names in _CLASSES["brands"].items())]
_SPELLINGS = [(re.compile(pattern), american) for pattern, american in _LEX["spellings"]]


def _spelled(text: str) -> str:
    """``text`` (lower case) in American spelling: "leukaemia" is "leukemia" (``spellings``)."""
    for british, american in _SPELLINGS:
        text = british.sub(american, text)
    return text


_PREFERRED = {_spelled(folded(name)): group[0] for group in _GROUPS for name in group}


def _plural(name: str) -> str | None:
    """The regular plural of a name's last word ("malignancies", "tumors", "heart attacks"), or None
    when it has none to guess ("diabetes", "AIDS", a number)."""
    if re.search(r"[^aeiou]y$", name):
        return name[:-1] + "ies"
    if not re.search(r"[a-z]$", name) or name.endswith(("s", "x", "z", "ch", "sh")) or len(name.split()[-1]) < 4:
        return None
    return name + "s"


# "Other malignancies" is written for a record of "Malignant neoplasm of breast" as "malignancy" is: a name's
# plural is the name (drug classes have had theirs; these are the synonym groups' names)
_PREFERRED = {
    **{plural: preferred for name, preferred in _PREFERRED.items() if (plural := _plural(name))},
    **_PREFERRED,
}
_NAME = re.compile(rf"(?:{alternation(list(_PREFERRED))})")
_STOP = frozenset(_LEX["ignored_words"])
_GENERIC = frozenset(_LEX["generic_words"])
_RECEPTOR = frozenset(_LEX["receptor_words"])  # "estrogen receptors" is no estrogen
_SEMANTIC_TAG = re.compile(rf"\s*\((?:{'|'.join(map(re.escape, _LEX['semantic_tags']))})\)\s*$", re.IGNORECASE)

DEFAULT_THRESHOLD = 0.80


@lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """Lower case, punctuation to spaces, each known name rewritten to its preferred name; a SNOMED CT
    semantic tag ("Chronic sinusitis (disorder)") is no part of the name."""
    text = _SEMANTIC_TAG.sub("", text)
    text = folded(text.lower())  # "diabètes" is "diabetes": a name is the same name with or without accents
    text = re.sub(r"[^\w\s/+-]", " ", text.replace("’", "'").replace("'s", ""))
    text = _spelled(" ".join(text.split()))
    text = _HOURS.sub(r"\1 hour", text)  # "24 HR Metformin ... Extended Release": hours, no heart rate
    return _NAME.sub(lambda m: _PREFERRED[m[0]], text)


#: "hr" after a number is hours ("24 HR Metformin hydrochloride 500 MG Extended Release", RxNorm's way of
#: naming a release), never the heart rate the abbreviation names alone
_HOURS = re.compile(r"\b(\d+)\s*hrs?\b")


@lru_cache(maxsize=65536)
def words(text: str) -> frozenset[str]:
    """The content words of a normalised name."""
    return frozenset(w for w in re.split(r"[\s/-]+", text) if w and w not in _STOP)


@lru_cache(maxsize=65536)
def variants(text: str) -> tuple[str, ...]:
    """The name, the name without its parentheses, and what they hold: "FVC" in "forced vital capacity (FVC)"."""
    inside = re.findall(r"\(([^()]*)\)", text)
    outside = text
    while (shorter := re.sub(r"\([^()]*\)", " ", outside)) != outside:  # nested ones too
        outside = shorter
    return tuple(dict.fromkeys(v.strip() for v in [text, outside, *inside] if v.strip()))


_NON = re.compile(r"\b(non|anti)[\s-]+(?=[a-z0-9])")


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=65536)
def _content(name: str) -> frozenset[str]:
    """The content words of a normalised name, singular, with "non" and "anti" kept on their word
    ("non-small" is not "small"; "anti-depressants" are antidepressants)."""
    return frozenset(_singular(w) for w in words(_NON.sub(r"\1", name)))


# --- qualifier axes ---------------------------------------------------------------------------

_ROMAN = _QUALIFIERS["numbers"]["roman"]
_NUMBER = r"(iv|v|i{1,3}|\d{1,2})(?:[a-c]\d?)?(?![a-z0-9])"  # "IIIb", "IA2": the substage is dropped
_LETTER = r"([a-c])(?![a-z0-9])"
_RANGE = re.compile(r"\s*(?:-|–|to|through)\s*")
_LIST = r"\s*(?:-|–|to|through|and/or|or|and|/|,)\s*"
_AT_LEAST = ("≥", ">=", "=>", "at least", "greater than or equal to")
_ABOVE = (">", "greater than", "higher than", "more than", "above")
_AT_MOST = ("≤", "<=", "=<", "at most", "up to", "less than or equal to")
_BELOW = ("<", "less than", "lower than", "below")
_OPERATOR = "|".join(re.escape(o) for o in sorted(_AT_LEAST + _ABOVE + _AT_MOST + _BELOW, key=len, reverse=True))
_OPEN = r"(?:\s*(?:or|and)\s+(?:higher|greater|above|more|worse|over)|\s*\+)"


@dataclass(frozen=True)
class _Axis:
    name: str
    exclusive: bool
    strict: bool
    identity: bool
    overlap_agrees: bool
    lenient_values: frozenset[str]
    coexist: frozenset[str]
    only_with: frozenset[str]
    kept: frozenset[str]
    low: int
    high: int
    numbered: re.Pattern[str] | None
    value: re.Pattern[str]
    named: re.Pattern[str] | None
    named_values: dict[str, dict[str, frozenset[str]]]
    same: dict[str, str]
    #: a fact recorded absent with no value on this axis denies every value ("no heart disease": no severe one)
    absence_denies: bool = False
    #: the values a fact's own words or its values on other axes imply: (value, words, {axis: values})
    implies: tuple[tuple[str, re.Pattern[str] | None, dict[str, frozenset[str]]], ...] = ()
    #: words after a named value that are part of its marker ("area" in "pelvic area")
    tail: re.Pattern[str] | None = None

    def markers(self, text: str) -> list[tuple[int, int, str, frozenset[str]]]:
        """Where the axis is written in ``text`` (lower case): each place, the axis it gives a value on
        (a status axis gives one per biomarker: "status:her2") and the values."""
        found = []
        if self.numbered is not None:
            for m in self.numbered.finditer(text):
                if self.name == "status":
                    marker = " ".join(m["kw"].split())
                    name = f"status:{self.same.get(marker, marker)}"
                    found.append((m.start(), m.end(), name, frozenset({self.named_values["_polarity"][m["op"]]})))
                else:
                    found.append((m.start(), m.end(), self.name, self._numbers(m)))
        if self.named is not None:
            for m in self.named.finditer(text):
                phrase = " ".join(m[0].split())
                # "insufficiently controlled": the opposite of the state it denies, never the state
                phrase = phrase if phrase in self.named_values else _denial(phrase)
                end = tail.end() if self.tail is not None and (tail := self.tail.match(text, m.end())) else m.end()
                for name, values in self.named_values[phrase].items():
                    found.append((m.start(), end, name, values))
        return found

    def _numbers(self, m: re.Match[str]) -> frozenset[str]:
        values = [(v.start(), v.end(), self._read(v[1])) for v in self.value.finditer(m["values"])]
        numbers = [values[0][2]]
        for (_, end, _), (start, _, number) in itertools.pairwise(values):
            if _RANGE.fullmatch(m["values"][end:start]):
                numbers += range(numbers[-1] + 1, number)
            numbers.append(number)
        operator = m["op"] or m["before"]
        if operator in _AT_LEAST or m["open"]:
            numbers += range(numbers[-1], self.high + 1)
        elif operator in _ABOVE:
            numbers = list(range(numbers[-1] + 1, self.high + 1))
        elif operator in _AT_MOST:
            numbers += range(self.low, numbers[0])
        elif operator in _BELOW:
            numbers = list(range(self.low, numbers[0]))
        return frozenset(str(n) for n in numbers)

    def _read(self, value: str) -> int:
        if value.isdigit():
            return int(value)
        return _ROMAN[value] if value in _ROMAN else "abc".index(value) + 1


def _axis(name: str, spec: dict) -> _Axis:
    value = _LETTER if spec.get("letters") else _NUMBER
    numbered = None
    named_values: dict[str, dict[str, frozenset[str]]] = {}
    same = spec.get("same", {})
    if spec.get("status"):  # "HER2-negative": a biomarker, then its status
        keywords = alternation(spec["keywords"]).replace(r"\-", r"[\s-]?")
        polarity = spec["polarity"]
        numbered = re.compile(
            rf"(?<![\w-])(?P<kw>{keywords})(?:\s*[-/:]?\s*)(?P<op>{alternation(list(polarity))})(?![\w])(?P<values>)(?P<open>)"
        )
        named_values["_polarity"] = polarity
        for phrase, statuses in spec.get("words", {}).items():
            named_values[" ".join(phrase.split())] = {f"status:{k}": frozenset({v}) for k, v in statuses.items()}
    else:
        if spec.get("keywords"):
            keywords = alternation(spec["keywords"]).replace(r"\-", r"[\s-]?")
            numbered = re.compile(  # the comparator after the axis word or before it: "grade >= 3", ">= grade 3"
                rf"(?:(?P<before>{_OPERATOR})\s*)?(?<![\w-])(?:{keywords})\s*[-:]?\s*(?:(?P<op>{_OPERATOR})\s*)?"
                rf"(?P<values>{value}(?:{_LIST}{value})*)(?P<open>{_OPEN})?"
            )
        for phrase, values in spec.get("words", {}).items():
            named_values[" ".join(phrase.split())] = {name: frozenset(values)}
    phrases = [k for k in named_values if not k.startswith("_")]
    # a state under a negation ("not well controlled", "sub-optimally controlled") gives the value of its
    # opposite where the axis names both; read first, so that the state word inside it is not read alone
    denied = [s for s, o in denied_states.OPPOSITES.items() if s in named_values and o in named_values]
    either = [denied_states.pattern(denied)] if denied else []
    return _Axis(
        name=name,
        exclusive=spec["exclusive"],
        strict=spec["strict"],
        identity=spec.get("identity", False),
        overlap_agrees=spec.get("overlap_agrees", False),
        lenient_values=frozenset(spec.get("lenient_values", [])),
        coexist=frozenset(spec.get("coexist_words", [])),
        only_with=frozenset(spec.get("only_with", [])),
        kept=frozenset(spec.get("kept_words", [])),
        low=spec.get("min", 0),
        high=spec.get("max", 0),
        numbered=numbered,
        value=re.compile(rf"(?<![a-z0-9]){value}"),
        # "metastatic" in "non-metastatic" is not metastatic
        named=re.compile(f"(?<!non-)(?<!non )(?:{'|'.join([*either, alternation(phrases)])})") if phrases else None,
        named_values=named_values,
        same=same,
        absence_denies=spec.get("absence_denies", False),
        implies=tuple(_implications(name, spec)),
        tail=re.compile(rf"\s+(?:{alternation(spec['tails'])})") if spec.get("tails") else None,
    )


_IMPLIES_KEYS = frozenset({"_doc", "words", "values"})


def _denial(phrase: str) -> str:
    """The axis word for the opposite a denied state phrase names: "not stable" -> "unstable"."""
    found = denied_states.opposite(phrase)
    if found is None:
        raise KeyError(phrase)
    return found


def _implications(name: str, spec: dict) -> list[tuple[str, re.Pattern[str] | None, dict[str, frozenset[str]]]]:
    """An axis's ``implies``: for each of its values, the words and the values on other axes that give
    it ("decompensated", CKD stage 4-5: severe). Checked here, so that a misspelt key or value in the
    lexicon fails at import instead of quietly implying nothing."""
    own = {v for values in spec.get("words", {}).values() for v in values}
    if spec.get("keywords") and not spec.get("status"):
        own |= {str(n) for n in range(spec.get("min", 0), spec.get("max", 0) + 1)}
    found = []
    for value, rule in spec.get("implies", {}).items():
        if value not in own or not rule.keys() <= _IMPLIES_KEYS or not (rule.get("words") or rule.get("values")):
            raise ValueError(f"qualifiers.json: axis {name!r} implies {value!r}: {sorted(rule)}")
        unknown = set(rule.get("values", {})) - set(_QUALIFIERS["axes"])
        if unknown or name in rule.get("values", {}):
            raise ValueError(f"qualifiers.json: axis {name!r} implies {value!r} from unknown axes {sorted(unknown)}")
        said = rule.get("words")
        words_ = re.compile(rf"(?<![\w-])(?<!non )(?:{alternation(said)})(?![\w-])") if said else None
        values = {axis: frozenset(v) for axis, v in rule.get("values", {}).items()}
        found.append((value, words_, values))
    return found


_AXES = {name: _axis(name, spec) for name, spec in _QUALIFIERS["axes"].items()}
_KEPT = frozenset().union(*(axis.kept for axis in _AXES.values()))
_Values = dict[str, frozenset[str]]


def _axis_of(name: str) -> _Axis:
    """The axis a value is on: "status:her2" is on the status axis."""
    return _AXES[name.split(":")[0]]


def _lowered(text: str) -> str:
    """Lower case, accents off, the registry's markdown escapes ("\\>") blanked; the same length as ``text``."""
    return folded(text.lower()).replace("\\", " ").replace("’", "'")


@lru_cache(maxsize=65536)
def _qualified(text: str, asserted: bool = False) -> tuple[_Values, str]:
    """The values ``text`` gives on each axis, and ``text`` without those of strict axes, normalised:
    "type 1 diabetes" -> ({type: {1}}, "diabetes mellitus"). Words that name the scale stay ("NYHA class
    III" keeps "nyha"), and so do lenient qualifiers, which a fact need not repeat but whose words are
    part of the name ("systemic sclerosis" is not "sclerosis"). A criterion's qualifiers on one axis are
    alternatives ("locally advanced or metastatic"); a fact's (``asserted``) all hold at once ("invasive
    carcinoma with bone metastases" is stage IV), unless they cannot."""
    lowered = " ".join(_lowered(text).replace("'s", "").split())
    prepared = _NAME.sub(lambda m: _PREFERRED[m[0]], lowered)
    named = _content(normalise(text))
    values: dict[str, list[frozenset[str]]] = {}
    keep = [True] * len(prepared)
    kept: list[str] = []
    for axis in _AXES.values():
        if axis.only_with and not axis.only_with & named:
            continue
        if axis.name == "status":  # before synonyms: "EGFR mutation" is not the filtration rate
            for _, _, name, given in axis.markers(lowered):
                values.setdefault(name, []).append(given)
        for start, end, name, given in axis.markers(prepared):
            values.setdefault(name, []).append(given)
            if axis.strict:
                keep[start:end] = [False] * (end - start)
                kept += [w for w in re.split(r"[\s-]+", prepared[start:end]) if w in axis.kept]
    if not values:
        return (_implied(prepared, {}) if asserted else {}), normalise(text)
    rest = "".join(c if k else " " for c, k in zip(prepared, keep, strict=True))
    combined = {}
    for name, given in values.items():
        union = frozenset().union(*given)
        combined[name] = (frozenset.intersection(*given) or union) if asserted else union
    return (_implied(prepared, combined) if asserted else combined), normalise(" ".join([*dict.fromkeys(kept), rest]))


def _implied(prepared: str, values: _Values) -> _Values:
    """A fact's ``values`` with those its words imply on axes it gives no value on (``implies`` in
    qualifiers.json): "chronic kidney disease stage 4" is severe, "cirrhosis, decompensated" is
    uncontrolled. Only facts: a criterion asks for what it writes, and a fact's own value always wins."""
    found = dict(values)
    for axis in _AXES.values():
        if axis.name in values:
            continue
        for value, said, others in axis.implies:
            by_values = any(name in values and values[name] <= given for name, given in others.items())
            if by_values or (said is not None and said.search(prepared)):
                found[axis.name] = frozenset({value})
                break
    return found


def _markers(text: str) -> list[tuple[int, int]]:
    """Where any qualifier is written in ``text`` (lower case), in order."""
    return sorted({(s, e) for axis in _AXES.values() for s, e, _, _ in axis.markers(text)})


_SEPARATORS = frozenset(_QUALIFIERS["separator_words"])
_CHAIN = re.compile(r"[\s()]*(?:,|/|and/or|or|and)?[\s()]*")
_GLUED = re.compile(r"\banti[ -]?$")  # "anti-hyperglycemic"; "non-" is a negation the structure reads
_SUFFIX_AFTER = re.compile(r"[ \t]+(?:medications?|medicines?|drugs?|agents?|therapy|therapies)\b")


def _gap(text: str) -> bool:
    """May a qualifier this far before a concept be its own? At most two words, no separator, no punctuation."""
    if re.search(r"[^\w\s()'-]", text):
        return False
    found = re.findall(r"[\w'-]+", text)
    return len(found) <= 2 and not any(w in _SEPARATORS for w in found)


@lru_cache(maxsize=16384)
def in_context(text: str, context: str | None) -> str:
    """``text`` with the qualifiers written next to it in ``context``: "diabetes mellitus" in "type 1
    diabetes mellitus", "hypertension" in "Secondary hypertension", "heart failure" in "NYHA Class III
    and IV heart failure", "ED" in "not taking any ED medication" (a suffix word names the drugs)."""
    if not context:
        return text
    low, needle = _lowered(context), _lowered(text).strip()
    at = low.find(needle) if needle else -1
    if at < 0:
        return text
    start, end = at, at + len(needle)
    markers = _markers(low)
    for s, e in markers:  # a qualifier the concept is part of ("NYHA" in "NYHA class III")
        if s < end and e > start:
            start, end = min(start, s), max(end, e)
    attached = False
    while True:  # leftwards: "type 1 | diabetes", "primary | brain | tumors", "type 1 or | type 2 | diabetes"
        if glued := _GLUED.search(low, 0, start):
            start = glued.start()
            continue
        before = [(s, e) for s, e in markers if e <= start]
        if not before:
            break
        s, e = before[-1]
        if not (_CHAIN.fullmatch(low[e:start]) if attached else _gap(low[e:start])):
            break
        start, attached = s, True
    attached = False
    while True:  # rightwards: "heart failure | (NYHA class III or IV)", "ED | medication"
        gap = re.match(r"[ \t]*\(?[ \t]*" if not attached else _CHAIN.pattern, low[end:])
        after = [(s, e) for s, e in markers if s == end + gap.end()]
        if after:
            end, attached = after[0][1], True
            if closing := re.match(r"[ \t]*\)", low[end:]):
                end += closing.end()
            continue
        if not attached and (suffix := _SUFFIX_AFTER.match(low, end)):
            end = suffix.end()
        break
    return context[start:end].replace("\\", "").strip()


_SAME_DISEASE_IGNORES = frozenset(_QUALIFIERS["same_disease_ignores"])


def _same(wanted: frozenset[str], have: frozenset[str]) -> bool:
    """Do two names, their qualifiers left out, name the same disease? "diabetes mellitus" and "diabetes
    mellitus (disorder)" do; "hypertension" and "pulmonary arterial hypertension" do not."""
    ignored = _SAME_DISEASE_IGNORES | _KEPT  # "nyha" names the scale, not the disease
    return bool(wanted - ignored) and wanted - ignored == have - ignored


def _agreement(wanted: _Values, have: _Values, both: frozenset[str], relaxed: bool = False) -> str:
    """Do a fact's qualifiers (``have``) fit the criterion's (``wanted``)? ``both``: the content words of the two.

    agree; undetermined (the fact does not say, on a strict axis, or gives more than the criterion
    allows); differs (another value: another disease); contradicts (another value on an exclusive
    axis, and otherwise the same disease: the fact rules the criterion out). ``relaxed``: the fact is a
    member of the very class the criterion names ("renovascular hypertension" of "secondary
    hypertension"), so its silence is not undetermined.
    """
    found = set()
    for name, values in wanted.items():
        axis = _axis_of(name)
        given = have.get(name)
        if given is None:
            if axis.strict and not relaxed and not values <= axis.lenient_values:
                found.add("undetermined")
        elif not given <= values:
            if given & values and axis.overlap_agrees:
                continue
            if given & values:
                found.add("undetermined")
            elif axis.exclusive and not axis.coexist & both:
                found.add("contradicts")
            else:
                found.add("differs")
    if "contradicts" in found and any(_axis_of(n).identity for n in have.keys() - wanted.keys()):
        found.add("undetermined")  # "breast cancer stage I" does not rule out "metastatic cancer"
    if "differs" in found:
        return "differs"
    if "undetermined" in found:
        return "undetermined"
    return "contradicts" if "contradicts" in found else "agree"


# --- classes ----------------------------------------------------------------------------------

_SCALE_WORDS = frozenset().union(*(axis.kept for axis in _AXES.values()))  # "nyha": a scale's name
_SPECS = _CLASSES["classes"]
_FILLER = frozenset(_CLASSES["filler_words"]) | _STOP
_SUFFIX = frozenset(_CLASSES["suffix_words"])
#: which facts a class's members are named by: drugs by any fact but a procedure or a value (an
#: allergy to penicillin names penicillin); diseases by conditions; procedures also by a condition
#: ("history of appendectomy")
_ANSWERS = {
    "drug": frozenset({"drug", "condition", "observation", "device"}),
    "condition": frozenset({"condition", "observation"}),
    "procedure": frozenset({"procedure", "condition"}),
    "measurement": frozenset({"measurement"}),
}


@lru_cache(maxsize=65536)
def _key(name: str) -> tuple[frozenset[str], bool]:
    """How a normalised name names a class: its words, singular, less filler ("other", "treatment
    with") and suffix words ("medication", "agents"); and whether it had a suffix word."""
    found = [w for w in words(_NON.sub(r"\1", name)) if w not in _FILLER]
    return frozenset(_singular(w) for w in found if w not in _SUFFIX), any(w in _SUFFIX for w in found)


def _tokens(name: str) -> str:
    return " ".join(re.findall(r"[^\s/]+", name))


_ALIASES: dict[frozenset[str], list[tuple[bool, str]]] = {}
_MEMBERS: dict[str, set[str]] = {}
for _cls, _spec in _SPECS.items():
    for _alias in [_cls, *_spec["aliases"]]:
        _found, _suffixed = _key(normalise(_alias))
        _ALIASES.setdefault(_found, []).append((_suffixed, _cls))
    for _member in _spec["members"]:
        _MEMBERS.setdefault(_tokens(normalise(_member)), set()).add(_cls)
_LONGEST = max(len(m.split()) for m in _MEMBERS)
_KNOWN = frozenset(_key(normalise(n))[0] for n in [*_PREFERRED.values(), *_MEMBERS])


@lru_cache(maxsize=65536)
def _named(name: str) -> frozenset[str]:
    """The classes a normalised name names: "CYP3A4 inhibitors", "other VEGF inhibitors", "ED medication".

    An alias written with a suffix word ("ED medication") needs one in the name too: "ED" alone is
    the condition, not its drugs; and a name with one names the drugs where there are ("dementia
    medication" is not dementia)."""
    found, suffixed = _key(name)
    aliases = _ALIASES.get(found, []) if found else []
    drugs = frozenset(cls for needs, cls in aliases if needs and suffixed)
    return drugs or frozenset(cls for needs, cls in aliases if not needs)


@lru_cache(maxsize=4096)
def _below(cls: str) -> frozenset[str]:
    """The class and every class it includes, all the way down."""
    return frozenset({cls}).union(*(_below(c) for c in _SPECS[cls].get("includes", [])))


@lru_cache(maxsize=65536)
def _classes_of(name: str) -> frozenset[str]:
    """The classes a normalised fact name is a member of, or names itself ("alpha blocker"); a member may be
    written in the plural ("implantable cardioverter defibrillators", "ICDs")."""
    tokens = _tokens(name).split()
    found = set(_named(name))
    for i in range(len(tokens)):
        for j in range(i + 1, min(len(tokens), i + _LONGEST) + 1):
            found |= _MEMBERS.get(" ".join(tokens[i:j]), set())
            found |= _MEMBERS.get(" ".join([*tokens[i : j - 1], _singular(tokens[j - 1])]), set())
    return frozenset(found)


def names_class(text: str) -> bool:
    """Whether ``text`` names a class outright, every word of it less filler ("a pathological condition that
    carries a high risk of bleeding" is the bleeding disorders), not a member or a class beside other words."""
    return bool(_named(normalise(text)))


# --- matching ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    fact: Fact
    how: str  # code, lexicon, kind_of, embedding, finding (a value named by its finding), contradicts
    score: float

    def describe(self) -> str:
        return f"{self.how} {self.score:.2f}" if self.how == "embedding" else self.how


@dataclass(frozen=True)
class _Concept:
    text: str  # with the qualifiers written next to it
    wanted: str  # normalised
    words: frozenset[str]
    base: frozenset[str]  # the words less its qualifiers
    bare: str  # the name less its strict qualifiers, normalised: what a fact that does not say them is near
    values: _Values
    needs: tuple[frozenset[str], ...]  # the words each variant needs, qualifiers left out
    own: frozenset[str]  # classes the qualified name names ("secondary hypertension"), and below
    kinds: frozenset[str]  # classes its name less its qualifiers names ("corticosteroids"), and below
    parts: tuple[str, ...]  # a list of concepts, each answering it ("Alpha blockers and Nitrates")


@dataclass(frozen=True)
class _Fact:
    words: frozenset[str]
    base: frozenset[str]  # the words less its qualifiers
    values: _Values
    kinds: frozenset[str]
    base_kinds: frozenset[str]  # the classes its name less its qualifiers is a member of, and no more


@lru_cache(maxsize=65536)
def _fact(text: str) -> _Fact:
    name = normalise(text)
    values, rest = _qualified(text, asserted=True)
    exactly = frozenset(_MEMBERS.get(_tokens(rest), set())) | _named(rest)
    return _Fact(_content(name), _content(rest), values, _classes_of(name), exactly)


def _down(classes: frozenset[str]) -> frozenset[str]:
    return frozenset().union(*(_below(c) for c in classes))


_LIST_SEPARATOR = re.compile(r"\s*(?:,|;|/|\band/or\b|\bor\b|\band\b)\s*")


def _parts(text: str) -> tuple[str, ...]:
    """A list of known concepts in one name ("myocardial infarction, cerebrovascular disease",
    "antipyretics/analgesics", "Alpha blockers and Nitrates of any preparation"): any one answers it.
    Every part must be a known name; "and" joins only classes (two diseases joined by "and" may mean both)."""
    low = _lowered(text)
    inside = _markers(low)
    cuts = [m for m in _LIST_SEPARATOR.finditer(low) if not any(s <= m.start() < e for s, e in inside)]
    if not cuts:
        return ()
    edges = [0, *(x for m in cuts for x in (m.start(), m.end())), len(text)]
    parts = [text[a:b].strip() for a, b in zip(edges[::2], edges[1::2], strict=True)]
    parts = [p for p in parts if p]
    named = [bool(_named(normalise(p))) for p in parts]
    known = [n or _key(normalise(p))[0] in _KNOWN for p, n in zip(parts, named, strict=True)]
    conjunction = any(m[0].strip() == "and" for m in cuts)
    if len(parts) < 2 or not all(known) or (conjunction and not all(named)):
        return ()
    return tuple(parts)


def _lend(text: str, lent: tuple[str, ...]) -> str:
    """``text`` with each lent qualifier written before it that names a value on an axis it gives none
    on: "diabetes" lent "uncontrolled" in "Uncontrolled hypertension or diabetes" is "uncontrolled
    diabetes". A lent state that is no axis word ("known", "history of") is the structure's to read."""
    given = _qualified(text)[0]
    extra = [q for q in lent if (axes := _qualified(q)[0]) and not axes.keys() & given.keys()]
    return " ".join([*extra, text])


@lru_cache(maxsize=16384)
def _concept(text: str, context: str | None, lent: tuple[str, ...] = ()) -> _Concept:
    written = in_context(text, context)
    text = _lend(written, lent)
    values, base = _qualified(text)
    needs, own, kinds_ = [], set(), set()
    for variant in variants(text):
        _, rest = _qualified(variant)
        if need := _content(rest):
            needs.append(need)
        own |= _named(normalise(variant))
        kinds_ |= _named(rest)
    wanted = normalise(text)
    return _Concept(
        text=text,
        wanted=wanted,
        words=_content(wanted),
        base=_content(base),
        bare=base,
        values=values,
        needs=tuple(needs),
        own=_down(frozenset(own)),
        kinds=_down(frozenset(kinds_)),
        parts=() if own else tuple(_lend(part, lent) for part in _parts(written)),
    )


#: the axes that say what a concept named only by its qualifiers is: "brain metastases" is a
#: secondary cancer at the brain, whatever else a fact says of it (its stage, the breast it came from)
_NAMING_AXES = ("origin", "site")


def _named_by_qualifiers(concept: _Concept, fact: _Fact) -> bool:
    """Whether a concept whose words are all qualifiers ("brain metastases", "CNS metastases": no
    disease word is left once they are read) is the fact: the fact holds each of its origin and site
    values. Such a concept had nothing to match, so a patient with "Secondary malignant neoplasm of
    brain", or "brain metastases" word for word, read as not having them."""
    if concept.needs or not concept.values:
        return False
    wanted = {axis: values for axis, values in concept.values.items() if axis in _NAMING_AXES}
    return bool(wanted) and all(values <= fact.values.get(axis, frozenset()) for axis, values in wanted.items())


def _denied(concept: _Concept, fact: _Fact, relaxed: bool) -> bool:
    """Does a fact recorded absent deny the qualified concept? It does when only axes whose absence
    denies every value (``absence_denies``: severity, control, stability) leave it undetermined: no
    heart disease is no severe heart disease, whether "severe" is written or lent by a list."""
    kept = {n: v for n, v in concept.values.items() if not (_axis_of(n).absence_denies and n not in fact.values)}
    both = concept.words | fact.words
    return len(kept) < len(concept.values) and _agreement(kept, fact.values, both, relaxed) == "agree"


def _kind_of(fact: Fact, classes: frozenset[str], wanted: frozenset[str]) -> bool:
    return any(c in wanted and fact.kind in _ANSWERS[_SPECS[c]["kind"]] for c in classes)


def _negates(a: frozenset[str], b: frozenset[str]) -> bool:
    """Does one name say "non-X" where the other says X ("non-small cell" against "small cell")?"""
    return any("non" + w in b for w in a) or any("non" + w in a for w in b)


_SURGICAL = re.compile(_QUALIFIERS["axes"]["size"]["surgical"])


def _unsized_surgery(concept: _Concept, fact: Fact, named: _Fact) -> bool:
    """Whether ``fact`` is an operation the record names without its size, asked about as a sized one
    ("Appendectomy" for "major surgery"): it may or may not have been major, so it settles nothing,
    where matching it would exclude a patient after minor surgery and ignoring it would presume none. Not an
    operation that is major by definition (a member of the class "major surgery" names: a hip replacement, a
    mastectomy): that one meets it."""
    return (
        "size" in concept.values
        and fact.kind == "procedure"
        and "size" not in named.values
        and bool(_SURGICAL.search(_lowered(fact.text)))
        and not _kind_of(fact, named.kinds, concept.own)
    )


class ConceptMatcher:
    """Finds the facts that name a concept; ``embedder`` None keeps to codes and words."""

    def __init__(self, embedder: Embedder | None = None, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.embedder = embedder
        self.threshold = threshold

    def find(
        self,
        text: str,
        facts: list[Fact],
        code: Code | None = None,
        context: str | None = None,
        lent: tuple[str, ...] = (),
    ) -> list[Match]:
        """Every fact that names the concept ``text``, best first. ``context``: the criterion text the
        concept is written in, whose qualifiers next to it are the concept's ("type 1" before "diabetes");
        ``lent``: the states a list lends it ("uncontrolled" in "Uncontrolled hypertension or diabetes")."""
        if not facts:
            return []
        found, _, _ = self._sort(_concept(text, context, lent), facts, code, embed=True)
        return sorted(found.values(), key=lambda m: -m.score)

    def contradicts(
        self,
        text: str,
        facts: list[Fact],
        code: Code | None = None,
        context: str | None = None,
        lent: tuple[str, ...] = (),
    ) -> list[Match]:
        """The facts that rule the concept out: the same disease with another type, stage, class or grade
        ("type 2 diabetes mellitus" for "type 1 diabetes mellitus"). For a list, only when every item is."""
        if not facts:
            return []
        _, against, _ = self._sort(_concept(text, context, lent), facts, code, embed=False)
        return list(against.values())

    def undetermined(
        self,
        text: str,
        facts: list[Fact],
        code: Code | None = None,
        context: str | None = None,
        lent: tuple[str, ...] = (),
    ) -> list[Match]:
        """The facts that name the concept but not its type, stage, class or grade ("heart failure" for
        "NYHA class III or IV heart failure"): they neither meet it nor rule it out."""
        if not facts:
            return []
        concept = _concept(text, context, lent)
        _, _, unsure = self._sort(concept, facts, code, embed=True)
        core = concept.base - _SCALE_WORDS  # "heart failure" names NYHA class III heart failure, class unsaid
        for i, fact in enumerate(facts):
            named = _fact(fact.text)
            unsaid = concept.values and core and core <= named.words and not named.values.keys() & concept.values.keys()
            if unsaid or _unsized_surgery(concept, fact, named):  # "Appendectomy" for "major surgery": size unsaid
                unsure.setdefault(i, Match(fact, "undetermined", 1.0))
        return list(unsure.values())

    def _sort(
        self, concept: _Concept, facts: list[Fact], code: Code | None, embed: bool
    ) -> tuple[dict[int, Match], dict[int, Match], dict[int, Match]]:
        """The facts that match the concept, those that contradict it, and those that name it without
        saying its type, stage or class; by index."""
        if concept.parts:
            found: dict[int, Match] = {}
            against: list[dict[int, Match]] = []
            unsure: dict[int, Match] = {}
            for part in concept.parts:
                matched, refuted, unsettled = self._sort(_concept(part, None), facts, code, embed)
                for i, m in matched.items():
                    if i not in found or m.score > found[i].score:
                        found[i] = m
                against.append(refuted)
                unsure.update(unsettled)
            ruled_out = {i: m for r in against for i, m in r.items()} if all(against) else {}
            return found, {i: m for i, m in ruled_out.items() if i not in found}, unsure
        found, against, unsure, rest, vague = {}, {}, {}, [], []
        for i, fact in enumerate(facts):
            if not allergies.answers(fact.text, concept.text):
                continue  # "allergy to penicillin" says the patient cannot take penicillin, not that they do
            if code is not None and any((c.system, c.code) == (code.system, code.code) for c in fact.codes):
                found[i] = Match(fact, "code", 1.0)
                continue
            named = _fact(fact.text)
            if named.words & _RECEPTOR and not concept.words & _RECEPTOR:
                continue  # the receptor of a substance ("estrogen receptors"), not the substance
            relaxed = bool(concept.own) and _kind_of(fact, named.kinds, concept.own)
            how = None
            if any(n <= named.words for n in concept.needs if n - _GENERIC):  # "disease" alone names nothing
                how = "lexicon"
            elif relaxed or (concept.kinds and _kind_of(fact, named.kinds, concept.kinds)):
                how = "kind_of"
            agreement = _agreement(concept.values, named.values, concept.words | named.words, relaxed)
            if how is None and _named_by_qualifiers(concept, named):
                how, agreement = "lexicon", "agree"  # "brain metastases": "Secondary malignant neoplasm of brain"
            elif _negates(concept.words, named.words):
                agreement = "differs"
            elif agreement == "undetermined" and not fact.present and _denied(concept, named, relaxed):
                agreement = "agree"  # "heart disease: absent" denies "severe heart disease"
            if how and agreement == "agree":
                found[i] = Match(fact, how, 1.0)
            elif agreement == "contradicts" and (_same(concept.base, named.base) or named.base_kinds & concept.kinds):
                # the same disease, or a member of the class the criterion names ("prostate adenocarcinoma,
                # stage II" against "metastatic prostate cancer")
                against[i] = Match(fact, "contradicts", 1.0)
            elif agreement == "agree":
                rest.append(i)
            elif how and agreement == "undetermined":
                unsure[i] = Match(fact, "undetermined", 1.0)
            elif agreement == "undetermined":
                vague.append(i)
        # a concept of generic words only ("other disorders", "injections") names nothing a paraphrase could
        if embed and self.embedder is not None and concept.words - _GENERIC and (rest or vague):
            # a paraphrase that does not say the qualifier ("anxiety" for "mild anxiety disorder") is
            # undetermined as a named one is, not absent from the record
            named = [normalise(facts[i].text) for i in rest + vague]
            vectors = self.embedder.embed([concept.wanted, concept.bare, *named])
            scores = vectors[2:] @ vectors[:2].T
            for n, i in enumerate(rest + vague):
                if n < len(rest) and scores[n, 0] >= self.threshold:
                    found[i] = Match(facts[i], "embedding", float(scores[n, 0]))
                elif n >= len(rest) and scores[n, 1] >= self.threshold:
                    unsure[i] = Match(facts[i], "embedding", float(scores[n, 1]))
        return found, against, unsure
