"""Repository-wide pytest hooks: per-notebook durations for nbval runs.

nbval reports one test item per notebook cell; this adds them up per notebook and prints a
table at the end of the run. When ``AIOT_DURATIONS_JSON`` names a file, the times are also
written there as JSON, with the device and a fingerprint of the notebooks' code
(``aiotkit.timing``), for the README's CPU-vs-GPU table.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict

_durations: dict[str, float] = defaultdict(float)
_failed: set[str] = set()


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::")[0]
    if path.endswith(".ipynb"):
        _durations[path] += report.duration
        if report.failed:
            _failed.add(path)


def pytest_terminal_summary(terminalreporter):
    if not _durations:
        return
    tr = terminalreporter
    tr.section("per-notebook durations (seconds)")
    for path in sorted(_durations):
        mark = "FAILED" if path in _failed else "ok"
        tr.write_line(f"{_durations[path]:8.1f}  {mark:6}  {path}")
    tr.write_line(f"{sum(_durations.values()):8.1f}  total ({len(_durations)} notebooks)")
    target = os.environ.get("AIOT_DURATIONS_JSON")
    if target:
        from aiotkit.timing import timings_record

        workers = getattr(tr.config.option, "numprocesses", None) or 1  # pytest-xdist -n
        if not isinstance(workers, int):  # -n auto / logical
            workers = os.cpu_count() or 2
        record = timings_record(dict(_durations), _failed, workers, root=str(tr.config.rootpath))
        with open(target, "w", encoding="utf-8") as handle:
            json.dump(record, handle, indent=1, ensure_ascii=False)
        tr.write_line(f"timings written to {target} (fingerprint {record['fingerprint']})")
