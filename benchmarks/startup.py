"""Start-up cost: how long before the tool does something useful.

    python benchmarks/startup.py [--times 5]

Prints, as medians over ``--times`` runs, each in a fresh process, wall time and CPU time (user +
system of the process and its children: the figure that holds on a busy machine):

- ``auditor --help``: interpreter start, the CLI's imports and argument parsing (target < 0.2 s);
- ``import auditor.cli``: the CLI module's own import time (``python -X importtime``), with its five
  heaviest imports;
- policy pack load: ``load_pack()`` of the shipped pack, cold (no cache: YAML, schema checks, CEL
  compile and cost bound) and warm (the compiled pack read back from the user cache);
- first API call of ``auditor scan --provider aws``: from the process start to the first request a
  local HTTP listener receives (it answers every request with an error, so the scan stops there;
  target < 1 s). Run with a warm pack cache (what every scan after the first sees) and a cold one
  (a cold pack is loaded by a child process while the scan imports its SDK; its CPU is counted).

Bytecode is cached as after ``pip install`` (``PYTHONDONTWRITEBYTECODE`` is dropped for the runs, and
a first run of each kind is not counted). Nothing is sent anywhere but 127.0.0.1. The load average
is printed next to the figures: on a shared machine wall times say as much about the machine as
about the tool. Asserts nothing.
"""

from __future__ import annotations

import argparse
import http.server
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parent.parent


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def env_with(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "AZURE_")) and k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["AUDITOR_CACHE_DIR"] = str(cache)
    return env


def cpu_since(before: resource.struct_rusage) -> float:
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def wall(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``cmd``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start, cpu_since(before)


def medians(runs: list[tuple[float, float]]) -> str:
    walls, cpus = [w for w, _ in runs], [c for _, c in runs]
    return (f"wall {statistics.median(walls):.3f} s (min {min(walls):.3f}), "
            f"CPU {statistics.median(cpus):.3f} s (min {min(cpus):.3f})")


def import_profile(env: dict[str, str]) -> tuple[float, list[tuple[float, str]]]:
    """``import auditor.cli`` in seconds, and the heaviest top-level imports under it."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", "import auditor.cli"], env=env,
                          capture_output=True, text=True, check=True)
    rows = []
    for line in done.stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
        if m:
            rows.append((int(m.group(1)) / 1e6, len(m.group(2)), m.group(3)))
    total = next((s for s, _, name in rows if name == "auditor.cli"), float("nan"))
    heavy = sorted(((s, name) for s, depth, name in rows if depth == 3), reverse=True)[:5]
    return total, heavy


PACK = """
import sys, time
start = time.perf_counter()
from auditor.engine.pack import load_pack
load_pack(())
print(time.perf_counter() - start)
"""


def pack_load(env: dict[str, str]) -> float:
    done = subprocess.run([sys.executable, "-c", PACK], env=env, capture_output=True, text=True, check=True)
    return float(done.stdout.strip())


class _Listener(http.server.BaseHTTPRequestHandler):
    seen: ClassVar[list[float]] = []

    def _answer(self) -> None:
        self.seen.append(time.perf_counter())
        body = b"<ErrorResponse><Error><Code>Benchmark</Code><Message>stop</Message></Error></ErrorResponse>"
        self.send_response(400)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_HEAD = _answer

    def log_message(self, *args: object) -> None:
        pass


def first_call(env: dict[str, str], out: Path) -> tuple[float, float]:
    """Seconds from starting ``auditor scan --provider aws`` to the first request it sends (wall, and the
    CPU the scan used until it was stopped there)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Listener)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Listener.seen = []
    env = {**env, "AWS_ENDPOINT_URL": f"http://127.0.0.1:{server.server_address[1]}",
           "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "eu-west-3",
           "AWS_MAX_ATTEMPTS": "1"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "auditor", "scan", "--provider", "aws", "--region", "eu-west-3",
                             "--quiet", "--no-history", "--out", str(out)], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while not _Listener.seen and proc.poll() is None and time.perf_counter() - start < 60:
            time.sleep(0.005)
    finally:
        proc.kill()
        proc.wait()
        server.shutdown()
        server.server_close()
    cpu = cpu_since(before)
    return (_Listener.seen[0] - start, cpu) if _Listener.seen else (float("nan"), cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--times", type=int, default=5, help="runs per figure (medians are printed)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cache, cold, out = Path(tmp, "cache"), Path(tmp, "cold"), Path(tmp, "out")
        env = env_with(cache)
        cold_env = env_with(cold)
        print(f"load before {load()}", flush=True)
        wall([sys.executable, "-m", "auditor", "--help"], env)  # writes the bytecode
        helps = [wall([sys.executable, "-m", "auditor", "--help"], env) for _ in range(args.times)]
        print(f"auditor --help           {medians(helps)}", flush=True)
        total, heavy = import_profile(env)
        print(f"import auditor.cli       {total:.3f} s; heaviest: "
              + ", ".join(f"{name} {s * 1000:.0f} ms" for s, name in heavy), flush=True)
        colds = []
        for i in range(args.times):
            colds.append(pack_load(env_with(Path(tmp, f"c{i}"))))
        warms = [pack_load(env) for _ in range(args.times + 1)][1:]  # the first fills the cache
        print(f"policy pack load         cold {statistics.median(colds):.3f} s, "
              f"warm {statistics.median(warms):.3f} s (in place, wall)", flush=True)
        first_call(env, out)  # fills the cache, writes the bytecode
        firsts = [first_call(env, out) for _ in range(args.times)]
        print(f"first API call, warm     {medians(firsts)}", flush=True)
        cold_firsts = [first_call({**cold_env, "AUDITOR_CACHE_DIR": str(Path(tmp, f"f{i}"))}, out)
                       for i in range(args.times)]
        print(f"first API call, cold     {medians(cold_firsts)}", flush=True)
        print(f"load after {load()}; {os.cpu_count()} cores", flush=True)


if __name__ == "__main__":
    main()
