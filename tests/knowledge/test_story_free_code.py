"""The story lives in its knowledge folder: no code names its people, places, bodies or events."""

from __future__ import annotations

import re
from pathlib import Path

from spellchecker import SpellChecker

from knowledge.loader import load_knowledge

ROOT = Path(__file__).resolve().parents[2]


def _story_names() -> set[str]:
    """Proper names the shipped story uses: every name and alias of its entities, places and events that
    is not an ordinary English word (those may appear in code for other reasons)."""
    kb = load_knowledge()
    english = SpellChecker()
    names: set[str] = set()
    for item in [*kb.entities, *kb.places, *kb.events]:
        for spelling in [item.name, *getattr(item, "aliases", [])]:
            for word in re.findall(r"[A-Za-zÀ-ÿ][\w'-]+", spelling):
                word = word.strip("'-")
                low = word.lower()
                # British spellings ("defence", "organisation") are English words too
                us = re.sub(r"ence$", "ense", re.sub(r"is(ation|e|ed)$", r"iz\1", low))
                if len(word) >= 4 and word[0].isupper() and not english.known([low, us]):
                    names.add(word.lower())
    return names


def test_no_code_names_the_story() -> None:
    names = _story_names()
    assert len(names) > 20, names  # the check has something to look for
    pattern = re.compile(r"\b(" + "|".join(sorted(map(re.escape, names))) + r")\b", re.IGNORECASE)
    found = []
    for folder in ("bot", "commands", "knowledge", "bench"):
        for path in sorted((ROOT / folder).rglob("*.py")):  # subpackages too (commands/ui)
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if m := pattern.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{n}: {m.group()}")
    assert not found, "\n".join(found)
