"""Plain-text rendering of an Answer, for the console and ``python -m bot ask``."""

from __future__ import annotations

from knowledge.models import Answer


def render_answer(answer: Answer) -> str:
    lines = [answer.answer]
    if answer.citations:
        lines.append("")
        lines.append("Sources:")
        for c in answer.citations:
            where = ", ".join(x for x in (c.outlet, c.date) if x)
            head = f"[{c.n}] {c.label or c.source}" + (f" ({where})" if where else "")
            lines.append(head)
            lines.append(f'    "{c.quote}"')
            if c.url:
                lines.append(f"    {c.url}")
    if answer.suggestions:
        lines.append("")
        lines.append("Did you mean: " + " | ".join(s.question for s in answer.suggestions))
    return "\n".join(lines)
