"""A real one-node SLURM cluster for the tests: MUNGE, slurmctld and slurmd from Debian's
packages (scripts/install-slurm.sh), configured in a temporary folder on free ports, and
always stopped at the end (SlurmCluster.stop, called by the session fixture even when a test
fails). Clients (sbatch, squeue, scontrol, scancel) reach it through SLURM_CONF."""

import contextlib
import ctypes
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

#: The daemons and clients the cluster needs, and the package that brings each.
PROGRAMS = {"munged": "munge", "slurmctld": "slurmctld", "slurmd": "slurmd", "sbatch": "slurm-client",
            "scontrol": "slurm-client", "squeue": "slurm-client", "scancel": "slurm-client", "sinfo": "slurm-client",
            "srun": "slurm-client"}

#: Job states after which a job does nothing more.
FINAL_STATES = {"COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "BOOT_FAIL",
                "DEADLINE", "PREEMPTED"}

#: The node: more CPUs than the machine has (SlurmdParameters=config_overrides), so three
#: one-CPU array tasks and a merge fit at once on a 2-core machine; memory is a consumable
#: (CR_Core_Memory) so that --mem is granted, set in the job's environment and checked.
NODE_CPUS = 4
NODE_MEMORY_MB = 16000

#: Every wait is bounded, so a broken cluster fails a test instead of hanging it.
WAIT_SECONDS = 120


def free_ports(count):
    """``count`` TCP ports nobody listens on now (the kernel's choice)."""
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _die_with_parent():
    """In the child before exec: SIGTERM when the test process dies, even by SIGKILL (a CI
    time-out), so the daemons never outlive the tests (prctl PR_SET_PDEATHSIG)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG


def missing_programs():
    """The packages to install for the programs not on PATH (empty when all are there)."""
    return sorted({package for program, package in PROGRAMS.items() if shutil.which(program) is None})


def require_slurm():
    """Skips (SCHOOLSIM_TEST_SLURM=0) or fails (SLURM not installed, not root) the caller."""
    if os.environ.get("SCHOOLSIM_TEST_SLURM", "1") == "0":
        pytest.skip("SCHOOLSIM_TEST_SLURM=0")
    missing = missing_programs()
    if missing:
        pytest.fail(f"SLURM is not installed (missing packages: {' '.join(missing)}): run scripts/install-slurm.sh")
    if os.geteuid() != 0:
        pytest.fail("the SLURM tests start slurmd, which must run as root")


@contextlib.contextmanager
def running_cluster(folder):
    """A started SlurmCluster in ``folder``, stopped when the block ends, however it ends."""
    cluster = SlurmCluster(folder)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


class SlurmError(AssertionError):
    """The cluster did not start or a job did not reach the state waited for; with the logs."""


class SlurmCluster:
    """MUNGE + slurmctld + slurmd in ``folder``; start() then stop() (idempotent)."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.processes = {}
        self.host = socket.gethostname().split(".")[0]
        self.env = {**os.environ, "SLURM_CONF": str(self.folder / "slurm.conf")}
        for name in list(self.env):  # a surrounding SLURM job must not leak into ours
            if name.startswith(("SLURM_", "SBATCH_", "SRUN_", "SALLOC_")) and name != "SLURM_CONF":
                del self.env[name]

    # --- daemons -------------------------------------------------------------------------
    def start(self):
        f = self.folder
        for sub in ("munge", "state", "spool", "log"):
            (f / sub).mkdir(mode=0o700, parents=True, exist_ok=True)
        key = f / "munge" / "munge.key"
        key.write_bytes(os.urandom(1024))
        key.chmod(0o400)
        socket_path = f / "munge" / "munge.socket"
        self._spawn("munged", ["munged", "--foreground", "--force", f"--socket={socket_path}", f"--key-file={key}",
                               f"--pid-file={f / 'munge' / 'munged.pid'}", f"--log-file={f / 'log' / 'munged.log'}",
                               f"--seed-file={f / 'munge' / 'munged.seed'}"])
        self.wait_for(lambda: socket_path.exists(), "munged to create its socket")
        ctld_port, slurmd_port = free_ports(2)
        (f / "slurm.conf").write_text(f"""\
ClusterName=schoolsimtest
SlurmctldHost={self.host}(127.0.0.1)
SlurmUser=root
SlurmctldPort={ctld_port}
SlurmdPort={slurmd_port}
AuthType=auth/munge
AuthInfo=socket={socket_path}
CredType=cred/munge
StateSaveLocation={f / 'state'}
SlurmdSpoolDir={f / 'spool'}
SlurmctldPidFile={f / 'slurmctld.pid'}
SlurmdPidFile={f / 'slurmd.pid'}
SlurmctldLogFile={f / 'log' / 'slurmctld.log'}
SlurmdLogFile={f / 'log' / 'slurmd.log'}
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=200
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
KillWait=5
MinJobAge=3600
SlurmdParameters=config_overrides
NodeName={self.host} NodeAddr=127.0.0.1 CPUs={NODE_CPUS} RealMemory={NODE_MEMORY_MB} State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
""")
        conf = str(f / "slurm.conf")
        self._spawn("slurmctld", ["slurmctld", "-D", "-f", conf])
        self._spawn("slurmd", ["slurmd", "-D", "-f", conf, "-N", self.host])
        self.wait_for(self._node_idle, "the node to be idle in sinfo")

    def _spawn(self, name, command):
        log = open(self.folder / "log" / f"{name}.out", "wb")
        # A session of its own: the daemon is stopped by its pid, never by name.
        self.processes[name] = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=self.env,
                                                start_new_session=True, preexec_fn=_die_with_parent)
        log.close()

    def _node_idle(self):
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise SlurmError(f"{name} exited with {process.returncode}\n{self.logs()}")
        result = self.run("sinfo", "-h", "-o", "%T", check=False)
        return result.returncode == 0 and result.stdout.strip() == "idle"

    def stop(self):
        """Cancels every job, waits for them to end, then stops slurmd, slurmctld and munged."""
        if self.processes.get("slurmctld") and self.processes["slurmctld"].poll() is None:
            self.run("scancel", "--user", pwd.getpwuid(os.getuid()).pw_name, check=False)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                queue = self.run("squeue", "-h", "-o", "%i", check=False)
                if queue.returncode != 0 or not queue.stdout.strip():
                    break
                time.sleep(0.2)
        for name in ("slurmd", "slurmctld", "munged"):
            process = self.processes.pop(name, None)
            if process is None or process.poll() is not None:
                continue
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)

    def logs(self):
        """The daemons' logs (for failure messages)."""
        out = []
        for path in sorted((self.folder / "log").glob("*")):
            out.append(f"--- {path.name}\n{path.read_text(errors='replace')[-4000:]}")
        return "\n".join(out)

    # --- clients ---------------------------------------------------------------------------
    def run(self, *command, check=True, cwd=None, env=None):
        result = subprocess.run([str(c) for c in command], capture_output=True, text=True, timeout=60,
                                cwd=cwd, env={**self.env, **(env or {})})
        if check and result.returncode != 0:
            raise SlurmError(f"{' '.join(map(str, command))} failed ({result.returncode}):\n"
                             f"{result.stdout}{result.stderr}")
        return result

    def sbatch(self, *args, cwd, env=None):
        """Submits; returns the job id (of the array, for an array)."""
        out = self.run("sbatch", "--parsable", *args, cwd=cwd, env=env).stdout.strip()
        return out.split(";")[0]

    def jobs(self, job):
        """``{job id: fields}`` of a job or of every task of an array (scontrol show job)."""
        result = self.run("scontrol", "show", "job", "-o", job)
        records = {}
        for line in result.stdout.splitlines():
            fields = dict(re.findall(r"(\w+)=(\S*)", line))
            if "JobId" in fields:
                task = fields.get("ArrayTaskId")
                key = f"{fields['ArrayJobId']}_{task}" if task and fields.get("ArrayJobId") else fields["JobId"]
                records[key] = fields
        return records

    def state(self, job):
        """The state of one job or array task ("RUNNING", "COMPLETED", ...)."""
        records = self.jobs(job)
        assert len(records) == 1, records
        return next(iter(records.values()))["JobState"]

    def wait(self, job, states=FINAL_STATES):
        """Waits until the job (every task of an array) is in one of ``states``; returns
        ``{job id: fields}``."""
        records = {}

        def reached():
            nonlocal records
            records = self.jobs(job)
            return records and all(r["JobState"] in states for r in records.values())

        self.wait_for(reached, f"job {job} to reach {sorted(states)}", lambda: records)
        return records

    def wait_for(self, condition, what, detail=lambda: ""):
        """Polls ``condition`` until true; fails after WAIT_SECONDS with ``detail()`` and the logs."""
        deadline = time.monotonic() + WAIT_SECONDS
        while not condition():
            if time.monotonic() > deadline:
                raise SlurmError(f"timed out waiting for {what}: {detail()}\n{self.logs()}")
            time.sleep(0.1)
