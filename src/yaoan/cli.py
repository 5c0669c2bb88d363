"""The ``yaoan`` console script: Django's management entry point with our settings."""

import os
import sys


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "signals":
        # The signal engine needs no Django: skip its set-up to keep start-up fast.
        from yaoan.analytics.signals.cli import main as signals_main

        sys.exit(signals_main(sys.argv[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yaoan.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
