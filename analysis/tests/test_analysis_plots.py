"""Plot functions: rendered to PNG and checked for content."""

import matplotlib.image as mpimg
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import LineCollection, PathCollection, PolyCollection, QuadMesh
from matplotlib.figure import Figure

import schoolsim
from engine_files import N_SCHOOLS, N_TERMS


def assert_png_not_blank(fig, path):
    fig.savefig(path, dpi=60)
    image = mpimg.imread(path)
    assert image.ndim == 3 and image.shape[0] > 100 and image.shape[1] > 100
    assert image[..., :3].std() > 0.05, "figure looks blank"


def polys(ax):
    return [c for c in ax.collections if isinstance(c, PolyCollection)]


@pytest.fixture()
def run_a(files):
    with schoolsim.open_run(files["run_a"]) as ds:
        yield ds


@pytest.fixture()
def run_b(files):
    with schoolsim.open_run(files["run_b"]) as ds:
        yield ds


@pytest.fixture()
def grid(files):
    with schoolsim.open_sweep(files["grid"]) as ds:
        yield ds


@pytest.fixture()
def replicates(files):
    with schoolsim.open_sweep(files["rep_base"]) as ds:
        yield ds


def test_trajectories_of_one_run(run_a, tmp_path):
    fig = schoolsim.plot_trajectories(run_a, "attainment_sd")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert len(ax.lines) == 1 and not polys(ax)
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), run_a["attainment_sd"].values)
    assert ax.get_xlabel() == "years from the start (3 terms a year)"
    np.testing.assert_allclose(ax.lines[0].get_xdata(), run_a["term"].values / 3)
    assert ax.get_ylabel() == "between-school standard deviation of attainment\n(pupil SD)"
    assert ax.get_title() == "Between-school standard deviation of attainment"
    assert ax.get_legend() is None  # one run: no band, nothing to explain
    fig = schoolsim.plot_trajectories(run_a, "attainment_sd", time="terms")
    assert fig.axes[0].get_xlabel() == "term"
    np.testing.assert_array_equal(fig.axes[0].lines[0].get_xdata(), run_a["term"].values)
    assert_png_not_blank(fig, tmp_path / "one.png")


def test_trajectories_of_several_scenarios(run_a, run_b, replicates, tmp_path):
    fig = schoolsim.plot_trajectories([run_a, run_b, replicates], "attainment_mean")
    ax = fig.axes[0]
    assert len(ax.lines) == 3
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "baseline", "pathfinder", "rep_base", "shaded: 95% confidence interval of the\nmean of 4 replicates"]
    assert len(polys(ax)) == 1  # only the sweep has a band
    fig = schoolsim.plot_trajectories([run_a, run_b], "attainment_mean", labels=["A", "B"])
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["A", "B"]
    assert_png_not_blank(fig, tmp_path / "two.png")


def test_trajectory_band_spans_replicate_quantiles(replicates, tmp_path):
    fig = schoolsim.plot_trajectories(replicates, "attainment_p90_p10", band=(0.1, 0.9))
    ax = fig.axes[0]
    values = replicates["attainment_p90_p10"].values
    np.testing.assert_allclose(ax.lines[0].get_ydata(), values.mean(axis=0))
    (band,) = polys(ax)
    vertices = band.get_paths()[0].vertices
    lo, hi = np.quantile(values, [0.1, 0.9], axis=0)
    assert vertices[:, 1].min() == pytest.approx(lo.min())
    assert vertices[:, 1].max() == pytest.approx(hi.max())
    assert_png_not_blank(fig, tmp_path / "band.png")
    assert not polys(schoolsim.plot_trajectories(replicates, "attainment_sd", band=None).axes[0])


def test_trajectories_skip_failed_runs(grid):
    fig = schoolsim.plot_trajectories(grid, "attainment_mean")
    assert np.isfinite(fig.axes[0].lines[0].get_ydata()).all()


def test_trajectories_reject_wrong_metrics(run_a):
    with pytest.raises(ValueError, match="select \\['phase'\\] first"):
        schoolsim.plot_trajectories(run_a, "attainment_sd_by_phase")
    with pytest.raises(KeyError, match="no metric 'nope'.*attainment_sd"):
        schoolsim.plot_trajectories(run_a, "nope")
    fig = schoolsim.plot_trajectories(run_a.sel(phase="primary"), "attainment_sd_by_phase")
    assert len(fig.axes[0].lines) == 1


def test_plots_draw_on_given_axes(run_a):
    fig, axes = plt.subplots(1, 2)
    assert schoolsim.plot_trajectories(run_a, "attainment_sd", ax=axes[1]) is fig
    assert len(axes[1].lines) == 1 and not axes[0].lines
    assert schoolsim.plot_grade_shares(run_a, ax=axes[0]) is fig


def test_response_surface_is_the_mean_over_replicates(grid, tmp_path):
    fig = schoolsim.plot_response_surface(grid, "trust.trust_gain", "programmes[0].end", "attainment_sd")
    ax = fig.axes[0]
    (mesh,) = [c for c in ax.collections if isinstance(c, QuadMesh)]
    ok = grid["run_status"].values == 0
    x, y = grid["trust__trust_gain"].values, grid["programmes__0__end"].values
    v = grid["attainment_sd"].isel(term=-1).values
    xs, ys = np.unique(x[ok]), np.unique(y[ok])  # the failed level (end 2) is left out
    assert len(xs) == 3 and len(ys) == 2
    expected = np.array([[v[ok & (x == xi) & (y == yi)].mean() for xi in xs] for yi in ys])
    np.testing.assert_allclose(np.asarray(mesh.get_array()).reshape(2, 3), expected)
    assert mesh.get_clim() == pytest.approx((expected.min(), expected.max()))
    assert ax.get_xlabel() == "trust.trust_gain"
    assert ax.get_ylabel() == "programmes[0].end"
    assert fig.axes[1].get_ylabel() == "between-school standard deviation of attainment\n(pupil SD)"
    assert f"term {N_TERMS}" in ax.get_title()
    assert_png_not_blank(fig, tmp_path / "surface.png")


def test_response_surface_of_a_scattered_design(files, tmp_path):
    with schoolsim.open_sweep(files["sobol"]) as ds:
        fig = schoolsim.plot_response_surface(ds, "trust__trust_gain",
                                              "competition__lambda_attainment", "der_polarisation")
        (points,) = [c for c in fig.axes[0].collections if isinstance(c, PathCollection)]
        ok = ds["run_status"].values == 0
        xy = np.stack([ds["trust__trust_gain"].values[ok], ds["competition__lambda_attainment"].values[ok]], axis=1)
        assert len(points.get_offsets()) == len(np.unique(xy, axis=0)) > 9
        assert_png_not_blank(fig, tmp_path / "lhs.png")


def test_response_surface_needs_a_sweep(run_a):
    with pytest.raises(ValueError, match="needs a sweep"):
        schoolsim.plot_response_surface(run_a, "a", "b", "attainment_sd")


def test_distribution_fan_chart(run_a, tmp_path):
    fig = schoolsim.plot_distribution(run_a)
    ax = fig.axes[0]
    assert len(polys(ax)) == 3
    values = run_a["school_attainment"].values
    np.testing.assert_allclose(ax.lines[0].get_ydata(), np.median(values, axis=1))
    outer = polys(ax)[0].get_paths()[0].vertices[:, 1]
    assert outer.min() == pytest.approx(np.quantile(values, 0.05, axis=1).min())
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["5%-95%", "10%-90%", "25%-75%", "median"]
    assert_png_not_blank(fig, tmp_path / "fan.png")


def test_distribution_histogram_at_a_term(grid, tmp_path):
    fig = schoolsim.plot_distribution(grid, term=-1)
    heights = [p.get_height() for p in fig.axes[0].patches]
    assert sum(heights) == (grid["run_status"].values == 0).sum() * N_SCHOOLS  # ok runs x schools
    assert fig.axes[0].get_ylabel() == "schools x runs"
    assert_png_not_blank(fig, tmp_path / "hist.png")


def _expected_segments(events, term, run=None):
    active = schoolsim.active_partnerships(events, term, run=run)
    return sum(len(m) - 1 for m in active["members"]), len(active)


def test_map_colours_schools_and_links_partnerships(run_a, tmp_path):
    fig = schoolsim.plot_map(run_a, term=6)
    ax = fig.axes[0]
    (points,) = [c for c in ax.collections if isinstance(c, PathCollection)]
    np.testing.assert_array_equal(points.get_offsets()[:, 0], run_a["x"].values)
    values = run_a["school_attainment"].isel(term=6).values
    np.testing.assert_array_equal(points.get_array(), values)
    assert points.get_clim() == pytest.approx((values.min(), values.max()))
    links = [c for c in ax.collections if isinstance(c, LineCollection)]
    n_segments, n_active = _expected_segments(schoolsim.partnerships(run_a), 6)
    assert n_active > 0
    assert sum(len(c.get_segments()) for c in links) == n_segments
    counts = [int(t.get_text().split("(")[1].rstrip(")")) for t in ax.get_legend().get_texts()]
    assert sum(counts) == n_active
    assert ax.get_xlabel() == f"{run_a['x'].attrs['long_name']} (km)"
    assert_png_not_blank(fig, tmp_path / "map.png")


def test_map_without_links_and_for_a_sweep_run(grid, files):
    run = 3  # runs 0-2 failed (programme end before its start)
    fig = schoolsim.plot_map(grid, term=-1, partnerships=False, run=run)
    assert not [c for c in fig.axes[0].collections if isinstance(c, LineCollection)]
    events = schoolsim.partnerships(files["grid"])
    fig = schoolsim.plot_map(grid, term=3, run=run, partnerships=events)
    links = [c for c in fig.axes[0].collections if isinstance(c, LineCollection)]
    assert sum(len(c.get_segments()) for c in links) == _expected_segments(events, 3, run=run)[0] > 0
    assert fig.axes[0].get_title().endswith("term 3, run 3")


def test_grade_shares_stack_to_one(run_a, grid, tmp_path):
    fig = schoolsim.plot_grade_shares(run_a)
    ax = fig.axes[0]
    areas = polys(ax)
    assert len(areas) == 4
    top = areas[-1].get_paths()[0].vertices[:, 1]
    np.testing.assert_allclose(top.max(), 1.0)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "outstanding", "good", "requires improvement", "inadequate"]
    assert ax.get_ylim() == (0.0, 1.0)
    assert_png_not_blank(fig, tmp_path / "grades.png")
    fig = schoolsim.plot_grade_shares(grid, phase="secondary")
    assert len(polys(fig.axes[0])) == 4 and "(secondary)" in fig.axes[0].get_title()
