"""The evaluation harness behind `factbot eval` and the web app's Evaluate tab.

datasets (load + validate three formats) → runner (ask/check each item) → judge (per item)
→ summary (metrics.json) → report (report.md, predictions.jsonl, plots); `harness.evaluate`
ties them together.
"""

from factbot.evaluate.datasets import Dataset, Format, Item, Kind, load_dataset
from factbot.evaluate.harness import EvalResult, evaluate, evaluate_dataset, squad_collection

__all__ = ["Dataset", "EvalResult", "Format", "Item", "Kind", "evaluate", "evaluate_dataset", "load_dataset",
           "squad_collection"]
