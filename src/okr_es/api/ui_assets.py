"""The browser UIs' scripts and styles (GraphiQL, Swagger UI), shipped inside the package.

Public-sector networks are often closed to the internet, so nothing these pages load may
come from a CDN: the exact files of pinned npm releases live in ``okr_es/api/static/`` and
are served under ``/static``. ``scripts/vendor_ui_assets.py`` fetches them again from npm
and checks every file against the sha256 pinned here; changing a version is a deliberate
edit of this table and a rerun of that script.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from litestar import Router
from litestar.datastructures import CacheControlHeader
from litestar.static_files import create_static_files_router

STATIC_PATH = "/static"
STATIC_DIR = Path(__file__).resolve().parent / "static"
# Every directory is named for its release, so a file's content never changes under its URL.
ONE_YEAR = 365 * 24 * 3600


@dataclass(frozen=True)
class NpmRelease:
    """Files taken from one npm release: path inside the package → sha256 of its bytes."""

    package: str
    version: str
    files: dict[str, str]

    @property
    def directory(self) -> str:
        return f"{self.package.replace('@', '').replace('/', '-')}-{self.version}"

    def url(self, name: str) -> str:
        """The served URL of the file whose name (last path part) is ``name``."""
        if name not in {PurePosixPath(path).name for path in self.files}:
            raise KeyError(f"{self.package}@{self.version} ships no vendored {name}")
        return f"{STATIC_PATH}/{self.directory}/{name}"


REACT = NpmRelease(
    "react",
    "18.3.1",
    {
        "umd/react.production.min.js": (
            "d949f1c3687aedadcedac85261865f29b17cd273997e7f6b2bfc53b2f9d4c4dd"
        ),
        "LICENSE": "52412d7bc7ce4157ea628bbaacb8829e0a9cb3c58f57f99176126bc8cf2bfc85",
    },
)
REACT_DOM = NpmRelease(
    "react-dom",
    "18.3.1",
    {
        "umd/react-dom.production.min.js": (
            "35f4f974f4b2bcd44da73963347f8952e341f83909e4498227d4e26b98f66f0d"
        ),
        "LICENSE": "52412d7bc7ce4157ea628bbaacb8829e0a9cb3c58f57f99176126bc8cf2bfc85",
    },
)
# GraphiQL 3 is the last major release with a UMD build that runs without a bundler.
GRAPHIQL = NpmRelease(
    "graphiql",
    "3.8.3",
    {
        "graphiql.min.js": "22faab94067b695e5f7959619fbe686ebcc8955002a0c97d986bcbba4ad4bc2c",
        "graphiql.min.css": "b1868247f8e0502cd869e581f5f3cb55b334862e7f51b1d6cbace11059b9adc2",
        "LICENSE": "4b18fbe55c4e8f9169cb702be138f4d858a2dad920c39857204ffdc9c1c9fdc4",
    },
)
SWAGGER_UI = NpmRelease(
    "swagger-ui-dist",
    "5.36.0",
    {
        "swagger-ui-bundle.js": "b164c5a22535e40dae08c00271674a67e437ec195098c55fcedf8ffac7ac3c88",
        "swagger-ui-standalone-preset.js": (
            "5243d492e14505e0cab87ac8b0195d0e615943e651743b2b698450a46eb470be"
        ),
        "swagger-ui.css": "7eb9f5a125e4bc9b3f0b71869b66d1a3d7c501f972f53d44ef91c2ae6c5bda5e",
        "favicon-32x32.png": "3ed612f41e050ca5e7000cad6f1cbe7e7da39f65fca99c02e99e6591056e5837",
        "LICENSE": "cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30",
        "NOTICE": "0d20d1adef18aee3f40dd258172155521ce702ac445cb5f7b7d60ed32dad2fb2",
        "swagger-ui-bundle.js.LICENSE.txt": (
            "37eb6e7e59aed57b2c1acf076574b818ea07b74265717e0bd67b59e0baf9abbb"
        ),
        "swagger-ui-standalone-preset.js.LICENSE.txt": (
            "000580e4e2255ea6ccde0c47f6d75e2f703a1931298fde58756793b67c0daed9"
        ),
    },
)
RELEASES = (REACT, REACT_DOM, GRAPHIQL, SWAGGER_UI)


def static_files_router() -> Router:
    """Serves ``okr_es/api/static`` under ``/static`` (no token needed: public code only)."""
    return create_static_files_router(
        path=STATIC_PATH,
        directories=[STATIC_DIR],
        name="ui-assets",
        include_in_schema=False,
        cache_control=CacheControlHeader(public=True, max_age=ONE_YEAR, immutable=True),
    )
