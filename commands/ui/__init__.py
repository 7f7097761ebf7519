"""What every Discord command family renders and replies with, in one place: embeds and pages
(``render``), the buttons under an answer (``views``), sending and sharing answers, autocomplete and
option limits (``shared``), the one error path's texts (``errors``), and what a family needs of the
bot that loads it (``host``).

Commands import this package; it imports discord, ``knowledge`` and nothing of ``bot/``, so the
imports run one way: ``bot`` (the process and its transports) loads ``commands`` by name, ``commands``
render through ``commands.ui``, and both call ``knowledge``.
"""
