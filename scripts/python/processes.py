"""Talks 01, 04 and 05: multiprocessing.Pool with an initializer that gives
each process its own Session, for the shootout.

    python3 scripts/python/processes.py --workers 4
    python3 scripts/python/processes.py hash --workers 2
"""

import multiprocessing
import os
import sys
import time

import requests

from util import (
    filename_for_url,
    get_url_content,
    parse_args,
    tasks,
    write_to_file,
    Run,
)

session = None


# ANCHOR: set_global_session
def set_global_session():
    global session
    session = requests.Session()
# ANCHOR_END: set_global_session


# ANCHOR: do_work
def do_work(job):
    url, out, timeout = job
    start = time.perf_counter()
    try:
        content = get_url_content(session, url, timeout)
        write_to_file(filename_for_url(url, out), content)
        return os.getpid(), url, start, time.perf_counter(), len(content), None
    except Exception as e:  # noqa: BLE001 - reported per URL
        return os.getpid(), url, start, time.perf_counter(), None, str(e)
# ANCHOR_END: do_work


# ANCHOR: compute
def compute(task):
    name, function, arguments = task
    start = time.perf_counter()
    answer = function(*arguments)
    return os.getpid(), name, start, time.perf_counter(), answer, None
# ANCHOR_END: compute


# ANCHOR: main
def main():
    args = parse_args("py-processes", os.cpu_count() or 1)
    run = Run("py-processes", args)
    with multiprocessing.Pool(
        args.workers, initializer=set_global_session
    ) as pool:
        if args.command == "download":
            results = pool.map(
                do_work, [(u, args.out, args.timeout) for u in run.urls]
            )
        else:
            results = pool.map(compute, tasks(args))
    # perf_counter is system-wide on Linux, so the workers' clocks match ours.
    pids = sorted({r[0] for r in results})
    for pid, item, start, end, result, error in results:
        run.records.append(
            {
                "worker": pids.index(pid),
                "item": item,
                "start_ms": (start - run.started) * 1000,
                "end_ms": (end - run.started) * 1000,
                "bytes": result if isinstance(result, int) else 0,
                "ok": error is None,
                **({"answer": result} if isinstance(result, str) else {}),
                **({"error": error} if error else {}),
            }
        )
    return run.finish(args.workers)
# ANCHOR_END: main


if __name__ == "__main__":
    sys.exit(main())
