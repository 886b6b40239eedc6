"""Command line: ``python -m schoolsim report|plot|view|compare|export FILE... [options]``.

Exit status: 0 on success, 1 when a file is missing or unreadable, 2 for usage errors.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import matplotlib

from .io import open_output


def build_parser():
    """The argument parser of ``python -m schoolsim``."""
    parser = argparse.ArgumentParser(prog="python -m schoolsim",
                                     description="Analyse schoolsim run and sweep files.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    report = sub.add_parser("report", help="HTML report comparing scenarios (first = baseline)")
    report.add_argument("files", nargs="+", metavar="FILE", help="run or sweep files")
    report.add_argument("-o", "--output", required=True, metavar="DIR", help="output directory")
    report.add_argument("--labels", help="comma-separated scenario labels")
    report.add_argument("--conf", type=float, default=0.95, help="confidence level (0.95)")
    report.add_argument("--terms", action="store_true", help="terms on the x-axis instead of years")
    plot = sub.add_parser("plot", help="plot one metric of several files on one chart")
    plot.add_argument("files", nargs="+", metavar="FILE", help="run or sweep files")
    plot.add_argument("--metric", required=True, help="system metric over term, e.g. attainment_sd")
    plot.add_argument("-o", "--output", required=True, metavar="FIG", help="image file (.png, .pdf, .svg)")
    plot.add_argument("--labels", help="comma-separated scenario labels")
    plot.add_argument("--terms", action="store_true", help="terms on the x-axis instead of years")
    _add_view_parser(sub)
    _add_compare_parsers(sub)
    return parser


def _add_compare_parsers(sub):
    compare = sub.add_parser("compare",
                             help="differences from a reference scenario with confidence intervals")
    compare.add_argument("files", nargs="+", metavar="FILE",
                         help="run or sweep files (one design point each)")
    compare.add_argument("--reference", metavar="REF",
                         help="reference scenario: its file, file stem or label (default: the first file)")
    when = compare.add_mutually_exclusive_group()
    when.add_argument("--at-term", type=int, metavar="T", help="compare at term T (default: the last term)")
    when.add_argument("--over-time", action="store_true", help="compare at every term")
    compare.add_argument("--variable", action="append", metavar="V",
                         help="variable to compare (repeatable; default: the report metrics)")
    compare.add_argument("-o", "--output", metavar="DIR", help="also write the HTML report to DIR")
    compare.add_argument("--csv", metavar="CSV", help="write the differences as a tidy CSV table")
    compare.add_argument("--labels", help="comma-separated scenario labels")
    compare.add_argument("--conf", type=float, default=0.95, help="confidence level (0.95)")
    compare.add_argument("--terms", action="store_true",
                         help="report figures: terms on the x-axis instead of years")
    compare.add_argument("--region", metavar="R",
                         help="compare in region R of the files' region dimension (a world.regions name or "
                              "programme_k_treated): the default variables become the region's")
    compare.add_argument("--costs", nargs="?", const="", metavar="COSTS.CSV",
                         help="cost-effectiveness in --region: effect, cost per pupil, EEF rating, cost per "
                              "pupil per 0.1 SD (cost parameters from each file, or key,value rows in COSTS.CSV)")
    compare.add_argument("--costs-csv", metavar="CSV", help="write the cost-effectiveness table as CSV")
    compare.add_argument("--figure", metavar="FIG",
                         help="with --costs: a figure of the effects and costs in --region and, for a "
                              "programme_k_treated region, its untreated area (.png, .pdf, .svg)")
    compare.add_argument("--markdown", metavar="MD",
                         help="with --costs: the table as markdown (with the untreated area, as --figure)")
    export = sub.add_parser("export", help="a run or sweep file as a tidy long CSV table")
    export.add_argument("files", nargs=1, metavar="FILE", help="run or sweep file")
    export.add_argument("--csv", required=True, metavar="CSV", help="output CSV file")
    export.add_argument("--variable", action="append", metavar="V",
                        help="variable to export (repeatable; default: every variable over term)")
    export.add_argument("--per-school", action="store_true", help="also export per-school variables (large)")


def _add_view_parser(sub):
    from .view import COLOUR_VARIABLES

    view = sub.add_parser("view", help="interactive HTML map of a run, or of two runs of one world")
    view.add_argument("files", nargs="+", metavar="RUN", help="one run file, or A and B")
    view.add_argument("-o", "--output", required=True, metavar="HTML", help="self-contained HTML file")
    view.add_argument("--diff", action="store_true",
                      help="with A and B: one map of B - A instead of two maps")
    view.add_argument("--variable", default="attainment", choices=list(COLOUR_VARIABLES),
                      help="colour variable shown first (attainment)")
    view.add_argument("--every", type=int, default=1, metavar="K",
                      help="keep every K-th term, plus the last (1)")
    view.add_argument("--max-links", type=int, default=20000, metavar="M",
                      help="most partnership links drawn per term and map (20000)")
    view.add_argument("--world", metavar="WORLD.h5",
                      help="register world file for URNs and names (default: the scenario's world.file)")
    view.add_argument("--labels", help="comma-separated run labels")


def _labels(parser, args):
    if getattr(args, "labels", None) is None:
        return None
    labels = [s.strip() for s in args.labels.split(",")]
    if len(labels) != len(args.files):
        parser.error(f"--labels gives {len(labels)} labels for {len(args.files)} files")
    return labels


def _plot(parser, args, labels):
    from .plots import plot_trajectories

    datasets = [open_output(f) for f in args.files]
    try:
        for path, ds in zip(args.files, datasets):
            if args.metric not in ds.variables:
                names = sorted(n for n in ds.data_vars if ds[n].dims[-1:] == ("term",))
                parser.error(f"{path} has no metric {args.metric!r}; choose from {', '.join(names)}")
        fig = plot_trajectories(datasets, args.metric, labels=labels, time=_time(args))
        fig.savefig(args.output, dpi=100)
    finally:
        for ds in datasets:
            ds.close()
    print(args.output)


def _time(args):
    return "terms" if args.terms else "years"


def _compare(parser, args, labels):
    from .compare import compare, effects_text
    from .report import write_report

    if not 0 < args.conf < 1:
        parser.error("--conf must be between 0 and 1")
    if args.reference is not None:
        matches = [i for i, f in enumerate(args.files) if args.reference in (f, Path(f).stem)]
        reference = matches[0] if matches else args.reference
    else:
        reference = 0
    if args.costs is not None and args.region is None:
        parser.error("--costs needs --region (the treated area the cost per pupil is for)")
    for option in ("costs_csv", "figure", "markdown"):
        if getattr(args, option) is not None and args.costs is None:
            parser.error(f"--{option.replace('_', '-')} needs --costs")
    options = dict(reference=reference, at_term=args.at_term, over_time=args.over_time,
                   variables=args.variable)
    sources = args.files
    if args.region is not None:
        sources = [_in_region(open_output(f), args.region) for f in args.files]
        if args.variable is None:
            options["variables"] = list(REGION_METRICS)
    comparison = compare(sources, labels, conf=args.conf, **options)
    print(effects_text(comparison))
    if args.csv:
        Path(args.csv).parent.mkdir(parents=True, exist_ok=True)
        comparison.effects.to_csv(args.csv, index=False)
        print(args.csv)
    if args.costs is not None:
        _costs(args, labels, comparison)
    if args.output:
        options["over_time"] = True  # the report always draws the differences over time
        print(write_report(args.files, args.output, labels=labels, conf=args.conf, time=_time(args),
                           **options))


#: The default variables of ``compare --region``: the region's pupil-weighted mean and its
#: pupil-level "for whom" metrics (the ``_by_region`` variables, region selected).
REGION_METRICS = ("attainment_mean_pw", "attainment_disadvantaged", "attainment_others",
                  "pupil_disadvantage_gap", "attainment_sd")


def _in_region(ds, region):
    """The Dataset with every ``NAME_by_region`` at ``region`` as ``NAME`` (others kept)."""
    names = [str(r) for r in ds["region"].values] if "region" in ds.dims else []
    if region not in names:
        raise ValueError(f"{ds.attrs.get('source_file', 'a file')} has no region {region!r}; regions: "
                         f"{', '.join(names) or 'none (define world.regions or a programme region)'}")
    out = ds.copy()
    for name in list(ds.data_vars):
        if name.endswith("_by_region"):
            out[name[:-len("_by_region")]] = ds[name].sel(region=region, drop=True)
    out.attrs["compared_region"] = region
    return out


def _costs(args, labels, comparison):
    from .compare import reference_index, unique_labels
    import pandas as pd

    from .costs import cost_effectiveness_table, cost_effectiveness_text, markdown_table, read_costs_csv
    from .plots import plot_regional_effects

    overrides = read_costs_csv(args.costs) if args.costs else {}
    datasets = [open_output(f) for f in args.files]
    try:
        names = unique_labels(datasets, labels)
        ref = reference_index(comparison.reference, names, datasets)
        table = cost_effectiveness_table(datasets, names, ref, args.region, at_term=comparison.term,
                                         costs=overrides, conf=args.conf)
        outside = args.region[:-len("treated")] + "untreated" if args.region.endswith("_treated") else None
        if (args.figure or args.markdown) and outside in [str(r) for r in datasets[ref]["region"].values]:
            both = cost_effectiveness_table(datasets, names, ref, outside, at_term=comparison.term,
                                            costs=overrides, conf=args.conf)
            both = pd.concat([table, both], ignore_index=True)
        else:
            both = table
    finally:
        for ds in datasets:
            ds.close()
    print(f"Cost-effectiveness in {args.region} (docs/compare.md \"At what cost\"):")
    print(cost_effectiveness_text(table, args.conf))
    for path, write in ((args.costs_csv, lambda p: table.to_csv(p, index=False)),
                        (args.markdown, lambda p: Path(p).write_text(markdown_table(both) + "\n")),
                        (args.figure, lambda p: plot_regional_effects(both, conf=args.conf).savefig(p, dpi=110))):
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            write(path)
            print(path)


def main(argv=None):
    """Runs the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    matplotlib.use("Agg")
    labels = _labels(parser, args)
    try:
        if args.command == "view":
            from .view import write_view

            if len(args.files) > 2:
                parser.error(f"view takes one or two run files, not {len(args.files)}")
            if args.diff and len(args.files) != 2:
                parser.error("--diff needs two run files (A and B)")
            if args.every < 1 or args.max_links < 0:
                parser.error("--every must be at least 1 and --max-links at least 0")
            print(write_view(args.files, args.output, diff=args.diff, variable=args.variable,
                             every=args.every, max_links=args.max_links, labels=labels,
                             world_file=args.world))
        elif args.command == "report":
            from .report import write_report

            if not 0 < args.conf < 1:
                parser.error("--conf must be between 0 and 1")
            print(write_report(args.files, args.output, labels=labels, conf=args.conf, time=_time(args)))
        elif args.command == "compare":
            _compare(parser, args, labels)
        elif args.command == "export":
            from .export import export_csv

            rows = export_csv(args.files[0], args.csv, args.variable, args.per_school)
            print(f"{args.csv}: {rows} rows")
        else:
            _plot(parser, args, labels)
    except (FileNotFoundError, ValueError, KeyError, OSError, ImportError) as err:
        message = err.args[0] if isinstance(err, KeyError) and err.args else err
        print(f"schoolsim: error: {message}", file=sys.stderr)
        return 1
    return 0


def report_main():
    """Entry point of the ``schoolsim-report`` console script."""
    sys.exit(main(["report", *sys.argv[1:]]))


if __name__ == "__main__":
    sys.exit(main())
