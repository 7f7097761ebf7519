"""Dense retrieval: the bundled model encodes offline; vectors are cached by digest; search finds meaning."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from knowledge.dense import MODEL_ID, DenseIndex, VectorCache, digest, encoder


def test_the_bundled_model_encodes_normalised_vectors() -> None:
    """Vectors have unit length, and paraphrases are closer than unrelated sentences."""
    vecs = encoder().encode(
        ["how many soldiers were killed", "what was the death toll among troops", "who won the football cup"]
    )
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)
    assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2] + 0.2


def test_search_returns_each_item_once_by_its_best_text() -> None:
    """An item with several texts is found by the best of them, and listed once."""
    index = DenseIndex(
        [
            ("a", ["the ceasefire was agreed in the morning", "a truce began at nine"]),
            ("b", ["the president spoke to parliament"]),
        ]
    )
    hits = index.search(encoder().encode_one("when did the truce start"), k=5)
    assert [h[0] for h in hits] == ["a", "b"]
    assert index.similarity(encoder().encode_one("when did the truce start"), "missing") is None


def test_vectors_persist_and_are_not_encoded_again(tmp_path: Path) -> None:
    """A cache file written by one index serves the next: only new texts are encoded."""
    path = tmp_path / "vectors.npz"
    text = "a sentence nobody cached before 7f3a"
    cache = VectorCache()
    first = DenseIndex([("x", [text])], cache=cache)
    assert first.encoded == 1
    cache.save(path, first.keys)
    restarted = VectorCache()  # a new process: nothing in memory
    restarted.load(path)
    second = DenseIndex([("x", [text, "and one more new text"])], cache=restarted)
    assert second.encoded == 1 and digest(text) in restarted.vectors
    # exactly the vector computed: an answer never depends on whether it was computed or read back
    assert np.array_equal(first.matrix[0], second.matrix[0])


def test_a_cache_of_rounded_vectors_is_computed_again(tmp_path: Path) -> None:
    """An older cache file (float16 vectors) is not read: its rounding would change answers near a
    decision's threshold between the run that computed a vector and the runs that read it back."""
    path = tmp_path / "vectors.npz"
    text = "a sentence cached by an older version 91c2"
    vec = encoder().encode([text])[0]
    np.savez(
        path,
        model=np.array(MODEL_ID),
        digests=np.array([digest(text)], dtype="S16"),
        vectors=vec[None, :].astype(np.float16),
    )
    cache = VectorCache()
    cache.load(path)
    assert cache.vectors == {}


def test_an_unreadable_cache_file_is_an_empty_cache(tmp_path: Path) -> None:
    """A corrupt cache is ignored with a warning; vectors are computed again."""
    path = tmp_path / "vectors.npz"
    path.write_bytes(b"not a numpy file")
    cache = VectorCache()
    cache.load(path)
    assert cache.vectors == {}
