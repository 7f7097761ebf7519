"""The admission's choice of a private deferral, read from the interaction's data as Discord sends it."""

from __future__ import annotations

import pytest

from bot.admission import answered_privately


@pytest.mark.parametrize(
    ("data", "private"),
    [
        ({"name": "help", "type": 1}, True),
        ({"name": "kb", "type": 1, "options": [{"name": "status", "type": 1, "options": []}]}, True),
        ({"name": "Ask about this message", "type": 3, "target_id": "1"}, True),
        ({"name": "ask", "type": 1, "options": [{"name": "question", "type": 3, "value": "x"}]}, False),
        (
            {
                "name": "ask",
                "type": 1,
                "options": [
                    {"name": "question", "type": 3, "value": "x"},
                    {"name": "private", "type": 5, "value": True},
                ],
            },
            True,
        ),
        ({"name": "ask", "type": 1, "options": [{"name": "private", "type": 5, "value": False}]}, False),
        ({"name": "ask", "type": 1, "options": [{"name": "question", "type": 3, "value": "private"}]}, False),
        ({"name": "timeline", "type": 1}, False),
    ],
)
def test_private_answers_are_deferred_privately(data: dict, private: bool) -> None:
    """/help, /kb, a message command and private:true are deferred ephemerally; other questions publicly."""
    assert answered_privately(data) is private
