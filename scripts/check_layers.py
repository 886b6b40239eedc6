#!/usr/bin/env python3
"""Checks that every folder of sim/ and models/ includes only from its own layer or a lower one
(docs/architecture.md draws the layers). Exit 1 names each include that goes upwards or
sideways, and any folder outside the table. Run: python3 scripts/check_layers.py"""
import pathlib
import re
import sys

# Lowest first; folders on one line are peers that must not include each other.
LAYERS = [
    ["sim/core"],
    ["models"],
    ["sim/run", "sim/capacity"],
    ["sim/config"],
    ["sim/io"],
    ["sim/register", "sim/experiment", "sim/resources"],
    ["sim/evaluation"],
    ["sim/calibration", "sim/sweep"],
    ["sim/mpi"],
    ["sim/cli"],
]
# Generated headers (build folder) sit below everything.
EXTERNAL_OK = ("schoolsim/",)
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def folder_of(path):
    parts = pathlib.PurePosixPath(path).parts
    return "models" if parts[0] == "models" else "/".join(parts[:2])


def main():
    root = pathlib.Path(__file__).resolve().parent.parent
    rank = {folder: i for i, layer in enumerate(LAYERS) for folder in layer}
    problems = []
    for source in sorted(list(root.glob("sim/**/*.[ch]pp")) + list(root.glob("models/**/*.[ch]pp"))):
        rel = source.relative_to(root).as_posix()
        here = folder_of(rel)
        if here not in rank:
            problems.append(f"{rel}: folder {here} is in no layer of scripts/check_layers.py")
            continue
        for line_no, include in ((source.read_text()[:m.start()].count("\n") + 1, m.group(1))
                                 for m in INCLUDE.finditer(source.read_text())):
            if include.startswith(EXTERNAL_OK):
                continue
            there = folder_of(include)
            if there == here:
                continue
            if there not in rank:
                problems.append(f"{rel}:{line_no}: includes {include} from {there}, which is in no layer")
            elif rank[there] > rank[here]:
                problems.append(f"{rel}:{line_no}: includes {include}: {here} may not depend on {there} "
                                "(a higher layer)")
            elif rank[there] == rank[here]:
                problems.append(f"{rel}:{line_no}: includes {include}: {here} and {there} are peers")
    for p in problems:
        print(p)
    print(f"check_layers.py: {len(problems)} problem(s)" if problems else "check_layers.py: layers ok")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
