"""A tiny valid knowledge directory for tests that must not depend on the curated data."""

from __future__ import annotations

from pathlib import Path

ARTICLE = (
    "Armenia said 49 of its soldiers were killed in the clashes. "
    'Blinken said: "We urge an immediate end to the fighting." '
    "The Kremlin called on both sides to show restraint."
)

SOURCES = """
[[source]]
id = "art1"
label = "Article 1"
outlet = "The Example Times"
date = "2022-09-13"
url = "https://example.org/article-1"
"""

ENTITIES = """
[[entity]]
id = "armenia"
name = "Armenia"
kind = "country"
evidence = [{ source = "art1", quote = "Armenia said 49 of its soldiers were killed" }]
"""

EXTRA_ENTITY = """
[[entity]]
id = "kremlin"
name = "the Kremlin"
kind = "body"
evidence = [{ source = "art1", quote = "The Kremlin called on both sides to show restraint" }]
"""

# Three different problems: an unknown reference, evidence not in the article, a schema error.
BROKEN = """
[[entity]]
id = "blinken"
name = "Antony Blinken"
kind = "person"
country = "united-states"
evidence = [{ source = "art1", quote = "Blinken said nothing of the sort here" }]

[[entity]]
id = "nobody"
kind = "person"
evidence = [{ source = "art1", quote = "The Kremlin called on both sides" }]
"""


def write_kb(root: Path) -> Path:
    """Write the tiny knowledge base into ``root`` and return it."""
    (root / "corpus").mkdir(parents=True, exist_ok=True)
    (root / "corpus" / "art1.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "sources.toml").write_text(SOURCES, encoding="utf-8")
    (root / "entities.toml").write_text(ENTITIES, encoding="utf-8")
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its bytes, to prove that nothing changed on disk."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
