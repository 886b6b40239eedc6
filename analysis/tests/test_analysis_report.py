"""The HTML report: figures embedded, tables with the right numbers."""

import base64
import math
from html.parser import HTMLParser

import pytest
from scipy import stats

import schoolsim
from schoolsim.report import cell_text, write_report


class ReportParser(HTMLParser):
    """Collects embedded images and the data attributes of table cells."""

    def __init__(self):
        super().__init__()
        self.images, self.cells, self.table, self.row = [], {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.images.append(attrs["src"])
        elif tag == "table":
            self.table = attrs["id"]
        elif tag == "tr" and "data-scenario" in attrs:
            self.row = attrs["data-scenario"]
        elif tag == "td" and "data-metric" in attrs:
            key = (self.table, self.row, attrs["data-metric"])
            self.cells[key] = {k: float(attrs[f"data-{k}"]) for k in ("mean", "lo", "hi")}


def parse(path):
    parser = ReportParser()
    parser.feed(path.read_text())
    return parser


def last(path, metric):
    with schoolsim.open_output(path) as ds:
        return schoolsim.ok_runs(ds)[metric].isel(term=-1).values


@pytest.fixture(scope="module")
def sweep_report(files, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    return write_report([files["rep_base"], files["rep_funded"]], out), out


def test_every_figure_is_embedded(sweep_report):
    index, out = sweep_report
    page = parse(index)
    pngs = sorted(out.glob("*.png"))
    # trajectories, differences at the last term, differences over time, grades and fans per scenario
    assert len(pngs) == 6 + 1 + 6 + 2 * 2
    assert len(page.images) == len(pngs)
    embedded = {base64.b64decode(src.split(",", 1)[1]) for src in page.images}
    assert embedded == {p.read_bytes() for p in pngs}
    assert all(src.startswith("data:image/png;base64,iVBORw0KGgo") for src in page.images)


def test_level_table_numbers(sweep_report, files):
    page = parse(sweep_report[0])
    for label, key in (("rep_base", "rep_base"), ("rep_funded", "rep_funded")):
        for metric in ("attainment_mean", "attainment_sd", "der_polarisation", "money_spent"):
            x = last(files[key], metric)
            half = stats.t.ppf(0.975, x.size - 1) * x.std(ddof=1) / math.sqrt(x.size)
            cell = page.cells[("levels", label, metric)]
            assert cell["mean"] == pytest.approx(x.mean(), rel=1e-12)
            assert cell["hi"] - cell["mean"] == pytest.approx(half, rel=1e-9)


def test_difference_table_numbers_are_paired(sweep_report, files):
    page = parse(sweep_report[0])
    for metric in ("attainment_mean", "attainment_sd", "attainment_p90_p10", "der_polarisation",
                   "disadvantage_gap", "money_spent"):
        d = last(files["rep_funded"], metric) - last(files["rep_base"], metric)  # same seeds
        cell = page.cells[("differences", "rep_funded", metric)]
        assert cell["mean"] == pytest.approx(d.mean(), rel=1e-9, abs=1e-12)
        half = stats.t.ppf(0.975, d.size - 1) * d.std(ddof=1) / math.sqrt(d.size)
        assert cell["hi"] - cell["mean"] == pytest.approx(half, rel=1e-6, abs=1e-12)
    money = last(files["rep_funded"], "money_spent").mean()
    gain = (last(files["rep_funded"], "attainment_mean").mean()
            - last(files["rep_base"], "attainment_mean").mean())
    cost = page.cells[("differences", "rep_funded", "cost_per_gain")]
    assert cost["mean"] == pytest.approx(money / gain, rel=1e-9)
    assert cost["lo"] <= cost["mean"] <= cost["hi"]
    text = sweep_report[0].read_text()
    assert "Differences from rep_base" in text and "<td>yes</td>" in text


def test_single_runs_show_point_values(files, tmp_path):
    index = write_report([files["run_a"], files["run_b"]], tmp_path, labels=["A", "B"])
    page = parse(index)
    cell = page.cells[("differences", "B", "attainment_mean")]
    d = last(files["run_b"], "attainment_mean") - last(files["run_a"], "attainment_mean")
    assert cell["mean"] == pytest.approx(float(d), rel=1e-12)
    assert math.isnan(cell["lo"]) and math.isnan(cell["hi"])
    cost = page.cells[("differences", "B", "cost_per_gain")]
    assert cost["mean"] == pytest.approx(float(last(files["run_b"], "money_spent") / d))
    assert (tmp_path / "differences.csv").read_text().startswith("scenario,metric,mean")
    assert f">{cell_text({'mean': cell['mean'], 'lo': math.nan, 'hi': math.nan})}<" in index.read_text()


def test_cell_text_formats():
    assert cell_text({"mean": 0.5, "lo": 0.4, "hi": 0.6}) == "0.5 ± 0.1"
    assert cell_text({"mean": 2e6, "lo": 1e6, "hi": float("inf")}) == "2,000,000 [1,000,000, inf]"
    assert cell_text({"mean": float("nan"), "lo": 1, "hi": 2}, "cost_per_gain") == "no gain"


def test_sweep_with_several_design_points_is_refused(files, tmp_path):
    with pytest.raises(ValueError, match="varies trust.trust_gain"):
        write_report([files["grid"]], tmp_path)
    with schoolsim.open_sweep(files["grid"]) as ds:
        one = schoolsim.select_runs(ds, {"trust.trust_gain": 0.3, "programmes[0].end": 9})
        index = write_report([one], tmp_path / "one")
        expected = one["attainment_sd"].isel(term=-1).values.mean()
    assert parse(index).cells[("levels", "pathfinder", "attainment_sd")]["mean"] == pytest.approx(expected, rel=1e-12)
