#!/usr/bin/python3
"""Byte-flip campaign: damage one byte of a file at a time and see what a command makes of it.

    scripts/byteflip.py FILE --flips N [--seed S] [--jobs J] [--timeout T] [--with EXTRA ...]
                        [--at PATH] -- CMD ARG ...

Each flip copies FILE (and every --with file or folder) into its own folder, replaces the byte
at a random offset (seeded) by a different random byte, and runs CMD there (cwd = that folder).
In CMD, {file} is the damaged file's name (or --at, its path inside the folder, for a file that
must sit in a sub-folder: a sweep journal is OUT.h5.parts/runs.journal) and {out} an output
file's name. The undamaged file is run the same way first (the reference). A FILE that is not
HDF5 (a sweep journal) is compared only by the data of {out}. Each flip's outcome is one of:

  refused      exit status 1 or 2 and a message on stderr naming the file
  ok-same      exit 0, and the damaged file's data (every dataset and attribute as h5py reads
               them) and {out}'s data are those of the reference: the flip hit unused bytes
  ok-DIFFERENT exit 0 but different data: a damaged file was used as if sound (a defect)
  crash        killed by a signal, or an error that does not name the file (a defect)
  hang         still running after --timeout seconds (a defect)

Prints a table (markdown) and, with --json, writes every flip's outcome. Exit status 0 if no
flip was a defect, 1 otherwise. Example (docs/hardening.md):

    scripts/byteflip.py run.h5 --flips 10000 --seed 1 -- build/release/schoolsim info --verify {file}
"""

import argparse
import concurrent.futures
import json
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

OUTCOMES = ["refused", "ok-same", "ok-DIFFERENT", "crash", "hang"]
DEFECTS = {"ok-DIFFERENT", "crash", "hang"}
# Attributes whose value depends on when or how a command ran, not on the data.
VOLATILE_ATTRIBUTES = {"history", "date_created", "wall_seconds"}

# A digest server: one Python process that imports h5py once (about 0.3 s of CPU, which every
# ok flip paid when each comparison started a new interpreter) and forks a child per request,
# so that h5py crashing or hanging on a damaged file costs only that child. Requests are one
# JSON line (the volatile attributes are fixed at start); the answer is one JSON line: a list
# with each file's sha256 of its data, "unreadable", or null if the child died or timed out.
SERVER = r"""
import hashlib
import json
import os
import select
import signal
import sys
import numpy as np
import h5py
volatile = set(sys.argv[1].split(","))
timeout = float(sys.argv[2])
def value(v):
    if isinstance(v, bytes):
        return v
    if isinstance(v, str):
        return v.encode("utf-8", "surrogateescape")
    a = np.asarray(v)
    if a.dtype.kind == "O":
        return repr([value(x) for x in a.ravel()]).encode() + repr(a.shape).encode()
    return a.dtype.str.encode() + repr(a.shape).encode() + a.tobytes()
def digest(path):
    h = hashlib.sha256()
    def attrs(name, obj):
        for key in sorted(obj.attrs.keys()):
            if key in volatile or key in ("DIMENSION_LIST", "REFERENCE_LIST"):
                continue
            h.update(name.encode() + b"@" + key.encode() + b"=" + value(obj.attrs[key]))
    try:
        with h5py.File(path, "r") as f:
            attrs("/", f)
            names = []
            f.visit(names.append)
            for name in sorted(names):
                obj = f[name]
                attrs(name, obj)
                if isinstance(obj, h5py.Dataset):
                    h.update(name.encode() + b"=" + value(obj[()]))
        return h.hexdigest()
    except Exception:
        return "unreadable"
def in_child(paths):
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        os.write(write_end, json.dumps([digest(p) for p in paths]).encode())
        os._exit(0)
    os.close(write_end)
    chunks, deadline = [], timeout
    while True:
        ready, _, _ = select.select([read_end], [], [], deadline)
        if not ready:
            os.kill(pid, signal.SIGKILL)
            break
        chunk = os.read(read_end, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read_end)
    _, status = os.waitpid(pid, 0)
    if status != 0 or not chunks:
        return [None] * len(paths)
    return json.loads(b"".join(chunks))
for line in sys.stdin:
    print(json.dumps(in_child(json.loads(line))), flush=True)
"""


class DigestServer:
    """sha256 of files' data as h5py reads them, computed by the forking server above."""

    def __init__(self, timeout):
        self.lock = threading.Lock()
        self.process = subprocess.Popen([sys.executable, "-c", SERVER, ",".join(sorted(VOLATILE_ATTRIBUTES)),
                                         str(timeout)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def digests(self, paths):
        """One digest per path: None if the file is missing, unreadable or h5py died on it."""
        digests = [None] * len(paths)
        present = [k for k, p in enumerate(paths) if Path(p).is_file()]
        if not present:
            return digests
        with self.lock:
            self.process.stdin.write(json.dumps([str(paths[k]) for k in present]) + "\n")
            self.process.stdin.flush()
            answer = json.loads(self.process.stdout.readline())
        for k, d in zip(present, answer):
            digests[k] = None if d in (None, "unreadable") else d
        return digests

    def close(self):
        self.process.stdin.close()
        self.process.wait()


def run_case(folder, name, command, timeout):
    """Runs the command in `folder`; returns (status, stderr, seconds); status None on a hang."""
    args = [a.replace("{file}", name).replace("{out}", "out.h5") for a in command]
    start = time.monotonic()
    try:
        result = subprocess.run(args, cwd=folder, capture_output=True, text=True, timeout=timeout,
                                errors="replace")
    except subprocess.TimeoutExpired:
        return None, "", time.monotonic() - start
    return result.returncode, result.stderr, time.monotonic() - start


def prepare(folder, source, extras, at, data=None):
    folder.mkdir(parents=True)
    for extra in extras:
        if Path(extra).is_dir():
            shutil.copytree(extra, folder / Path(extra).name, symlinks=True)
        else:
            shutil.copyfile(extra, folder / Path(extra).name)
    target = folder / at
    target.parent.mkdir(parents=True, exist_ok=True)
    if data is None:
        shutil.copyfile(source, target)
    else:
        target.write_bytes(data)
    return target


def classify(status, stderr, name, same):
    if status is None:
        return "hang"
    if status < 0 or status >= 128 or "terminate called" in stderr or "Traceback" in stderr:
        return "crash"
    if status == 0:
        return "ok-same" if same() else "ok-DIFFERENT"
    if status in (1, 2) and name in stderr:
        return "refused"
    return "crash"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", type=Path)
    parser.add_argument("--flips", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds before a command counts as a hang")
    parser.add_argument("--with", dest="extras", action="append", default=[], type=Path,
                        help="another file copied next to the damaged one (a scenario naming it)")
    parser.add_argument("--at", help="the damaged file's path inside each flip's folder (default: its name)")
    parser.add_argument("--json", type=Path, help="write every flip's offset, byte and outcome here")
    argv = sys.argv[1:]
    split = argv.index("--") if "--" in argv else len(argv)
    args = parser.parse_args(argv[:split])
    command = argv[split + 1:]
    if not command:
        parser.error("give the command after --, with {file} for the damaged file")
    if not args.file.is_file():
        parser.error(f"{args.file}: no such file")
    original = args.file.read_bytes()
    name = args.at or args.file.name
    rng = random.Random(args.seed)
    flips = []
    for _ in range(args.flips):
        offset = rng.randrange(len(original))
        byte = (original[offset] + rng.randrange(1, 256)) % 256
        flips.append((offset, byte))

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="byteflip-") as tmp:
        root = Path(tmp)
        hdf5 = original.startswith(b"\x89HDF\r\n\x1a\n")
        reference = prepare(root / "reference", args.file, args.extras, name)
        status, stderr, _ = run_case(root / "reference", name, command, args.timeout)
        if status != 0:
            sys.exit(f"byteflip: the command fails on the undamaged file ({status}):\n{stderr}")
        server = DigestServer(args.timeout)
        ref_file, ref_out = server.digests([reference, root / "reference" / "out.h5"])
        if hdf5 and ref_file is None:
            sys.exit(f"byteflip: h5py cannot read the undamaged file {args.file}")
        if not hdf5 and ref_out is None:
            sys.exit(f"byteflip: {args.file} is not HDF5 and the command writes no {{out}} to compare")

        def one(k):
            offset, byte = flips[k]
            data = bytearray(original)
            data[offset] = byte
            folder = root / f"flip{k}"
            target = prepare(folder, args.file, args.extras, name, bytes(data))
            status, stderr, seconds = run_case(folder, name, command, args.timeout)

            def same():
                if not hdf5:  # a journal: what the command made of it
                    return server.digests([folder / "out.h5"]) == [ref_out]
                return server.digests([target, folder / "out.h5"]) == [ref_file, ref_out]

            outcome = classify(status, stderr, Path(name).name, same)
            shutil.rmtree(folder, ignore_errors=True)
            lines = stderr.strip().splitlines()
            message = next((line for line in lines if Path(name).name in line), lines[-1] if lines else "")
            return {"offset": offset, "byte": byte, "status": status, "outcome": outcome,
                    "seconds": round(seconds, 3), "message": message[:300]}

        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            results = list(pool.map(one, range(len(flips))))
        server.close()
    elapsed = time.monotonic() - started

    counts = {o: sum(r["outcome"] == o for r in results) for o in OUTCOMES}
    by_status = {}
    for r in results:
        if r["outcome"] == "refused":
            by_status[r["status"]] = by_status.get(r["status"], 0) + 1
    print(f"byteflip: {args.file} ({len(original)} bytes), {len(flips)} flips, seed {args.seed}, "
          f"{elapsed:.0f} s: {' '.join(command)}")
    print("| outcome | flips |")
    print("|---|---|")
    for o in OUTCOMES:
        extra = ""
        if o == "refused" and by_status:
            extra = " (" + ", ".join(f"exit {s}: {n}" for s, n in sorted(by_status.items())) + ")"
        print(f"| {o} | {counts[o]}{extra} |")
    for r in results:
        if r["outcome"] in DEFECTS:
            print(f"DEFECT {r['outcome']}: offset {r['offset']} byte {r['byte']} status {r['status']}: "
                  f"{r['message']}")
    if args.json:
        args.json.write_text(json.dumps({"file": str(args.file), "seed": args.seed, "command": command,
                                         "seconds": round(elapsed, 1), "counts": counts, "flips": results},
                                        indent=1))
    sys.exit(1 if any(counts[o] for o in DEFECTS) else 0)


if __name__ == "__main__":
    main()
