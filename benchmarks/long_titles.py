"""okr-es lint and compare on the largest documents the loader accepts.

Twenty objectives of five key results each, every title and `why` close to the 200
characters allowed, of random words (so hardly a word recurs and every pair of key
results has to be compared in full): the worst case for the wording comparison, which
looks at every pair of key results. Both should answer within a second or two.

Run: ``python -m benchmarks.long_titles`` (``--seed N`` for other documents).
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable

from okr_es.learning import compare, lint
from okr_es.learning.okr_set import MAX_TITLE_CHARS, OkrSet, okr_set_from_python

_LETTERS = "abcdefghijklmnopqrstuvwxyzæøå"


def document(rng: random.Random, words: list[str]) -> OkrSet:
    def title() -> str:
        text = ""
        while True:
            word = rng.choice(words)
            if len(text) + len(word) + 1 > MAX_TITLE_CHARS:
                return text
            text = f"{text} {word}".strip()

    return okr_set_from_python(
        {
            "unit": "Team",
            "cycle": "2026 Q1",
            "objectives": [
                {
                    "title": title(),
                    "why": title(),
                    "owner": "Kari",
                    "key_results": [{"title": title()} for _ in range(5)],
                }
                for _ in range(20)
            ],
        }
    )


def timed(label: str, work: Callable[[], object]) -> None:
    start = time.perf_counter()
    work()
    print(f"{label:<8} {time.perf_counter() - start:6.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    seed = parser.parse_args().seed
    rng = random.Random(seed)
    words = ["".join(rng.choice(_LETTERS) for _ in range(rng.randint(2, 10))) for _ in range(3000)]
    first, second = document(rng, words), document(rng, words)
    timed("lint", lambda: lint(first))
    timed("compare", lambda: compare(first, second))


if __name__ == "__main__":
    main()
