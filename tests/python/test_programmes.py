"""Programmes: no money, no programme (issue 16.2); spending, events and warnings (issue 15.3)."""

import h5py
import numpy as np

from engine_support import REPO, SMALL_WORLD

# A regional programme with every option: brokers, families and reinspection.
PROGRAMME = """extends: {base}
name: {name}
world:
  regions: {{north: [0, 1]}}
programmes: {programmes}
"""
CHALLENGE = ("[{{name: challenge, region: north, start: 2, end: 8, budget: {budget}, grant_per_term: 20000, "
             "families: true, family_size: 6, reinspect: true}}]")


def scenario(tmp_path, name, programmes):
    path = tmp_path / f"{name}.yaml"
    path.write_text(PROGRAMME.format(base=REPO / "scenarios" / "la_brokered.yaml", name=name, programmes=programmes))
    return path


def variables(path):
    with h5py.File(path, "r") as f:
        return {k: f[k][()] for k in f.keys() if isinstance(f[k], h5py.Dataset)}


def test_a_zero_budget_programme_gives_the_results_of_no_programme(tmp_path, schoolsim):
    runs = {}
    for name, programmes in {"none": "[]", "zero": CHALLENGE.format(budget=0),
                             "ungranted": CHALLENGE.format(budget=1e9).replace("20000", "0")}.items():
        out = tmp_path / f"{name}.h5"
        schoolsim("run", scenario(tmp_path, name, programmes), "-o", out, *SMALL_WORLD, check=True)
        runs[name] = variables(out)
    none = runs["none"]
    assert none["event_term"].size > 0 and none["school_attainment"].size > 0, "the comparison must compare something"
    for name in ("zero", "ungranted"):
        run = runs[name]
        for key, value in none.items():
            if key.startswith("programme"):
                continue
            mine = run[key]
            if mine.shape != value.shape:
                # Output regions list world.regions first, then each programme's treated and
                # untreated areas, which describe the programme: compare the regions both have.
                axis = next(a for a, (m, v) in enumerate(zip(mine.shape, value.shape)) if m != v)
                assert key == "region" or key.endswith("_by_region") or key.startswith("region_"), key
                mine = np.take(mine, range(value.shape[axis]), axis=axis)
            assert np.array_equal(mine, value, equal_nan=value.dtype.kind == "f"), f"{name}: {key} differs"
        assert not (run["event_programme"] >= 0).any(), f"{name}: a funded partnership formed"
        assert run["money_spent"].max() == 0


def test_families_form_only_when_the_budget_pays_each_its_first_grant(tmp_path, schoolsim):
    # The region's schools of SMALL_WORLD's LAs 0 and 1 make this many families (all or none).
    counts = {}
    for budget in (0, 20000, 1e9):
        out = tmp_path / f"b{budget}.h5"
        schoolsim("run", scenario(tmp_path, f"b{int(budget)}", CHALLENGE.format(budget=budget)), "-o", out,
                  *SMALL_WORLD, "--set", "programmes[0].reinspect=false", check=True)
        v = variables(out)
        formed = (v["event_kind"] == 0) & (v["event_programme"] == 0) & (v["event_term"] == 2)
        counts[budget] = int((formed & (v["event_type"] == 1)).sum())
    assert counts[0] == 0
    assert counts[20000] == 0, "one grant cannot pay every family its first grant"
    assert counts[1e9] > 1


def test_spending_events_and_one_warning_line_each(tmp_path, schoolsim):
    programmes = ("[{name: challenge, region: north, start: 2, end: 10, budget: 3.0e6, families: true}, "
                  "{name: pairs, start: 2, end: 11, close_at: 8, budget: 1.0e6}, {name: broke, budget: 0}]")
    out = tmp_path / "p.h5"
    result = schoolsim("run", scenario(tmp_path, "p", programmes), "-o", out, *SMALL_WORLD,
                       "--set", "run.terms=12", check=True)
    warnings = [line for line in result.stderr.splitlines() if line.startswith("schoolsim: warning: ")]
    assert len([w for w in warnings if "programmes[2] (broke): has no money" in w]) == 1
    assert len([w for w in warnings if "programme challenge ran out of budget in term" in w]) == 1
    assert len([w for w in warnings if "programme pairs closed early in term 8" in w]) == 1
    assert len(warnings) == 3, warnings
    v = variables(out)
    assert [n.decode() for n in v["programme"]] == ["challenge", "pairs", "broke"]
    spending = v["programme_spending"]
    assert spending.shape == (13, 3)
    assert spending.sum() == v["money_spent"][-1]
    assert spending[:, 0].sum() == 3.0e6 and spending[:, 2].sum() == 0
    assert list(v["programme_event_kind"]) == [0, 1] and list(v["programme_event_programme"]) == [0, 1]
    assert v["programme_event_spent"][0] == 3.0e6


def test_replicates_warn_about_a_programme_without_money_once(tmp_path, schoolsim):
    out = tmp_path / "r.h5"
    result = schoolsim("run", scenario(tmp_path, "r", "[{name: broke, budget: 0}]"), "--replicates", "2", "-o", out,
                       *SMALL_WORLD, "--set", "run.terms=2", check=True)
    warnings = [line for line in result.stderr.splitlines() if line.startswith("schoolsim: warning: ")]
    assert len(warnings) == 1 and "programmes[0] (broke): has no money" in warnings[0], warnings
