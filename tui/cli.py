"""The ``five-star-tui`` command line: launch the app, or run one of the script-friendly commands.

Heavy modules are imported only by the command that needs them, so ``--help`` stays instant.
Every failure a user can cause ends as one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from five_star.store import __version__
from five_star.store.errors import FiveStarError
from five_star.store.export.formats import FORMAT_NAMES
from five_star.store.sanitize import path_text

# command name -> module in five_star.tui that defines run(args) -> int
COMMANDS = {
    "extract": "cmd_extract",
    "figures": "cmd_figures",
    "ingest": "cmd_library",
    "reindex": "cmd_library",
    "stats": "cmd_library",
    "search": "cmd_library",
    "export": "cmd_library",
}


def build_parser() -> argparse.ArgumentParser:
    def db_option(default: object) -> argparse.ArgumentParser:
        db = argparse.ArgumentParser(add_help=False)
        db.add_argument(
            "--db",
            metavar="PATH",
            default=default,
            help="library file (default: $FIVE_STAR_DB, else the user data directory)",
        )
        return db

    # A subcommand's default would overwrite the value of `five-star-tui --db PATH stats`, so
    # subcommands leave --db unset unless it follows them.
    db = db_option(argparse.SUPPRESS)
    parser = argparse.ArgumentParser(
        prog="five-star-tui",
        parents=[db_option(None)],
        description=(
            "Browse news about Henan's “五星”支部创建 campaign: a keyboard-driven tree of cities, "
            "programs and articles with highlighted figures. With no command, opens the app "
            "(a new library starts with the bundled seed pages)."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "extract",
        help="print articles from pages as JSON Lines (no library involved)",
        description="Read .txt/.md pages (files or folders) and print one JSON object per article. "
        "With no PATH, reads the bundled seed pages.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH")

    p = sub.add_parser(
        "figures",
        help="read text on stdin, print the figures of each line as a JSON array",
        description="For each line on stdin, print one JSON array of the figures found in it "
        "(offsets relative to that line).",
    )
    p.add_argument(
        "--explain",
        action="store_true",
        help="print every candidate instead, with the rule that kept or dropped it, one per line",
    )

    p = sub.add_parser("ingest", parents=[db], help="add pages (files or folders) to the library")
    p.add_argument("paths", nargs="+", metavar="PATH")

    sub.add_parser(
        "reindex", parents=[db], help="re-run extraction over the whole library from its stored raw pages"
    )
    sub.add_parser(
        "stats", parents=[db], help="articles per city and program, star tallies per city (planned ones apart)"
    )

    p = sub.add_parser("search", parents=[db], help="print the articles matching a query")
    p.add_argument(
        "query",
        metavar="QUERY",
        help='e.g. 红色物业 city:漯河 -脱贫 "五星 支部" value>=1000000 date:2023-05 tier:5 '
        "(a query that starts with - goes after --: search -- -脱贫)",
    )

    p = sub.add_parser("export", parents=[db], help="write matching articles to CSV or JSON Lines")
    p.add_argument("query", nargs="?", default="", metavar="QUERY", help="what to export (default: everything)")
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.add_argument("--format", choices=FORMAT_NAMES, default=FORMAT_NAMES[0])
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command is None:
            from five_star.tui.app import run_app

            return run_app(args)
        module = importlib.import_module(f"five_star.tui.{COMMANDS[args.command]}")
        return module.run(args)
    except FiveStarError as exc:
        print(f"five-star-tui: {path_text(str(exc))}", file=sys.stderr)  # it names paths: never raw
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `five-star-tui extract | head` closes the pipe early; that is not an error.
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
