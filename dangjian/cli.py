"""The `dangjian` console command: every management command, honouring DATABASE_URL.

`dangjian serve` runs the development server on 127.0.0.1:8000; all other words are passed to
Django's management command line (`dangjian migrate`, `dangjian demo --scale county`, ...).
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "dangjian"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
