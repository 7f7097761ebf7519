"""Progress on a terminal for long command-line work (``kb check``, ``kb draft``): a tqdm bar on standard error
while it is a terminal, nothing otherwise, so piped output, logs and ``--json`` stay as they were."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from tqdm import tqdm

from knowledge.loader import count_files


def on_terminal() -> bool:
    return sys.stderr.isatty()


def file_bar(directory: Path, desc: str, *, quiet: bool = False, extra: int = 0) -> tqdm:
    """A bar over the files of the knowledge folder ``directory`` (plus ``extra`` steps of the caller's own),
    fed by ``load_knowledge``'s progress callback (see ``reading``); disabled off a terminal or when ``quiet``."""
    return tqdm(
        total=count_files(directory) + extra,
        desc=desc,
        unit="file",
        file=sys.stderr,
        leave=False,
        dynamic_ncols=True,
        disable=quiet or not on_terminal(),
    )


def reading(bar: tqdm) -> Callable[[str], None]:
    """``load_knowledge``'s progress callback: one step per file read, the file's name beside the bar."""

    def advance(name: str) -> None:
        bar.set_postfix_str(name, refresh=False)
        bar.update()

    return advance
