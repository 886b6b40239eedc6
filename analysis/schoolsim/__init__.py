"""schoolsim analysis: open runs and sweeps as xarray, plot, compare, sensitivity analysis.

Typical use from a notebook::

    import schoolsim
    ds = schoolsim.open_run("base.h5")
    schoolsim.plot_trajectories(ds, "attainment_sd")
    c = schoolsim.compare(["base.h5", "funded.h5"], over_time=True)   # c.effects: tidy table

``schoolsim.compare`` is both the module and, called, its function ``compare``.
"""

from . import compare, costs, designs, sensitivity
from .export import tidy_table
from .events import active_partnerships, partnerships
from .io import open_output, open_run, open_sweep, scenario, sweep_spec
from .plots import (plot_differences, plot_distribution, plot_grade_shares, plot_map, plot_morris,
                    plot_regional_effects,
                    plot_response_surface, plot_sobol, plot_trajectories)
from .report import write_report
from .runs import ok_runs, parameter_name, select_runs, sweep_parameters

__version__ = "0.1.0"

__all__ = [
    "active_partnerships",
    "compare",
    "costs",
    "designs",
    "ok_runs",
    "open_output",
    "open_run",
    "open_sweep",
    "parameter_name",
    "partnerships",
    "plot_differences",
    "plot_distribution",
    "plot_grade_shares",
    "plot_map",
    "plot_morris",
    "plot_regional_effects",
    "plot_response_surface",
    "plot_sobol",
    "plot_trajectories",
    "scenario",
    "select_runs",
    "sensitivity",
    "sweep_parameters",
    "sweep_spec",
    "tidy_table",
    "write_report",
]
