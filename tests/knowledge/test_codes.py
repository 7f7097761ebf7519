"""Short forms of a story's names (country codes, initials, short aliases), spelled out in
questions: real country names from ISO 3166, none of them the shipped stories'."""

from __future__ import annotations

from knowledge.codes import ShortForms, UnspokenCountries, initials, short_forms
from knowledge.models import Entity, Event, Evidence, Place

_EV = [Evidence(source="000_a", quote="a passage of the article")]


def _named() -> list[Entity | Place | Event]:
    return [
        Entity(id="portugal", name="Portugal", kind="country", aliases=["Portuguese"], evidence=_EV),
        Entity(id="spain", name="Spain", kind="country", evidence=_EV),
        Entity(id="canada", name="Canada", kind="country", evidence=_EV),
        Place(id="bc", name="British Columbia", kind="province", evidence=_EV),
        Place(id="andalusia", name="Andalucía", kind="region", evidence=_EV),
        Entity(id="nra", name="Northern Rail Authority (the operator)", kind="body", evidence=_EV),
        Entity(id="nrb", name="National Rescue Board", kind="body", evidence=_EV),
        Entity(id="nrbx", name="National Road Bureau", kind="body", evidence=_EV),
        Entity(
            id="lisbon-summit",
            name="Lisbon Summit Group",
            kind="organisation",
            aliases=["LSG", "IT"],
            evidence=_EV,
        ),
        Entity(id="jdoe", name="Jane Doe", kind="person", aliases=["CRO"], evidence=_EV),
        Event(id="crash", name="Great Western Crash", kind="crash", evidence=_EV),
    ]


def test_initials_of_a_name_of_two_words_or_more() -> None:
    assert initials("Northern Rail Authority (the operator)") == "NRA"
    assert initials("Security Council of Freedonia") == "SCF"
    assert initials("UN Security Council") == "UNSC"
    assert initials("Sylvania-Freedonia") == "SF"
    assert initials("Freedonia") is None
    assert initials("Ruritania and Freedonia") is None  # two names
    assert initials("the border region") is None  # no name


def test_codes_from_the_standard_initials_and_short_aliases() -> None:
    forms = {code: form.id for code, form in short_forms(_named()).items()}
    assert forms["PT"] == forms["PRT"] == "portugal"
    assert forms["ESP"] == "spain"
    assert "BC" not in forms  # two letters of initials: too many other things to be made from a name
    assert forms["NRA"] == "nra"
    assert forms["LSG"] == "lisbon-summit"
    assert "CAN" not in forms  # a form word ("CAN they"): never a name
    assert "AN" not in forms  # no state codes (Andalucía is ES-AN), and "an" is a word
    assert "NRB" not in forms  # two names' initials: neither's
    assert "CRO" not in forms  # a person's short alias is an office's
    assert "GWC" not in forms  # an event is asked about by its words
    assert "IT" in forms  # a curated alias is the curator's choice (typed in capitals only, below)


def test_questions_read_with_short_forms_spelled_out() -> None:
    forms = ShortForms(_named())
    assert forms.spelled_out("what did PT say") == "what did Portugal say"
    assert forms.spelled_out("PRT's losses?") == "Portugal's losses?"
    assert forms.spelled_out("and prt?") == "and Portugal?"  # no English word in small letters
    assert forms.spelled_out("what did nra say") == "what did nra say"  # initials: in capitals only
    assert forms.spelled_out("what did NRA say") == "what did Northern Rail Authority say"
    assert forms.spelled_out("did IT say so") == "did Lisbon Summit Group say so"
    assert forms.spelled_out("did it say so") == "did it say so"  # the word
    assert forms.spelled_out("WHAT DID PRT AND IT SAY") == "WHAT DID Portugal AND IT SAY"  # all capitals
    assert forms.spelled_out("is pt.2 out") == "is pt.2 out"  # a word with more to it


def test_an_office_or_a_chat_word_is_no_name() -> None:
    named = [
        *_named(),
        Entity(id="fr", name="Freedonia Railways", kind="body", aliases=["FR"], evidence=_EV),
        Place(id="mp", name="Middle Province", kind="province", aliases=["MP"], evidence=_EV),
    ]
    forms = short_forms(named)
    assert "MP" not in forms  # a member of parliament as often
    assert "FR" not in forms  # "for real"


def test_capitals_for_a_whole_message_are_no_short_form() -> None:
    forms = ShortForms(_named())
    assert forms.spelled_out("PT vs PRT") == "Portugal vs Portugal"  # short forms alone are no shouting
    assert forms.spelled_out("WHAT DID NRA SAY ABOUT IT") == "WHAT DID NRA SAY ABOUT IT"


def test_a_form_the_articles_write_is_left_to_the_retrievers() -> None:
    assert "NRA" not in short_forms(_named(), written=frozenset({"NRA", "said"}))


def test_countries_the_texts_never_speak_of_are_found_in_a_question() -> None:
    """A country the texts never write is found in a question however it is typed; one they write, one they
    write only as the start of a longer name ("Canada Post"), and another place's name ("New Jersey") are not
    (the last is found in a question only as a name of its own)."""
    unspoken = UnspokenCountries(
        ["Portugal and Spain traded blame; Canada Post carried the letters.", '{"name": "Peru"}']
    )
    assert unspoken.named_in("What did Iran say?") == ["Iran"]
    assert unspoken.named_in("and china?") == ["china"]
    assert unspoken.named_in("did the united states react") == ["united states"]
    for question in (
        "what did portugal say",
        "and Peru?",
        "what did canada post say?",
        "a man in new jersey asks",
    ):
        assert unspoken.named_in(question) == [], question
    assert unspoken.named_in("did canada react?") == ["canada"]
    # where the asker or someone they speak of is, a name, and one of two offered ask nothing of the country
    for question in (
        "I'm reading this in Canada; how many died?",
        "did my neighbour from Canada hear it?",
        "my friend Chad asks how many died",
        "Jordan here - who started it?",
        "did Portugal or Canada react?",
        "did Canada or Portugal react?",
    ):
        assert unspoken.named_in(question) == [], question
    # a country is spoken of by any of its spellings: "Spain" speaks of "the Kingdom of Spain"
    assert unspoken.named_in("what did the kingdom of spain say") == []
