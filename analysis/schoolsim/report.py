"""A self-contained HTML report comparing scenarios (figures embedded as base64 PNG)."""

from __future__ import annotations

import base64
import html
import math
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from .compare import COST, REPORT_METRICS, compare
from .io import open_output
from .plots import plot_distribution, plot_grade_shares, plot_trajectories

HEADINGS = {**REPORT_METRICS, COST: "Cost per unit attainment gained"}

STYLE = """
body { font-family: sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #bbb; padding: 0.3em 0.6em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
figure { display: inline-block; margin: 0.5em; }
figcaption { font-size: 0.9em; color: #555; }
"""


def fmt(x):
    """Formats a number for the tables: 4 significant digits, thousands separators when large."""
    if math.isnan(x):
        return "n/a"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return f"{x:,.0f}" if abs(x) >= 1e4 else f"{x:.4g}"


def cell_text(row, metric=None):
    """``mean ± half-width`` for a symmetric interval, ``mean [lo, hi]`` otherwise."""
    mean, lo, hi = row["mean"], row["lo"], row["hi"]
    if math.isnan(mean):
        return "no gain" if metric == COST else "n/a"
    if math.isnan(lo) or math.isnan(hi):
        return fmt(mean)
    if not math.isinf(hi) and math.isclose(hi - mean, mean - lo, rel_tol=1e-9, abs_tol=1e-12):
        return f"{fmt(mean)} ± {fmt(hi - mean)}"
    return f"{fmt(mean)} [{fmt(lo)}, {fmt(hi)}]"


def _cell(row, metric):
    data = " ".join(f'data-{k}="{float(row[k])!r}"' for k in ("mean", "lo", "hi"))
    return f'<td data-metric="{metric}" {data}>{html.escape(cell_text(row, metric))}</td>'


def table_html(frame, labels, metrics, units, table_id, extra=None):
    """An HTML table with one row per scenario and one column per metric."""
    head = "".join(f"<th>{html.escape(HEADINGS[m])}<br><small>{html.escape(units.get(m, ''))}"
                   f"</small></th>" for m in metrics)
    extra_head = f"<th>{extra}</th>" if extra else ""
    rows = []
    for label in labels:
        cells = "".join(_cell(frame.loc[(label, m)], m) for m in metrics)
        first = frame.loc[(label, metrics[0])]
        tail = ""
        if extra == "runs":
            tail = f"<td>{int(first['n'])}</td>"
        elif extra == "paired":
            tail = f"<td>{'yes' if bool(first['paired']) else 'no'}</td>"
        rows.append(f'<tr data-scenario="{html.escape(label)}"><td>{html.escape(label)}</td>'
                    f"{cells}{tail}</tr>")
    return (f'<table id="{table_id}"><thead><tr><th>scenario</th>{head}{extra_head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def differences_figure(comparison):
    """Error-bar panels of each scenario minus the baseline, one panel per metric."""
    metrics = list(REPORT_METRICS) + [COST]
    others = comparison.labels[1:]
    fig, axes = plt.subplots(2, 4, figsize=(14, 6), layout="constrained")
    for ax, metric in zip(axes.flat, metrics):
        rows = [comparison.differences.loc[(label, metric)] for label in others]
        means = np.array([r["mean"] for r in rows])
        lo = np.array([r["lo"] for r in rows])
        hi = np.array([r["hi"] for r in rows])
        err = np.vstack([means - lo, hi - means])
        err = np.where(np.isfinite(err), err, 0.0)
        shown = np.isfinite(means)
        ax.errorbar(np.arange(len(others))[shown], means[shown], yerr=err[:, shown], fmt="o", capsize=4)
        if not shown.all():
            reason = "no gain" if metric == COST else "n/a"
            ax.text(0.5, 0.95, f"{reason}: " + ", ".join(np.array(others)[~shown]), transform=ax.transAxes,
                    ha="center", va="top", fontsize="small", color="grey")
        ax.axhline(0.0, color="grey", linewidth=0.8)
        ax.set_xticks(np.arange(len(others)), others, rotation=20)
        ax.set_title(HEADINGS[metric], fontsize="medium")
    axes.flat[-1].set_visible(False)
    fig.suptitle(f"Difference from {comparison.baseline} at the last term (95% intervals)")
    return fig


def report_figures(datasets, comparison):
    """The report's figures as ``(slug, caption, Figure)``."""
    labels = comparison.labels
    figs = [(f"trajectory_{m}", f"{HEADINGS[m]} over terms (bands: 5-95% of replicates)",
             plot_trajectories(datasets, m, labels=labels)) for m in REPORT_METRICS]
    if len(datasets) > 1:
        figs.append(("differences", f"Differences from {comparison.baseline}",
                     differences_figure(comparison)))
    for i, (ds, label) in enumerate(zip(datasets, labels)):
        fig = plot_grade_shares(ds)
        fig.axes[0].set_title(f"{label}: inspection grades")
        figs.append((f"grades_{i}", f"{label}: share of schools per grade", fig))
        if "school_attainment" in ds.variables:
            fig = plot_distribution(ds)
            fig.axes[0].set_title(f"{label}: school attainment")
            figs.append((f"distribution_{i}", f"{label}: attainment quantiles over schools", fig))
    return figs


def _figure_html(slug, caption, png):
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure id="fig-{slug}"><img alt="{html.escape(caption)}" '
            f'src="data:image/png;base64,{data}"><figcaption>{html.escape(caption)}'
            f"</figcaption></figure>")


def render_html(comparison, figures, sources, conf=0.95):
    """The report page.

    Args:
        comparison: A :class:`schoolsim.compare.Comparison`.
        figures: ``(slug, caption, png bytes)`` triples.
        sources: ``(label, file, n runs)`` triples.
        conf: Confidence level used.

    Returns:
        The HTML text.
    """
    labels, units = comparison.labels, comparison.units
    items = "".join(f"<li>{html.escape(lbl)}: <code>{html.escape(str(f))}</code> ({n} ok runs)</li>"
                    for lbl, f, n in sources)
    pct = f"{conf:.0%}"
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>schoolsim scenario comparison"
        f"</title><style>{STYLE}</style></head><body>",
        "<h1>schoolsim scenario comparison</h1>",
        f"<p>Baseline: <b>{html.escape(comparison.baseline)}</b>. Values at each file's last term.</p>",
        f"<ul>{items}</ul>",
        "<h2>Scenarios</h2>",
        table_html(comparison.levels, labels, list(REPORT_METRICS), units, "levels", "runs"),
    ]
    if len(labels) > 1:
        parts += [
            f"<h2>Differences from {html.escape(comparison.baseline)}</h2>",
            table_html(comparison.differences, labels[1:], list(REPORT_METRICS) + [COST], units,
                       "differences", "paired"),
        ]
    parts += [
        f"<p>Mean ± half-width of the {pct} Student-t interval across replicates; differences "
        "are paired when both scenarios ran the same (seed, replicate) pairs, else Welch. "
        f"Cost per unit attainment gained = money spent / mean attainment gain over the "
        f"baseline, with a {pct} percentile-bootstrap interval; 'no gain' when the gain is "
        "not positive. Single runs show point values.</p>",
        "<h2>Figures</h2>",
        *[_figure_html(slug, caption, png) for slug, caption, png in figures],
        "</body></html>",
    ]
    return "\n".join(parts)


def write_report(sources, out_dir, labels=None, conf=0.95):
    """Writes ``index.html``, one PNG per figure and the tables as CSV into ``out_dir``.

    Args:
        sources: Paths of run or sweep files (or Datasets); the first is the baseline.
        out_dir: Output directory (created if needed).
        labels: Scenario labels; default the scenario names.
        conf: Confidence level of the intervals.

    Returns:
        The path of ``index.html``.
    """
    out_dir = Path(out_dir)
    opened = [open_output(s) if isinstance(s, (str, Path)) else s for s in sources]
    try:
        comparison = compare(opened, labels, conf=conf)
        out_dir.mkdir(parents=True, exist_ok=True)
        figures = []
        for slug, caption, fig in report_figures(opened, comparison):
            path = out_dir / f"{slug}.png"
            fig.savefig(path, dpi=90)
            plt.close(fig)
            figures.append((slug, caption, path.read_bytes()))
        names = [ds.attrs.get("source_file", "(in memory)") for ds in opened]
        runs = [int(comparison.levels.loc[(lbl, "attainment_mean"), "n"]) for lbl in comparison.labels]
        page = render_html(comparison, figures, list(zip(comparison.labels, names, runs)), conf)
    finally:
        for s, ds in zip(sources, opened):
            if isinstance(s, (str, Path)):
                ds.close()
    comparison.levels.to_csv(out_dir / "levels.csv")
    comparison.differences.to_csv(out_dir / "differences.csv")
    index = out_dir / "index.html"
    index.write_text(page, encoding="utf-8")
    return index
