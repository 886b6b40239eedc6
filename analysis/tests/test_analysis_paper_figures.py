"""Figures and report for a paper: words and units, years, named bands, no empty panels, provenance."""

import re
from html.parser import HTMLParser
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import PathCollection, PolyCollection
from scipy import stats

import schoolsim
from engine_binary import schoolsim_binary
from engine_files import write_run
from schoolsim.plots import PALETTE
from schoolsim.report import parameter_differences, report_figures, shown_metrics, write_report
from schoolsim.sensitivity import morris_effects, sobol_indices

REPO = Path(__file__).resolve().parents[2]


def drawn(ax):
    """Number of data artists on the axes (lines, collections, bars, images)."""
    return len(ax.lines) + len(ax.collections) + len(ax.patches) + len(ax.images)


def assert_paper_axes(fig):
    """Every axes has data, a title and both axis labels; nothing is an empty panel."""
    assert fig.axes
    for ax in fig.axes:
        if ax.get_label() == "<colorbar>":
            continue
        assert drawn(ax) > 0, f"empty axes {ax.get_title()!r}"
        assert ax.get_title() or fig._suptitle is not None
        assert ax.get_xlabel() or ax.get_xticklabels()
        assert ax.get_ylabel()


def legend_texts(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


@pytest.fixture()
def reps(files):
    with schoolsim.open_sweep(files["rep_base"]) as a, schoolsim.open_sweep(files["rep_funded"]) as b:
        yield a, b


def test_trajectory_band_is_the_confidence_interval_of_the_mean_and_says_so(reps):
    a, b = reps
    fig = schoolsim.plot_trajectories([a, b], "attainment_mean")
    ax = fig.axes[0]
    assert_paper_axes(fig)
    long_name = a["attainment_mean"].attrs["long_name"]  # the file's
    assert ax.get_title() == long_name[0].upper() + long_name[1:]
    assert ax.get_ylabel() == f"{long_name} (pupil SD)"
    assert ax.get_xlabel() == "years from the start (3 terms a year)"
    assert legend_texts(ax) == ["rep_base", "rep_funded",
                                "shaded: 95% confidence interval of the\nmean of 4 replicates"]
    assert [line.get_color() for line in ax.lines] == list(PALETTE[:2])
    values = a["attainment_mean"].values                    # (run, term)
    half = stats.t.ppf(0.975, 3) * values.std(axis=0, ddof=1) / 2
    band = [c for c in ax.collections if isinstance(c, PolyCollection)][0]
    ys = band.get_paths()[0].vertices[:, 1]
    assert ys.min() == pytest.approx((values.mean(axis=0) - half).min())
    assert ys.max() == pytest.approx((values.mean(axis=0) + half).max())
    quantiles = schoolsim.plot_trajectories(a, "attainment_mean", band=(0.05, 0.95)).axes[0]
    assert legend_texts(quantiles)[-1] == "shaded: 5%-95% range of 4 replicates"


def test_long_titles_and_labels_are_wrapped(files):
    with schoolsim.open_run(files["run_a"]) as ds:
        ds["attainment_sd"].attrs["long_name"] = "a very long description of a metric " * 4
        fig = schoolsim.plot_trajectories(ds, "attainment_sd")
    ax = fig.axes[0]
    assert "\n" in ax.get_title() and "\n" in ax.get_ylabel()
    assert max(len(line) for line in ax.get_title().split("\n")) <= 48


def test_difference_over_time_plot_shows_the_paired_interval(reps):
    a, b = reps
    c = schoolsim.compare([a, b], over_time=True)
    fig = schoolsim.plot_differences(c, "attainment_sd")
    ax = fig.axes[0]
    assert_paper_axes(fig)
    assert ax.get_title() == "Difference from rep_base: between-school\nstandard deviation of attainment"
    assert ax.get_ylabel().replace("\n", " ") == \
        "difference in between-school standard deviation of attainment (pupil SD)"
    assert legend_texts(ax) == ["rep_funded - rep_base",
                                "shaded: 95% confidence interval of the\nmean paired difference"]
    d = b["attainment_sd"].values - a["attainment_sd"].values
    np.testing.assert_allclose(ax.lines[0].get_ydata(), d.mean(axis=0), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(ax.lines[0].get_xdata(), a["term"].values / 3)
    with pytest.raises(ValueError, match="over_time=True"):
        schoolsim.plot_differences(schoolsim.compare([a, b]), "attainment_sd")
    by_phase = schoolsim.compare([a, b], over_time=True, variables=["attainment_sd_by_phase"])
    with pytest.raises(ValueError, match="by phase: choose one"):
        schoolsim.plot_differences(by_phase, "attainment_sd_by_phase")
    fig = schoolsim.plot_differences(by_phase, "attainment_sd_by_phase", phase="primary")
    assert fig.axes[0].get_title().endswith("primary")


def test_morris_plot_has_one_point_per_parameter():
    rng = np.random.default_rng(3)
    k, r = 3, 6
    x, traj, step = [], [], []
    for t in range(r):
        point = rng.uniform(0, 0.5, k)
        x.append(point.copy()), traj.append(t), step.append(0)
        for s, i in enumerate(rng.permutation(k), start=1):
            point[i] += 0.5
            x.append(point.copy()), traj.append(t), step.append(s)
    x = np.array(x)
    y = 4 * x[:, 0] + x[:, 1] ** 2 + x[:, 0] * x[:, 2]
    frame = morris_effects(x, y, np.array(traj), np.array(step), bounds=[(0, 1)] * k,
                           names=["trust.trust_gain", "brokering.w_gap", "enrolment.lambda"])
    fig = schoolsim.plot_morris(frame)
    ax = fig.axes[0]
    assert_paper_axes(fig)
    points = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(points) == 3
    np.testing.assert_allclose([p.get_offsets()[0][0] for p in points], frame["mu_star"].values)
    np.testing.assert_allclose([p.get_offsets()[0][1] for p in points], frame["sigma"].values)
    assert ax.get_xlabel().startswith("mu*") and ax.get_ylabel().startswith("sigma")
    assert [t.get_text() for t in ax.texts] == list(frame.index)


def test_sobol_plot_has_s1_and_st_bars_with_intervals():
    rng = np.random.default_rng(5)
    n = 256
    a_, b_ = rng.uniform(size=(n, 2)), rng.uniform(size=(n, 2))

    def f(x):
        return 3 * x[:, 0] + x[:, 1]

    f_ab = np.array([f(np.where(np.arange(2) == i, b_, a_)) for i in range(2)])
    frame = sobol_indices(f(a_), f(b_), f_ab, names=["p.a", "p.b"], n_boot=200, seed=1)
    fig = schoolsim.plot_sobol(frame)
    ax = fig.axes[0]
    assert_paper_axes(fig)
    heights = [p.get_height() for p in ax.patches]
    np.testing.assert_allclose(heights, [*frame["S1"], *frame["ST"]])
    assert legend_texts(ax) == ["first order S1", "total ST",
                                "error bars: 95% bootstrap confidence intervals"]
    assert ax.get_ylabel() == "share of output variance"
    assert len([c for c in ax.collections if c.__class__.__name__ == "LineCollection"]) == 2  # error bars


def test_report_figures_have_no_empty_axes(reps):
    a, b = reps
    c = schoolsim.compare([a, b], over_time=True)
    figs = report_figures([a, b], c)
    assert {slug for slug, _, _ in figs} >= {"trajectory_attainment_mean", "differences",
                                             "difference_attainment_mean"}
    for slug, caption, fig in figs:
        assert_paper_axes(fig)
        if slug.startswith("trajectory"):
            assert "95% confidence interval of the mean" in caption
    differences = dict((s, f) for s, _, f in figs)["differences"]
    assert len(differences.axes) == 7  # six metrics and the cost, no hidden panel
    plt.close("all")


def test_parameter_differences_reads_numbers_as_numbers():
    diffs = parameter_differences([{"name": "a", "x": {"budget": "2e+07", "k": 1}, "list": [{"b": 1}]},
                                   {"name": "b", "x": {"budget": 20000000.0, "k": 2}, "list": [{"b": 3}]}])
    assert diffs == {"x.k": [1, 2], "list[0].b": [1, 3]}
    diffs = parameter_differences([{"programmes": []}, {"programmes": [{"budget": 1e7}]}])
    assert diffs == {"programmes[0].budget": ["(not set)", 1e7]}


# ---------------------------------------------------------------- report on engine files


@pytest.fixture(scope="module")
def single_runs(tmp_path_factory):
    out = tmp_path_factory.mktemp("paper_engine")
    return [write_run(out / f"{name}.h5", name) for name in ("baseline", "market")]


class Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.parameters = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if "data-parameter" in attrs:
            self.parameters.append(attrs["data-parameter"])


def test_single_run_report_shows_provenance_and_no_bands(single_runs, tmp_path):
    index = write_report(single_runs, tmp_path / "report")
    page = index.read_text()
    tables = Tables()
    tables.feed(page)
    assert "Mixed system - moderate competition, LA brokering, self-organised networks." in page
    assert "Autonomy and competition - strong parental choice, no brokering, no collaboration." in page
    assert "schoolsim 0.1.0 (git " in page
    assert f"{schoolsim_binary()} run {REPO / 'scenarios' / 'market.yaml'}" in page
    assert "<td>42</td>" in page  # the scenarios' run.seed
    assert tables.parameters == ["competition.lambda_attainment", "brokering.enabled",
                                 "brokering.mandate_inadequate", "self_organised.enabled"]
    assert "world.n_primary" not in tables.parameters  # the same in both
    # both scenarios spend nothing: no money panel, a note instead; single runs: no band
    assert "Programme money spent, cumulative is 0 at every term in every scenario" in page
    assert not (tmp_path / "report" / "trajectory_money_spent.png").exists()
    # The words, not the embedded images (base64 data can hold any letters, "band" included).
    text = re.sub(r"data:image/[a-z]+;base64,[A-Za-z0-9+/=]+", "", page).lower()
    assert "band" not in text and "shaded" not in text
    assert "single run" in page
    assert "effects.csv" not in page and (tmp_path / "report" / "effects.csv").is_file()
    with schoolsim.open_run(single_runs[0]) as a, schoolsim.open_run(single_runs[1]) as b:
        c = schoolsim.compare([a, b], over_time=True)
        metrics, notes = shown_metrics([a, b], c)
        assert "money_spent" not in metrics and len(notes) == 1
        figs = {slug: fig for slug, _, fig in report_figures([a, b], c)}
    assert "trajectory_money_spent" not in figs and "difference_money_spent" not in figs
    assert len(figs["differences"].axes) == 5  # five metrics: no money, no cost panel
    for fig in figs.values():
        assert_paper_axes(fig)
        assert all("confidence" not in t.get_text() for ax in fig.axes if ax.get_legend()
                   for t in ax.get_legend().get_texts())


def test_replicate_report_explains_bands_and_no_effect(files, tmp_path):
    index = write_report([files["rep_funded"], files["rep_base"]], tmp_path, reference="rep_base", at_term=4)
    page = index.read_text()
    assert "Reference: <b>rep_base</b>. Tables at term 4 (year 1.333" in page
    assert "shaded band is the 95% confidence interval of that mean" in page
    assert "<b>No effect</b> means the interval of the difference covers 0" in page
    assert "Differences from rep_base" in page


def test_terms_instead_of_years_on_the_command_line(files, tmp_path):
    from schoolsim.__main__ import main

    assert main(["plot", str(files["rep_base"]), "--metric", "attainment_sd", "--terms", "-o",
                 str(tmp_path / "t.png")]) == 0
    assert main(["compare", str(files["rep_base"]), str(files["rep_funded"]), "--terms", "-o",
                 str(tmp_path / "r"), "--variable", "attainment_sd"]) == 0
    page = (tmp_path / "r" / "index.html").read_text()
    assert "fig-difference_attainment_sd" in page and "fig-trajectory_attainment_sd" in page
    with schoolsim.open_sweep(files["rep_base"]) as a, schoolsim.open_sweep(files["rep_funded"]) as b:
        c = schoolsim.compare([a, b], over_time=True, variables=["attainment_sd"])
        figs = report_figures([a, b], c, time="terms")
    assert {fig.axes[0].get_xlabel() for slug, _, fig in figs if slug != "differences"} == {"term"}
