"""FuzzyIndex: what it finds, what it refuses, and that its shortcuts for scale keep results."""

from __future__ import annotations

from knowledge import index as index_module
from knowledge.index import FuzzyIndex

ENTRIES = [
    ("q-blinken", "Antony Blinken urged Azerbaijan to end hostilities on the border"),
    ("q-pashinyan", "Nikol Pashinyan said Azerbaijani forces shelled Jermuk, Goris and Kapan"),
    ("q-kremlin", "The Kremlin expressed extreme concern at the sharp deterioration of the situation"),
    ("qa-toll", "How many Armenian soldiers were killed in the September clashes?"),
    ("qa-toll", "Armenian death toll in the clashes"),
    ("qa-toll", "number of Armenian servicemen who died"),
    ("bg-karabakh", "Nagorno-Karabakh is a mountainous region at the heart of the conflict"),
]


def _index() -> FuzzyIndex:
    return FuzzyIndex(ENTRIES)


def test_exact_text_is_the_best_hit() -> None:
    """An entry's own text finds that entry first, with a perfect score."""
    text = "The Kremlin expressed extreme concern at the sharp deterioration of the situation"
    hits = _index().search(text)
    assert hits[0].key == "q-kremlin"
    assert hits[0].score == 100.0


def test_typos_are_corrected_against_the_vocabulary() -> None:
    """Misspelt names and words still land on the entry that spells them right."""
    idx = _index()
    assert "pashinyan" in idx.correct("pashinian")
    assert idx.search("pashinian shelled jermk")[0].key == "q-pashinyan"
    assert idx.search("antony blinkn hostilites")[0].key == "q-blinken"


def test_paraphrase_finds_the_item_by_its_content_words() -> None:
    """A reworded question shares content words, not wording, with the entry; it is still found."""
    hits = _index().search("what did the kremlin say about the deterioration", limit=3)
    assert hits[0].key == "q-kremlin"
    assert _index().overlap("mountainous region karabakh")[0].key == "bg-karabakh"


def test_a_question_about_nothing_indexed_finds_nothing() -> None:
    """No shared content word: no hits at all, rather than a weak guess."""
    idx = _index()
    assert idx.search("best recipe for banana bread") == []
    assert idx.overlap("best recipe for banana bread") == []
    assert idx.search("") == []
    assert idx.search("   ?!  ") == []


def test_several_texts_per_key_keep_the_best_score_once() -> None:
    """A key with several texts appears once, scored by the text that matches best."""
    hits = _index().search("Armenian death toll in the clashes", limit=10)
    keys = [h.key for h in hits]
    assert keys.count("qa-toll") == 1
    best = next(h for h in hits if h.key == "qa-toll")
    assert best.score == 100.0 and best.text == "Armenian death toll in the clashes"


def test_query_tokens_drop_stopwords_and_correct_typos() -> None:
    """Query tokens are the content words, corrected; unknown words are kept as they are."""
    idx = _index()
    assert idx.query_tokens("What did the Kremlin say about the situatoin?") == ["kremlin", "situation"]
    assert idx.knows("kremlin") and not idx.knows("the banana")
    assert "kremlin" in idx.vocabulary
    assert idx.query_tokens("zanzibar") == ["zanzibar"]


def test_short_and_numeric_tokens_are_not_corrected() -> None:
    """Correcting three-letter words or numbers would turn 49 into 50: they are left alone."""
    idx = FuzzyIndex([("a", "49 soldiers"), ("b", "50 troops"), ("c", "the war")])
    assert idx.correct("51") == []
    assert idx.correct("wor") == []


def test_common_tokens_do_not_drown_the_rare_one(monkeypatch) -> None:
    """With a token in most entries, the entry sharing the rare token is still found first."""
    monkeypatch.setattr(index_module, "COMMON_DF", 5)
    entries = [(f"filler-{i}", f"the ministry said the border was calm on day {i}") for i in range(50)]
    entries.append(("target", "the ministry said Kalbajar was shelled"))
    idx = FuzzyIndex(entries)
    assert idx.search("ministry said kalbajar shelled")[0].key == "target"
    assert idx.overlap("ministry kalbajar")[0].key == "target"
    assert len(idx.candidates("ministry border", limit=10)) == 10


def test_many_entries_stay_searchable() -> None:
    """At a few thousand entries, an exact and a mistyped query both find their entry."""
    entries = [(f"k{i}", f"report {i} from village{i} about shelling near post{i * 7}") for i in range(3000)]
    idx = FuzzyIndex(entries)
    assert len(idx) == 3000
    assert idx.search("report from village1234 about shelling")[0].key == "k1234"
    assert idx.search("village1234 shellin")[0].key == "k1234"
