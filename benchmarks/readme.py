"""The figures table of benchmarks/README.md, rendered from one run's JSON (pure)."""

from __future__ import annotations

import json

START = "<!-- figures:start (written by benchmarks/run.py --write-readme) -->"
END = "<!-- figures:end -->"


def _fmt(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:g}" if abs(value) >= 0.001 or value == 0 else f"{value:.2e}"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_fmt(v)}" for k, v in value.items())
    return str(value)


def rows(result: dict) -> list[tuple[str, str]]:
    """(field, shown value) for each reported field, in the JSON's order; a null shows its reason."""
    reasons = result.get("reasons", {})
    out = []
    for key, value in result.items():
        if key in ("meta", "reasons"):
            continue
        if key == "arcd_retrieval" and isinstance(value, dict):
            for mode, scores in value.items():
                if isinstance(scores, dict):
                    out.append((f"arcd_retrieval.{mode}", _fmt(scores)))
            continue
        if key == "ans_stance" and isinstance(value, dict):
            shown = {k: value[k] for k in ("macro_f1", "accuracy", "n") if k in value}
            out.append((key, _fmt(shown)))
            continue
        shown = _fmt(value)
        if value is None and key in reasons:
            shown = f"— ({reasons[key]})"
        nested = [f"{k.split('.', 1)[1]}: {why}" for k, why in reasons.items() if k.startswith(f"{key}.")]
        if nested:  # e.g. one size of scale_search_ms that failed
            shown += " (" + "; ".join(nested) + ")"
        out.append((key, shown))
    return out


def table(result: dict) -> str:
    meta = result.get("meta", {})
    lines = [START, "",
             f"Measured {meta.get('date', '?')} on {meta.get('machine', {}).get('summary', '?')}; "
             f"command: `{meta.get('command', '?')}` ({meta.get('total_s', '?')} s in all).", "",
             "| field | value |", "|---|---|"]
    lines += [f"| `{k}` | {v.replace('|', '/')} |" for k, v in rows(result)]
    lines += ["", "<details><summary>The full JSON of that run</summary>", "", "```json",
              json.dumps(result, ensure_ascii=False, indent=1), "```", "", "</details>", "", END]
    return "\n".join(lines)


def replace_figures(readme: str, result: dict) -> str:
    """The README with the text between the figure markers replaced (appended when absent)."""
    new = table(result)
    if START in readme and END in readme:
        head, rest = readme.split(START, 1)
        _, tail = rest.split(END, 1)
        return head + new + tail
    return readme.rstrip("\n") + "\n\n" + new + "\n"
