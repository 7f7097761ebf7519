"""KnowledgeService tells an optional progress callback each stage of a reload or upload as it starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.service import STAGES, KnowledgeService
from tests.bot.kbfixture import BROKEN, EXTRA_ENTITY, write_kb


@pytest.fixture
async def service(tmp_path: Path) -> KnowledgeService:
    service = KnowledgeService(write_kb(tmp_path / "kb"), None, max_upload_bytes=4096)
    assert (await service.reload("startup", action="startup")).ok
    return service


async def test_reload_reports_every_stage_in_order(service: KnowledgeService) -> None:
    """A reload that swaps tells the callback validating, indexing, swapping, in that order, before it returns."""
    seen: list[str] = []
    (service.directory / "more.toml").write_text(EXTRA_ENTITY, encoding="utf-8")
    outcome = await service.reload("mod", progress=seen.append)
    assert outcome.ok
    assert tuple(seen) == STAGES == ("validating", "indexing", "swapping")


async def test_upload_reports_every_stage_in_order(service: KnowledgeService) -> None:
    """An upload that is written and swapped in reports the same three stages."""
    seen: list[str] = []
    outcome = await service.upload("more.toml", EXTRA_ENTITY.encode(), "mod", progress=seen.append)
    assert outcome.ok
    assert tuple(seen) == STAGES


async def test_refused_reload_stops_at_validating(service: KnowledgeService) -> None:
    """A broken folder is refused while validating: no indexing or swapping is reported."""
    seen: list[str] = []
    (service.directory / "broken.toml").write_text(BROKEN, encoding="utf-8")
    outcome = await service.reload("mod", progress=seen.append)
    assert not outcome.ok
    assert seen == ["validating"]
