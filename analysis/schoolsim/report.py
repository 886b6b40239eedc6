"""A self-contained HTML report comparing scenarios (figures embedded as base64 PNG)."""

from __future__ import annotations

import base64
import html
import math
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import yaml

from .compare import COST, REPORT_METRICS, TERMS_PER_YEAR, compare
from .io import open_output, scenario
from .plots import (band_description, colour, plot_differences, plot_distribution, plot_grade_shares,
                    plot_trajectories, units_in_words, wrap)
from .runs import ok_runs
from .stats import Estimate, verdict

HEADINGS = {**REPORT_METRICS, COST: "Cost per unit attainment gained"}

STYLE = """
body { font-family: sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #bbb; padding: 0.3em 0.6em; text-align: right; }
th:first-child, td:first-child, td.text { text-align: left; }
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


def _cell(row, metric, difference=False):
    data = " ".join(f'data-{k}="{float(row[k])!r}"' for k in ("mean", "lo", "hi"))
    text = cell_text(row, metric)
    if difference and metric != COST:
        word = verdict(Estimate(float(row["mean"]), float(row["lo"]), float(row["hi"])))
        if word == "no effect":
            text += " (no effect)"
        data += f' data-effect="{word}"'
    return f'<td data-metric="{metric}" {data}>{html.escape(text)}</td>'


def table_html(frame, labels, metrics, units, table_id, extra=None, comparison=None):
    """An HTML table with one row per scenario and one column per metric."""
    def heading(m):
        return HEADINGS[m] if comparison is None else _heading(comparison, m)

    head = "".join(f"<th>{html.escape(heading(m))}<br><small>{html.escape(units_in_words(units.get(m, '')))}"
                   f"</small></th>" for m in metrics)
    extra_head = f"<th>{extra}</th>" if extra else ""
    rows = []
    for label in labels:
        cells = "".join(_cell(frame.loc[(label, m)], m, table_id == "differences") for m in metrics)
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


def _flat_zero(datasets, metric):
    """True when the metric is 0 (or missing) at every term of every ok run of every scenario."""
    for ds in datasets:
        if metric in ds.variables:
            values = np.asarray(ok_runs(ds)[metric].values, float)
            if np.any(values[np.isfinite(values)] != 0):
                return False
    return True


def shown_metrics(datasets, comparison):
    """``(metrics to draw and tabulate, notes on the ones left out)``."""
    metrics, notes = [], []
    for m in comparison.units:
        if m == COST:
            continue
        if _flat_zero(datasets, m):
            name = comparison.long_names.get(m, m)
            notes.append(f"{name[:1].upper() + name[1:]} is 0 at every term in every scenario: not drawn"
                         + (" (and no cost per unit gained)" if m == "money_spent" else "") + ".")
        else:
            metrics.append(m)
    return metrics, notes


def _heading(comparison, metric):
    if metric in HEADINGS:
        return HEADINGS[metric]
    name = comparison.long_names.get(metric, metric)
    return name[:1].upper() + name[1:]


def differences_figure(comparison, metrics=None):
    """Error-bar panels of each scenario minus the reference at the comparison's term."""
    index = comparison.differences.index
    metrics = [m for m in (metrics or comparison.units) if (comparison.others[0], m) in index]
    others = comparison.others
    ncols = min(4, len(metrics))
    nrows = math.ceil(len(metrics) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.6 * ncols, 3.2 * nrows), layout="constrained",
                             squeeze=False)
    for ax, metric in zip(axes.flat, metrics):
        rows = [comparison.differences.loc[(label, metric)] for label in others]
        means = np.array([r["mean"] for r in rows], float)
        lo = np.array([r["lo"] for r in rows], float)
        hi = np.array([r["hi"] for r in rows], float)
        err = np.vstack([means - lo, hi - means])
        err = np.where(np.isfinite(err), err, 0.0)
        shown = np.isfinite(means)
        for k in np.flatnonzero(shown):
            ax.errorbar([k], [means[k]], yerr=err[:, [k]], fmt="o", capsize=4, color=colour(k + 1))
        if not shown.all():
            reason = "no gain" if metric == COST else "n/a"
            ax.text(0.5, 0.95, f"{reason}: " + ", ".join(np.array(others)[~shown]), transform=ax.transAxes,
                    ha="center", va="top", fontsize="small", color="grey")
        ax.axhline(0.0, color="grey", linewidth=0.8)
        ax.set_xticks(np.arange(len(others)), [wrap(o, 14) for o in others], fontsize="small")
        ax.set_xlim(-0.6, len(others) - 0.4)
        ax.set_title(wrap(_heading(comparison, metric), 30), fontsize="medium")
        units = units_in_words(comparison.units.get(metric))
        if metric == COST:
            ax.set_ylabel(units or "cost per unit gained")
        else:
            ax.set_ylabel(f"difference ({units})" if units else "difference")
    for ax in list(axes.flat)[len(metrics):]:
        fig.delaxes(ax)
    year = comparison.term / TERMS_PER_YEAR
    has_ci = comparison.differences["lo"].notna().any()
    what = f" (error bars: {comparison.conf:.0%} confidence intervals)" if has_ci else " (single runs)"
    fig.suptitle(wrap(f"Difference from {comparison.reference} at term {comparison.term} "
                      f"(year {year:g}){what}", 90))
    return fig


def report_figures(datasets, comparison, metrics=None, band="ci", time="years"):
    """The report's figures as ``(slug, caption, Figure)``; ``time`` is ``"years"`` or ``"terms"``."""
    labels = comparison.labels
    metrics = metrics if metrics is not None else shown_metrics(datasets, comparison)[0]
    scalar = [m for m in metrics if (labels[0], m) in comparison.levels.index]
    replicated = any(ds.sizes.get("run", 1) > 1 for ds in datasets)
    figs = []
    for m in scalar:
        fig = plot_trajectories(datasets, m, labels=labels, band=band, conf=comparison.conf, time=time)
        if replicated:
            caption = (f"{_heading(comparison, m)} over time: lines are means over replicates, shaded "
                       f"bands the {band_description(band, comparison.conf)}")
        else:
            caption = f"{_heading(comparison, m)} over time (one run per scenario)"
        figs.append((f"trajectory_{m}", caption, fig))
    if comparison.others:
        figs.append(("differences", f"Differences from {comparison.reference} at term {comparison.term}",
                     differences_figure(comparison, scalar + ([COST] if COST in comparison.units
                                                              and "money_spent" in scalar else []))))
        over_time = comparison.effects["term"].nunique() > 1
        for m in scalar if over_time else []:
            text = "" if not replicated else \
                f"; shaded: {comparison.conf:.0%} confidence interval of the mean difference"
            caption = f"{_heading(comparison, m)}: difference from {comparison.reference} over time{text}"
            figs.append((f"difference_{m}", caption, plot_differences(comparison, m, time=time)))
    for i, (ds, label) in enumerate(zip(datasets, labels)):
        fig = plot_grade_shares(ds, time=time)
        fig.axes[0].set_title(wrap(f"{label}: share of schools per inspection grade"))
        figs.append((f"grades_{i}", f"{label}: share of schools per grade", fig))
        if "school_attainment" in ds.variables:
            fig = plot_distribution(ds, time=time)
            fig.axes[0].set_title(wrap(f"{label}: distribution of school attainment"))
            figs.append((f"distribution_{i}", f"{label}: attainment quantiles over schools", fig))
    return figs


def _figure_html(slug, caption, png):
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure id="fig-{slug}"><img alt="{html.escape(caption)}" '
            f'src="data:image/png;base64,{data}"><figcaption>{html.escape(caption)}'
            f"</figcaption></figure>")


def flatten(tree, prefix=""):
    """A nested scenario dict as ``{dotted.key: value}``; list entries as ``key[i].field``."""
    out = {}
    if isinstance(tree, dict):
        for k, v in tree.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
    elif isinstance(tree, list) and all(isinstance(v, (dict, list)) for v in tree):
        for i, v in enumerate(tree):  # an empty list adds no key: its entries show as "(not set)"
            out.update(flatten(v, f"{prefix}[{i}]"))
    else:
        out[prefix] = tree
    return out


def _number(value):
    """``value`` as a float when it is a number or a string YAML left unparsed (``"2e+07"``)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def parameter_differences(scenarios):
    """``{key: [value per scenario]}`` of the parameters that differ (name and description left out).

    Args:
        scenarios: Parsed ``scenario_yaml`` dicts (``schoolsim.scenario``), one per scenario.
    """
    flat = [flatten(s or {}) for s in scenarios]
    keys = []
    for f in flat:
        keys += [k for k in f if k not in keys and k not in ("name", "description")]
    out = {}
    for k in keys:
        values = [f.get(k, "(not set)") for f in flat]
        numbers = [_number(v) for v in values]
        same = (all(n is not None for n in numbers) and all(n == numbers[0] for n in numbers)) \
            or all(str(v) == str(values[0]) for v in values)
        if not same:
            out[k] = values
    return out


def provenance(ds):
    """``{description, version, seed, command, runs}`` of a Dataset, for the report."""
    try:
        parsed = scenario(ds)
    except (ValueError, yaml.YAMLError):
        parsed = {}
    parsed = parsed if isinstance(parsed, dict) else {}
    runs = ds.sizes.get("run", 1)
    seed = ds.attrs.get("seed", "")
    if "run" in ds.dims and "seed" in ds.variables:
        seeds = ds["seed"].values
        seed = f"{seed} (run seeds {int(seeds.min())}..{int(seeds.max())})" if runs > 1 \
            else str(int(seeds[0]))
    return {"description": str(parsed.get("description", "") or ""),
            "version": str(ds.attrs.get("source", "unknown")),
            "seed": str(seed), "command": str(ds.attrs.get("history", "")),
            "runs": runs, "scenario": parsed}


def _scenarios_html(labels, infos, sources):
    rows = []
    for label, info, (_, path, n_ok) in zip(labels, infos, sources):
        rows.append(f'<tr data-scenario="{html.escape(label)}"><td>{html.escape(label)}</td>'
                    f"<td class='text'>{html.escape(info['description']) or '<i>none</i>'}</td>"
                    f"<td><code>{html.escape(str(path))}</code></td><td>{n_ok}</td>"
                    f"<td>{html.escape(info['seed'])}</td>"
                    f"<td class='text'>{html.escape(info['version'])}</td>"
                    f"<td class='text'><code>{html.escape(info['command'])}</code></td></tr>")
    return ("<table id='scenarios'><thead><tr><th>scenario</th><th>description</th><th>file</th>"
            "<th>ok runs</th><th>seed</th><th>version</th><th>command</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def _parameters_html(labels, infos):
    diffs = parameter_differences([i["scenario"] for i in infos])
    if len(labels) < 2:
        return ""
    if not diffs:
        return ("<h2>Parameters that differ</h2><p id='parameters'>None: the scenarios have the same "
                "parameters.</p>")
    head = "".join(f"<th>{html.escape(lbl)}</th>" for lbl in labels)
    rows = "".join(f"<tr data-parameter='{html.escape(k)}'><td><code>{html.escape(k)}</code></td>"
                   + "".join(f"<td>{html.escape(str(v))}</td>" for v in values) + "</tr>"
                   for k, values in diffs.items())
    return (f"<h2>Parameters that differ</h2><table id='parameters'><thead><tr><th>parameter</th>{head}"
            f"</tr></thead><tbody>{rows}</tbody></table>")


def render_html(comparison, figures, sources, conf=0.95, infos=None, metrics=None, notes=()):
    """The report page.

    Args:
        comparison: A :class:`schoolsim.compare.Comparison`.
        figures: ``(slug, caption, png bytes)`` triples.
        sources: ``(label, file, n ok runs)`` triples.
        conf: Confidence level used.
        infos: :func:`provenance` of each scenario (descriptions, versions, seeds, commands).
        metrics: Metrics of the tables (default every scalar one compared).
        notes: Sentences about metrics left out.

    Returns:
        The HTML text.
    """
    labels, units = comparison.labels, comparison.units
    metrics = [m for m in (metrics or units) if m != COST and (labels[0], m) in comparison.levels.index]
    infos = infos or [{"description": "", "version": "unknown", "seed": "", "command": "", "runs": n,
                       "scenario": {}} for _, _, n in sources]
    replicated = any(n > 1 for _, _, n in sources)
    pct = f"{conf:.0%}"
    year = comparison.term / TERMS_PER_YEAR
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>schoolsim scenario comparison"
        f"</title><style>{STYLE}</style></head><body>",
        "<h1>schoolsim scenario comparison</h1>",
        f"<p>Reference: <b>{html.escape(comparison.reference)}</b>. Tables at term {comparison.term} "
        f"(year {year:g}; 3 terms a year).</p>",
        "<h2>Scenarios</h2>",
        _scenarios_html(labels, infos, sources),
        _parameters_html(labels, infos),
        "<h2>Levels</h2>",
        table_html(comparison.levels, labels, metrics, units, "levels", "runs", comparison),
    ]
    if comparison.others:
        with_cost = COST in units and COST in comparison.differences.index.get_level_values("metric") \
            and "money_spent" in metrics
        parts += [
            f"<h2>Differences from {html.escape(comparison.reference)}</h2>",
            table_html(comparison.differences, comparison.others, metrics + ([COST] if with_cost else []),
                       units, "differences", "paired", comparison),
        ]
    if replicated:
        parts.append(
            f"<p id='intervals'>Mean ± half-width of the {pct} Student-t confidence interval across "
            "replicates; differences are paired by replicate when both scenarios ran the same "
            "(seed, replicate) pairs (common random numbers), else Welch. <b>No effect</b> means the "
            "interval of the difference covers 0: at this confidence level the scenarios cannot be "
            f"told apart. Cost per unit attainment gained = money spent / mean attainment gain over "
            f"the reference, with a {pct} percentile-bootstrap interval; 'no gain' when the gain is "
            "not positive.</p>"
            f"<p id='bands'>In the figures over time, lines are means over the replicates and each "
            f"shaded band is the {pct} confidence interval of that mean (of the mean difference in "
            "the difference figures), not the spread of single runs. Bands of two scenarios that do not "
            "overlap mean the scenarios differ; overlapping bands do not mean they do not: with paired "
            "replicates the difference figures and the table above are the test.</p>")
    else:
        parts.append("<p id='intervals'>Each scenario is a single run: values are point values without "
                     "confidence intervals, and a difference cannot be told from run-to-run noise. Run "
                     "replicates (a sweep with <code>replicates: N</code>) for intervals.</p>")
    if notes:
        parts.append("<ul id='notes'>" + "".join(f"<li>{html.escape(n)}</li>" for n in notes) + "</ul>")
    parts += [
        "<h2>Figures</h2>",
        *[_figure_html(slug, caption, png) for slug, caption, png in figures],
        "</body></html>",
    ]
    return "\n".join(parts)


def write_report(sources, out_dir, labels=None, conf=0.95, reference=0, at_term=None, over_time=True,
                 variables=None, time="years"):
    """Writes ``index.html``, one PNG per figure and the tables as CSV into ``out_dir``.

    Args:
        sources: Paths of run or sweep files (or Datasets).
        out_dir: Output directory (created if needed).
        labels: Scenario labels; default the scenario names.
        conf: Confidence level of the intervals.
        reference: The reference scenario (position, label or file; default the first).
        at_term: Term of the tables (default the last term common to all scenarios).
        over_time: Draw the differences over time (and write them to ``effects.csv``).
        variables: Variables compared (default the report metrics).
        time: ``"years"`` (3 terms a year) or ``"terms"`` on the x-axis of the figures over time.

    Returns:
        The path of ``index.html``.
    """
    out_dir = Path(out_dir)
    opened = [open_output(s) if isinstance(s, (str, Path)) else s for s in sources]
    try:
        comparison = compare(opened, labels, conf=conf, reference=reference, at_term=at_term,
                             over_time=over_time, variables=variables)
        metrics, notes = shown_metrics(opened, comparison)
        out_dir.mkdir(parents=True, exist_ok=True)
        figures = []
        for slug, caption, fig in report_figures(opened, comparison, metrics, time=time):
            path = out_dir / f"{slug}.png"
            fig.savefig(path, dpi=90)
            plt.close(fig)
            figures.append((slug, caption, path.read_bytes()))
        names = [ds.attrs.get("source_file", "(in memory)") for ds in opened]
        infos = [provenance(ok_runs(ds)) for ds in opened]
        runs = [info["runs"] for info in infos]
        page = render_html(comparison, figures, list(zip(comparison.labels, names, runs)), conf, infos,
                           metrics, notes)
    finally:
        for s, ds in zip(sources, opened):
            if isinstance(s, (str, Path)):
                ds.close()
    comparison.levels.to_csv(out_dir / "levels.csv")
    comparison.differences.to_csv(out_dir / "differences.csv")
    comparison.effects.to_csv(out_dir / "effects.csv", index=False)
    index = out_dir / "index.html"
    index.write_text(page, encoding="utf-8")
    return index
