"""Write the read API's schema as SDL: ``python -m okr_es.api.graphql.export [path]``.

Without a path it prints to stdout; ``docs/schema.graphql`` is the checked-in copy (a
test keeps it current).
"""

from __future__ import annotations

import sys
from pathlib import Path

from okr_es.api.graphql.schema import build_schema


def schema_sdl() -> str:
    return build_schema().as_str().rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args:
        Path(args[0]).write_text(schema_sdl(), encoding="utf-8")
    else:
        sys.stdout.write(schema_sdl())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
