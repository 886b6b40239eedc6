#!/usr/bin/env python3
"""Checks that no C++ or Python source file of the project is longer than 600 lines unless its
first 15 lines give the reason, on a comment line starting "Long file:" (docs/architecture.md,
"Style"). A long file is usually two concepts in one; when it is one concept (a catalogue of
calibration statistics, the MPI driver's protocol), the header says so. Exit 1 names each file.
Run: python3 scripts/check_file_length.py"""
import pathlib
import re
import subprocess
import sys

LIMIT = 600
HEADER_LINES = 15
REASON = re.compile(r"^\s*(//|#)\s*Long file:\s*\S")
SOURCES = ("*.cpp", "*.hpp", "*.h", "*.py")


def tracked_sources(root):
    out = subprocess.run(["git", "ls-files", "--", *SOURCES], cwd=root, capture_output=True, text=True, check=True)
    return [root / name for name in out.stdout.splitlines()]


def main():
    root = pathlib.Path(__file__).resolve().parent.parent
    failures = []
    for path in tracked_sources(root):
        if not path.is_file():
            continue
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        if len(lines) <= LIMIT:
            continue
        if not any(REASON.match(line) for line in lines[:HEADER_LINES]):
            failures.append(f"{path.relative_to(root)}: {len(lines)} lines (over {LIMIT}) and no "
                            f"'Long file: <reason>' comment in its first {HEADER_LINES} lines")
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
