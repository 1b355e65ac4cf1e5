"""Talk 01's sequential approach (with talk 04's one Session), for the shootout.

python3 scripts/python/seq.py [--urls urls.txt] [--out downloads]
python3 scripts/python/seq.py hash
"""

import sys

import requests

from util import (
    Run,
    filename_for_url,
    get_url_content,
    parse_args,
    tasks,
    write_to_file,
)


# ANCHOR: main
def main():
    args = parse_args("py-seq", 1)
    run = Run("py-seq", args)
    if args.command == "download":
        with requests.Session() as session:
            for url in run.urls:
                start = run.now_ms()
                try:
                    content = get_url_content(session, url, args.timeout)
                    write_to_file(filename_for_url(url, args.out), content)
                    run.record(0, url, start, len(content))
                except Exception as e:  # noqa: BLE001 - reported per URL
                    run.record(0, url, start, error=str(e))
    else:
        for name, function, arguments in tasks(args):
            start = run.now_ms()
            run.record(0, name, start, function(*arguments))
    return run.finish(1)
# ANCHOR_END: main


if __name__ == "__main__":
    sys.exit(main())
