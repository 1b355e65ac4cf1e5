"""Talks 02 and 04: ThreadPoolExecutor with a thread-local Session, for the
shootout. CPU work too, to show the GIL at work.

    python3 scripts/python/thread_pool.py --workers 10
    python3 scripts/python/thread_pool.py hash --workers 2
"""

import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import requests

from util import (
    Run,
    filename_for_url,
    get_url_content,
    parse_args,
    tasks,
    write_to_file,
)

thread_local = threading.local()


# ANCHOR: worker_id
def worker_id():
    # Small ids for the timeline: ThreadPoolExecutor names its threads
    # ..._0, _1, ...
    return int(threading.current_thread().name.rsplit("_", 1)[-1])
# ANCHOR_END: worker_id


# ANCHOR: main
def main():
    args = parse_args("py-thread-pool", 5)
    run = Run("py-thread-pool", args)

    def do_work(url):
        if not hasattr(thread_local, "session"):
            thread_local.session = requests.Session()
        start = run.now_ms()
        try:
            content = get_url_content(thread_local.session, url, args.timeout)
            write_to_file(filename_for_url(url, args.out), content)
            run.record(worker_id(), url, start, len(content))
        except Exception as e:  # noqa: BLE001 - reported per URL
            run.record(worker_id(), url, start, error=str(e))

    def compute(task):
        name, function, arguments = task
        start = run.now_ms()
        run.record(worker_id(), name, start, function(*arguments))

    with ThreadPoolExecutor(max_workers=args.workers) as executor:
        if args.command == "download":
            list(executor.map(do_work, run.urls))
        else:
            list(executor.map(compute, tasks(args)))
    return run.finish(args.workers)
# ANCHOR_END: main


if __name__ == "__main__":
    sys.exit(main())
