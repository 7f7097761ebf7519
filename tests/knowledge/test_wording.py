"""Questions in plain words: chat spellings and number words, before anything reads them."""

from __future__ import annotations

import os

import pytest

from knowledge.analysis import holds_count
from knowledge.wording import plain_question, without_asides, without_greeting


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("hw many ppl got killed lol", "how many people got killed"),
        ("wat did blinken say abt russia", "what did blinken say about russia"),
        ("r u a bot", "are you a bot"),
        # a contraction typed without its apostrophe is the contraction, not the nearest story word
        ("wats the alliance", "what is the alliance"),
        ("what were they tryna do acc to Smith", "what were they trying to do according to Smith"),
        # British chat
        ("he say owt about Sylvania", "what did he say about Sylvania?"),
        ("does Freedonia flog weapons to em", "does Freedonia sell weapons to them"),
        ("does the bloke reckon its calming down", "does the man think its calming down"),
        ("did forty-nine soldiers die?", "did 49 soldiers die?"),
        # an ordinal in digits before what it counts is the word the articles write
        ("when was the 1st one", "when was the first one"),
        ("how long was their 2nd war", "how long was their second war"),
        ("about thirty thousand people died", "about 30000 people died"),
        # speech typed by a machine: a year said as it is spoken, an initialism spelled letter by letter
        ("was the twenty twenty truce brokered by them", "was the 2020 truce brokered by them"),
        ("what happened in nineteen ninety four", "what happened in 1994"),
        ("nineteen people died", "19 people died"),
        ("twenty three people died", "23 people died"),
        # "so" before a word of speech goes with it; "so many" is no opener; "'s been" is "has been"
        ("so wait how many died", "how many died"),
        ("so many died?", "so many died?"),
        ("whos been running the talks", "who has been running the talks"),
        # a question word's "'d" before whom it asks about is "did", before a verb "would", before "been"
        # "had"; before a subject and a verb "did" cannot take, or a participle, it stays as typed
        ("who'd he phone when it began", "who did he phone when it began"),
        ("howd Zorbin take it", "how did Zorbin take it"),
        ("who'd win if it goes on", "who would win if it goes on"),
        ("who'd have thought", "who would have thought"),
        ("who'd been hurt", "who had been hurt"),
        ("who'd you rather have in charge", "who'd you rather have in charge"),
        ("who'd called him", "who had called him"),
        ("who'd already left", "who had already left"),  # irregular pasts too (lemminflect)
        ("what'd Freedonia do", "what did Freedonia do"),  # a name, a plural, or before a plain verb
        ("what'd officials say", "what did officials say"),
        ("what'd freedonia do", "what did freedonia do"),
        ("what'd u say", "what did you say"),
        ("howdy folks", "howdy folks"),
        ("is it still in the c s t o", "is it still in the csto"),
        ("what time was it in g.m.t.", "what time was it in gmt"),
        # whether someone said anything at all asks what they said; a check of what they said stays one
        ("did Freedonia say anything abt it", "what did Freedonia say about it?"),
        ("has the envoy commented on the toll?", "what did the envoy say on the toll?"),
        ("did Freedonia say that 40 died?", "did Freedonia say that 40 died?"),
        ("UN chief said anything or silent as usual", "what did UN chief say?"),  # chat drops the auxiliary
        ("nobody said anything", "nobody said anything"),
        ("train kab derail hua", "when train derail"),  # romanised Hindi: question words first, no particles
        ("kitne log mare", "how many people died"),  # and its common content words
        ("14 dibbe patri se utre?", "14 coaches track derailed?"),
        ("kitne gambhir ghayal hue?", "how many seriously injured"),  # a word the lexicon lacked before
        ("12 dibbe utre, sahi hai?", "12 coaches derailed, right"),  # a check's tag, read as "right?"
        # a polite frame around a question goes, and an embedded question takes a question's order
        ("could you remind me how many soldiers died?", "how many soldiers died?"),
        ("do you know who the mayor is", "who is the mayor?"),
        # a frame asking whoever reads the chat, and one before what is asked for by name
        ("does anyone know who the mayor is", "who is the mayor?"),
        ("can someone remind me of the date the strike started?", "what is the date the strike started?"),
        ("I was wondering whether the talks went ahead", "I was wondering whether the talks went ahead"),
        # what something is called asks its name, not about a call; "who called…" and "called by" stay calls
        ("what's the Freedonian premier called again?", "what is the name of the Freedonian premier?"),
        ("what was that alliance named", "what is the name of that alliance"),
        ("who called the premier?", "who called the premier?"),
        ("what was Smith called by the minister?", "what was Smith called by the minister?"),
        ("what were the countries Zorbin called?", "what were the countries Zorbin called?"),
        ("what was the country he called?", "what was the country he called?"),
    ],
)
def test_chat_spellings_and_number_words_become_plain(typed: str, plain: str) -> None:
    """Chat abbreviations expand and number words (through text2num) become digits."""
    assert plain_question(typed) == plain


@pytest.mark.parametrize(
    "text",
    [
        "who is the u.s. secretary of state",
        "no one was killed",
        "what about the US?",
        "Armenia's PM",
        "the first one",
        # a date's ordinal stays one
        "what happened on the 2nd",
        "on the 1st of may",
        "the 3rd September",
    ],
)
def test_ordinary_wording_is_left_alone(text: str) -> None:
    """Abbreviations inside dotted acronyms, lone small numbers and names stay as typed."""
    assert plain_question(text) == text


def test_typos_are_mended_against_the_story_words_then_english() -> None:
    from knowledge.wording import Speller

    speller = Speller(["Karabakh", "Azerbaijan", "parliament", "peacekeepers"])
    assert speller.mend("how many peacekeepers in karabak") == "how many peacekeepers in karabakh"
    assert speller.mend("what did Azerbajan tell the parliment") == "what did Azerbaijan tell the parliament"
    assert speller.mend("the frist war") == "the first war"  # not a story word: the English dictionary's
    # a name inside a sentence that the story does not know is no typo of an English word ("shush")
    assert speller.mend("did it happen near Shusha?") == "did it happen near Shusha?"
    assert speller.mend("Frist, the war") == "First, the war"  # a sentence's first word is no name
    # nor is a name mended into a word the story writes in lower case: "Merkel" is no "marked"
    lower = Speller(["Azerbaijan", "marked", "marked", "Marked"])
    assert lower.mend("was it Angela Merkel who said so") == "was it Angela Merkel who said so"
    assert lower.mend("what did Azerbajan say") == "what did Azerbaijan say"
    assert speller.mend("who said it and when") == "who said it and when"  # English words stay
    # a word the analysis reads in a phrase rule is no typo: "prez" is the president, not "prep"
    assert speller.mend("who is the prez") == "who is the prez"
    assert speller.mend("whos doin the talkin") == "whos doing the talking"  # a dropped g is put back
    # an adverb typed with one l is the adverb, not the story's adjective one letter away
    assert Speller(["official", "final"]).mend("said officialy, finaly") == "said officially, finally"
    assert Speller(["official"]).mend("what did Vitaly say") == "what did Vitaly say"  # a name stays
    # a contraction's stem is no typo: "wasn" of "wasn't" must not become "was" and lose its "not"
    assert (
        speller.mend("Wasn't it Azerbajan? didn't they say so") == "Wasn't it Azerbaijan? didn't they say so"
    )
    # nor is a negation typed without its apostrophe: "hadnt" is no "haunt"
    assert speller.mend("the track hadnt been touched, they wouldnt say") == (
        "the track hadnt been touched, they wouldnt say"
    )


def test_a_name_heard_rather_than_read_is_the_name() -> None:
    """A name typed by ear, as one word no dictionary knows ("gutierez") or as two or three words of which
    at least one is no English word ("chavez oglu"), becomes the name when it sounds like it (two phonetic
    codes) and is spelt near it. Runs of English words ("mack ron", "air men"), dictionary words, words
    across a line break, names that are everyday words ("Council") and romanised Hindi stay as typed."""
    from knowledge.wording import Speller

    names = ["Cavusoglu", "Guterres", "Macron", "Armenia", "Security", "Council"]
    speller = Speller([*names, "said", "town"], names)
    assert speller.mend("what did chavez oglu say") == "what did Cavusoglu say"
    assert speller.mend("what about gutierez") == "what about guterres"
    assert speller.mend("what did guteres say") == "what did guterres say"  # a typo, by its letters
    assert speller.mend("mack ron said what") == "mack ron said what"  # English words are read as words
    assert speller.mend("how many air men died") == "how many air men died"
    assert "Cavusoglu" not in speller.mend("what did chavez\noglu say")  # two lines
    assert speller.mend("the counsel said") == "the counsel said"  # a dictionary word, and an everyday name
    assert speller.mend("gutierez ne kya kaha", english=False) == "gutierez ne kya kaha"
    # only the names given are heard: a word the articles capitalise is read by its letters alone
    assert "Cavusoglu" not in Speller(["Cavusoglu", "said"]).mend("what did chavez oglu say")


def test_an_english_correction_is_the_same_in_every_run() -> None:
    """Among equally common English words one letter away, the correction is the shorter, then the first
    in alphabetical order, whatever the process's string hashing ("kmph": "kph", "koph" and "kaph" are
    equally common in pyspellchecker's list); a word spelt without its accents is still that word."""
    import subprocess
    import sys

    code = (
        "from knowledge.wording import Speller; print(Speller([]).mend('how fast in kmph, is the cafe open'))"
    )
    runs = set()
    for seed in ("1", "2", "3", "4", "5", "6"):
        done = subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        runs.add(done.stdout.strip())
    assert runs == {"how fast in kph, is the café open"}


def test_time_as_an_occasion_asks_for_no_time() -> None:
    """ "This time", "last time" speak of an occasion: the question asks for no time of day or date."""
    from knowledge.analysis import GENERAL, rewrite_phrases

    assert "ztime" not in GENERAL.analyse("why could they not help this time")
    assert "ztime" in GENERAL.analyse("what time did the shelling start")
    assert "time" not in rewrite_phrases("was it worse than last time?")
    # an idiom of order asks for no place either
    assert GENERAL.analyse("why did they attack in the first place") == ["attack"]
    assert "plac" in GENERAL.analyse("what was the first place they shelled")


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("Who said it? I'd assumed it was the president.", "Who said it?"),
        ("How long did it last? I had the impression it went on for months.", "How long did it last?"),
        (
            "Is she the head of the commission? I always mix those bodies up.",
            "Is she the head of the commission?",
        ),
        # a belief before the question is what the question asks about: kept
        ("I think the army sent troops. Is that true?", "I think the army sent troops. Is that true?"),
        # a remark that is not a belief is kept
        ("who said it? I mean the quote about restraint", "who said it? I mean the quote about restraint"),
        # a remark in brackets about the asker goes; a bracket with a year in it stays
        ("who is the mayor (saw her name in the news)", "who is the mayor"),
        ("what could it turn into? (asking bc my uncle keeps saying ww3 lol)", "what could it turn into?"),
        ("how many died (in 2020)?", "how many died (in 2020)?"),
        ("what did the ministry (defence) say", "what did the ministry (defence) say"),
        # what the answer is wanted for goes; "for a test" inside the question stays
        ("how many died, it's for my school presentation?", "how many died?"),
        ("who said it? I need it for my essay", "who said it?"),
        ("is this for a test?", "is this for a test?"),
    ],
)
def test_the_askers_remarks_on_what_they_believed_are_not_part_of_the_question(text: str, read: str) -> None:
    """A remark after a question on what the asker believed (whose names would read as part of the question)
    is left out; a belief the question then asks about is kept."""
    assert without_asides(text) == read


@pytest.mark.parametrize(
    ("text", "read"),
    [
        (
            "so what happened at the border exactly, short version pls",
            "so what happened at the border exactly",
        ),
        ("the treaty in one line pls", "the treaty"),
        ("what is the alliance, briefly?", "what is the alliance?"),
        ("who is the envoy in a nutshell", "who is the envoy"),
        ("the toll, in a few words please", "the toll"),
        # words of length that are the question's own subject stay
        ("what is a short range missile", "what is a short range missile"),
        ("was the truce short", "was the truce short"),
        ("what did the one line statement say", "what did the one line statement say"),
        ("what was in the brief?", "what was in the brief?"),
        ("what was written in a single line?", "what was written in a single line?"),
        ("was the visit, brief?", "was the visit, brief?"),
    ],
)
def test_how_short_the_asker_wants_the_answer_is_not_part_of_the_question(text: str, read: str) -> None:
    assert without_asides(text) == read


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("who's the prime minister again?", "who's the prime minister?"),
        ("whats the alliance again", "what is the alliance"),
        ("what was the toll, again?", "what was the toll?"),
        # before a name or a pronoun too
        ("whos Smith again", "who is Smith"),
        ("where is Riverton again?", "where is Riverton?"),
        ("who is he again?", "who is he?"),
        # "again" that says something happened twice is the question's own
        ("did the fighting start again?", "did the fighting start again?"),
        ("what happened again?", "what happened again?"),
        ("who was arrested again?", "who was arrested again?"),
        ("who is leading again?", "who is leading again?"),
        ("where is it flaring up again?", "where is it flaring up again?"),
        ("where was Riverton hit again?", "where was Riverton hit again?"),
        ("who is under attack again?", "who is under attack again?"),
        ("where is there fighting again?", "where is there fighting again?"),
        ("who is he again and again", "who is he again and again"),
        # capitals of a shouted message name no one
        ("WHO WAS KILLED AGAIN", "WHO WAS KILLED AGAIN"),
        ("who is the president again and again", "who is the president again and again"),
    ],
)
def test_a_closing_again_asks_to_be_reminded(typed: str, plain: str) -> None:
    assert plain_question(typed) == plain


def test_an_acronym_that_is_a_little_word_is_a_name_only_where_typed_as_one() -> None:
    """ "US" and "us", "UP" and "turn up": typed in capitals, after "the" or first, the acronym names the
    country or the state; anywhere else the little word does not ("tell us", "who turned up")."""
    from knowledge.resolver import NameResolver
    from knowledge.understand import lowered

    names = NameResolver({"sylvania": ["Sylvania", "US"], "riverton": ["Riverton", "UP"]})

    def ids(text: str) -> list[str]:
        return [i for m in names.find(lowered(text)) for i in m.ids]

    assert ids("can you tell us how many died") == []
    assert ids("who were the first to turn up at the site") == []
    assert ids("what did US officials say") == ["sylvania"]
    assert ids("what did the us say") == ["sylvania"]
    assert ids("us reaction?") == ["sylvania"]
    assert ids("how many of the dead were from UP?") == ["riverton"]


def test_phrasal_verbs_read_as_their_verb() -> None:
    """ "take place" is the question's form (it happens), "pull out" is to withdraw, "step down" to resign,
    "go up" to rise."""
    from knowledge.analysis import rewrite_phrases

    assert rewrite_phrases("where did the crash take place?") == "where did the crash happen?"
    assert (
        rewrite_phrases("when did they pull out of the alliance") == "when did they withdraw of the alliance"
    )
    assert rewrite_phrases("did the minister step down?") == "did the minister resign?"
    assert rewrite_phrases("will the toll go up?") == "will the toll rise?"
    assert rewrite_phrases("when did it all flare up?") == "when did it all began?"


def test_conjunctions_are_form_words() -> None:
    """ "if", "whether", "unless", "though" shape a question, they ask about nothing: "…, and if so what was
    it?" had left "if" as a word the figures must hold, and the figure was refused."""
    from knowledge.analysis import GENERAL

    for word in ("if", "whether", "unless", "though", "although"):
        assert word not in GENERAL.analyse(f"did they give a number {word} asked")


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("Hi, my mom saw on TV that the envoy resigned.", "my mom saw on TV that the envoy resigned."),
        ("Dear sir, at exactly what time did it begin?", "at exactly what time did it begin?"),
        ("hey what happened", "what happened"),
        ("Good evening! How many died?", "How many died?"),
        # nothing but the greeting: small talk, kept whole
        ("Hello there!", "Hello there!"),
        ("hi there bot", "hi there bot"),
        # thanks for the answer before, then the next question; "thanks to" is part of the question
        ("Thank you. And how many died?", "And how many died?"),
        ("thx, who mediated?", "who mediated?"),
        ("Thanks to the envoy, did the truce hold?", "Thanks to the envoy, did the truce hold?"),
        ("Thanks!", "Thanks!"),
    ],
)
def test_a_greeting_before_the_question_is_not_part_of_it(text: str, read: str) -> None:
    assert without_greeting(text) == read


def test_romanised_hindi_phrases_read_as_their_meaning() -> None:
    """'kitne baje' asks at what time, not 'how many o'clock'; 'kitna door' how far."""
    assert plain_question("kitne baje hua derailment?").startswith("what time")
    assert "how far" in plain_question("station kitna door hai")
    assert "until now" in plain_question("kitne log mare ab tak?")


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        # Hindi asks with its question word before the verb: read in English order
        ("train riverton se kitne baje chali thi", "what time train riverton"),
        ("smith ne kya kaha zimmedar logon ke baare me", "what smith said responsible people about"),
        # and yes or no with "kya" at either end: read as a check
        ("smith ne resign kiya kya", "is it true that smith resign?"),
        ("kya smith ne contact kiya tha?", "is it true that smith contact?"),
        # "kaha" is "said" after its speaker's "ne", else "where"; "is" before a postposition is "this"
        ("riverton wala accident kaha hua tha", "where riverton accident"),
        ("smith ne kya kaha is pe?", "what smith said this on?"),
        # everyday words of family chat about the news, added in the forty-third session
        ("pradhan mantri ne kya kaha", "what prime minister said"),
        ("riverton se kitni trains guzarti hai waha se", "how many trains riverton pass there"),
    ],
)
def test_romanised_hindi_questions_read_in_english_order(typed: str, read: str) -> None:
    assert plain_question(typed) == read


def test_hindi_words_that_are_english_words_are_read_as_hindi_only_in_hindi_chat() -> None:
    """'me', 'so', 'door', 'the' are Hindi words too ("in", "sleeping", "far", a tense): read so only in a
    message with two or more Hindi words that are no English words."""
    assert plain_question("tell me so many the door") == "tell me so many the door"
    assert (
        plain_question("jab hua tab zyadatar log so rahe the kya") == "is it true that most people sleeping?"
    )
    assert plain_question("kitna door tha station") == "how far station"
    # a Hindi word English writes only rarely ("wale", "mare") counts as Hindi: "me" and "the" are read so
    assert plain_question("2010 wale accident me kitne mare the") == "how many died 2010 accident in"


def test_counts_in_lakhs_and_crores_are_digits() -> None:
    assert plain_question("is it 3.5 lakh rupees?") == "is it 350,000 rupees?"
    assert plain_question("2 crore for the families") == "20,000,000 for the families"
    assert plain_question("10 lakhs people") == "1,000,000 people"


def test_hindi_chat_words_are_not_mended_into_english_words() -> None:
    """In romanised Hindi chat a word neither English nor the story's is a Hindi word the lexicon lacks:
    it is mended only into a story word ("baar" is no "bear")."""
    from knowledge.wording import Speller

    speller = Speller(["Riverton", "derailment"])
    assert speller.mend("baar baar derailmnt", english=False) == "baar baar derailment"
    assert speller.mend("baar baar derailmnt") == "bear bear derailment"


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("Can you explain what Riverton is?", "what is Riverton?"),
        ("could you please describe the talks", "describe the talks"),
        ("can you explain why the truce failed", "why the truce failed"),
        ("can you tell me who won?", "who won?"),
        ("can you believe it?", "can you believe it?"),
    ],
)
def test_a_polite_request_for_an_account_is_the_request_itself(text: str, read: str) -> None:
    """ "can you explain / describe …" asks for the account, not whether the bot is able to give it (a yes/no
    question); a question that is not a request keeps its form."""
    assert plain_question(text) == read


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("um yeah hi so how many, like, soldiers died?", "how many soldiers died?"),
        ("okay so who said it, you know?", "who said it?"),
        ("well, who said it?", "who said it?"),
        # a question's own words stay: "yes or no", "what is it like", a leading "so" alone
        ("yes or no: did it happen?", "yes or no: did it happen?"),
        ("what is it like, in the city?", "what is it like, in the city?"),
        ("so what did he say", "so what did he say"),
    ],
)
def test_words_of_speech_that_hold_a_place_are_not_part_of_the_question(text: str, read: str) -> None:
    """ "um", "yeah", "okay so" before a question and ", like," or ", you know," inside it are the asker
    thinking aloud: the question is read without them."""
    assert plain_question(text) == read


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        ("Fourteen of its coaches left the track [2].", True),
        ("Dozens were hurt.", True),
        ("About 100 people were evacuated.", True),
        ("Twelve decades of quarrels.", True),
        ("The truce began at 9:00 on Sept. 13 [1].", False),
        ("At 9pm on 13 September, as in the 1990s.", False),
        ("It was signed in 2020-22 [3].", False),
    ],
)
def test_a_count_is_told_from_times_dates_years_and_citation_marks(text: str, counts: bool) -> None:
    assert holds_count(text) is counts


def test_a_title_written_another_way_names_the_same_person() -> None:
    """An alias with its title written as the lexicon's other words for the office ("premier", "PM" for
    "prime minister"; "top diplomat" for "foreign minister") names the same person; a title alone becomes
    only a long word ("premier", never "pm", a time of day), and an alias written out for someone else wins."""
    from knowledge.resolver import NameResolver

    names = NameResolver(
        {
            "smith": ["John Smith", "Freedonian Prime Minister", "Prime Minister"],
            "jones": ["Ann Jones", "Freedonian foreign minister"],
            "brown": ["Bob Brown", "Freedonian top diplomat"],
            "green": ["Gil Green", "Alliance chief"],
        }
    )

    def ids(text: str) -> list[str]:
        return [i for m in names.find(text) for i in m.ids]

    assert ids("what did the freedonian premier say") == ["smith"]
    assert ids("the freedonian pm") == ["smith"]
    assert ids("the premier said") == ["smith"]
    assert ids("at 8 pm on monday") == []
    assert ids("the freedonian top diplomat") == ["brown"]  # written out for him
    assert ids("the freedonian chief diplomat") == ["brown", "jones"]  # either
    assert ids("and the alliance boss?") == ids("the alliance head") == ["green"]  # a chief is a boss, a head
