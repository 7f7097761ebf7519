"""Benchmarks, apart from the bot they measure (``python -m bot bench`` delegates here).

- ``bench.engine``: answering and reloading at scale against a naive baseline (``python -m bot bench``);
- ``bench.synthetic``: the synthetic knowledge bases and questions it measures on, from one seed;
- ``bench.store``: question+vote writes from several processes (``python -m bot bench store``).

Nothing in ``bot/``, ``commands/`` or ``knowledge/`` imports this package.
"""
