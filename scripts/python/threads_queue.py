"""Talk 01's threads + Queue, for the shootout (one Session per thread:
requests.Session is not thread-safe).

    python3 scripts/python/threads_queue.py --workers 10
"""

import sys
import threading
from queue import Queue

import requests

from util import (
    Run,
    filename_for_url,
    get_url_content,
    parse_args,
    write_to_file,
)


# ANCHOR: main
def main():
    args = parse_args("py-threads-queue", 5)
    run = Run("py-threads-queue", args)
    if args.command != "download":
        print(
            "py-threads-queue: error: only download"
            " (see thread_pool.py for CPU)",
            file=sys.stderr,
        )
        return 2
    unvisited = Queue()
    for url in run.urls:
        unvisited.put(url)

    def visit_urls(worker):
        session = requests.Session()
        while True:
            url = unvisited.get()
            start = run.now_ms()
            try:
                content = get_url_content(session, url, args.timeout)
                write_to_file(filename_for_url(url, args.out), content)
                run.record(worker, url, start, len(content))
            except Exception as e:  # noqa: BLE001 - reported per URL
                run.record(worker, url, start, error=str(e))
            unvisited.task_done()

    for worker in range(args.workers):
        threading.Thread(
            target=visit_urls, args=(worker,), daemon=True
        ).start()
    unvisited.join()
    return run.finish(args.workers)
# ANCHOR_END: main


if __name__ == "__main__":
    sys.exit(main())
