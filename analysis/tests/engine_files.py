"""Small files written by the schoolsim engine for the analysis tests (fixture ``files`` in conftest).

The binary is found by ``tests/python/engine_binary.py`` (``$SCHOOLSIM_BIN``, else
``build/ci/schoolsim``, else ``build/release/schoolsim``; a test fails, naming what to build,
when there is none). Every file uses one small world (``WORLD``: 200 schools in 4 LAs, 8 terms)
with per-school output, so files of different scenarios have the same schools. ``files[key]``
writes a file the first time a test asks for it:

============== ===========================================================================
``run_a``       ``schoolsim run scenarios/baseline.yaml`` (single run, no programme)
``run_b``       ``schoolsim run scenarios/pathfinder.yaml`` (single run, a funded programme)
``rep_base``    sweep of 4 replicates of baseline, no parameters (``design: grid``), named
                ``rep_base``
``rep_funded``  the same for pathfinder, same sweep seed (so replicate r of both is paired)
``grid``        pathfinder with its programme from term 3: a 3 x 3 grid over
                ``trust.trust_gain`` and ``programmes[0].end`` (2, 6, 9), 3 replicates; the
                points with end 2 (before the start) are failed runs (``run_status`` 1)
``sobol``       the same base, Saltelli design (n = 8) over trust gain, competition and the
                programme end, 2 replicates; some points fail (end rounds to 2)
``morris``      the same base, 4 Morris trajectories over the same three, 2 replicates
============== ===========================================================================
"""

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = REPO / "scenarios"
if str(REPO / "tests" / "python") not in sys.path:
    sys.path.append(str(REPO / "tests" / "python"))

from engine_binary import schoolsim_binary  # noqa: E402 - after the path entry

N_PRIMARY, N_SECONDARY, N_LAS, N_TERMS = 160, 40, 4, 8
N_SCHOOLS = N_PRIMARY + N_SECONDARY
N_REPLICATES = 4
WORLD = {"world.n_primary": N_PRIMARY, "world.n_secondary": N_SECONDARY, "world.n_las": N_LAS,
         "run.terms": N_TERMS}
# The pathfinder programme from term 3, so that an end before 3 makes a design point invalid.
PROGRAMME = ("[{name: pathfinder, start: 3, end: 12, budget: 1.0e9, grant_per_term: 10000, "
             "slots_per_term: 2}]")
SENSITIVITY_PARAMETERS = """parameters:
  trust.trust_gain: {min: 0.05, max: 0.3}
  competition.lambda_attainment: {min: 0.0, max: 2.5}
  programmes[0].end: {min: 2, max: 12}
"""
GRID = {"trust.trust_gain": (0.05, 0.175, 0.3), "programmes[0].end": (2, 6, 9)}


def world_args(world=None):
    """``--set`` arguments of a world (default ``WORLD``)."""
    return [x for key, value in (world or WORLD).items() for x in ("--set", f"{key}={value}")]


def run_engine(*args, failed_runs_allowed=False):
    """Runs the binary (quietly; runs and sweeps on one thread); fails the test with its stderr on an error.

    A sweep with failed runs exits with status 1 and still writes its file: pass
    ``failed_runs_allowed`` for that.
    """
    threads = ["--threads", "1"] if args[0] in ("run", "sweep") else []
    command = [str(schoolsim_binary()), *map(str, args), "-q", *threads]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    ok = {0, 1} if failed_runs_allowed else {0}
    if result.returncode not in ok or (result.returncode == 1 and "runs failed" not in result.stderr):
        pytest.fail(f"{' '.join(command)} exited with {result.returncode}:\n{result.stderr}", pytrace=False)
    return result


def write_run(path, scenario, world=None):
    """``schoolsim run scenarios/<scenario>.yaml -o path`` on the small world."""
    run_engine("run", SCENARIOS / f"{scenario}.yaml", "-o", path, *world_args(world))
    return Path(path)


def write_sweep(path, base, body, name=None, programme=False):
    """Writes a sweep spec next to ``path`` (base scenario, the small world, ``body``) and runs it."""
    path = Path(path)
    lines = [f"base: {SCENARIOS / f'{base}.yaml'}", "set:"]
    lines += [f"  name: {name}"] if name else []
    lines += [f"  {key}: {value}" for key, value in WORLD.items()]
    lines += [f"  programmes: {PROGRAMME}"] if programme else []
    spec = path.with_suffix(".yaml")
    spec.write_text("\n".join(lines) + "\n" + body)
    run_engine("sweep", spec, "-o", path, failed_runs_allowed=True)
    return path


def replicates_body(n=N_REPLICATES, seed=3):
    # Replicates of one scenario: a sweep without parameters. (Branch `replicates` adds
    # `schoolsim run SCEN.yaml --replicates N -o X.h5` for the same file.)
    return f"design: grid\nreplicates: {n}\nseed: {seed}\n"


def grid_body():
    return ("parameters:\n" + "".join(f"  {key}: {{values: [{', '.join(map(str, values))}]}}\n"
                                      for key, values in GRID.items())
            + "design: grid\nreplicates: 3\nseed: 7\n")


MAKERS = {
    "run_a": lambda d: write_run(d / "baseline.h5", "baseline"),
    "run_b": lambda d: write_run(d / "pathfinder.h5", "pathfinder"),
    "rep_base": lambda d: write_sweep(d / "rep_base.h5", "baseline", replicates_body(), name="rep_base"),
    "rep_funded": lambda d: write_sweep(d / "rep_funded.h5", "pathfinder", replicates_body(), name="rep_funded"),
    "grid": lambda d: write_sweep(d / "grid.h5", "pathfinder", grid_body(), programme=True),
    "sobol": lambda d: write_sweep(d / "sobol.h5", "pathfinder", SENSITIVITY_PARAMETERS
                                   + "design: {type: sobol, n: 8}\nreplicates: 2\nseed: 11\n", programme=True),
    "morris": lambda d: write_sweep(d / "morris.h5", "pathfinder", SENSITIVITY_PARAMETERS
                                    + "design: {type: morris, trajectories: 4, levels: 4}\nreplicates: 2\n"
                                    + "seed: 5\n", programme=True),
}


class EngineFiles:
    """``files[key]``: the path of an engine-written file (see the module docstring), made once."""

    def __init__(self, folder):
        self.folder = folder
        self.paths = {}

    def __getitem__(self, key):
        if key not in self.paths:
            self.paths[key] = MAKERS[key](self.folder)
        return self.paths[key]
