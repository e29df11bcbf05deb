"""Benchmark: spelling suggestions over the vocabulary of bench/search.py's 100,000 products.

    .venv/bin/python bench/spelling.py [--documents 100000] [--repeat 200] [--backend both|postgresql|sqlite]

For each backend, in a fresh database (PostgreSQL ``kh_bench_spelling``, dropped after; SQLite a
temporary file), in one process:

1. generates the texts of bench/search.py's corpus (same generator and seed) and counts their
   words as indexing does (``spelling.document_words``: the cost indexing adds per document);
2. writes the vocabulary to the table (``spelling._apply``);
3. reads the speller (``spelling.speller``: build time, size of the delete index);
4. measures p50/p95 of ``selectors._suggestions`` (the selector's whole work: synonyms, the
   speller, the one query of current counts) for 3-word queries with typos, and of the speller's
   lookups alone;
5. repeats 3 and 4 with the vocabulary grown to ``spelling.MAX_WORDS`` words (Dutch-like compounds
   of the corpus's words with document counts of 1-3), the bound a large site reaches.
"""

import argparse
import csv
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.databases import database_url, drop_database, recreate_database  # noqa: E402

PG_DB = "kh_bench_spelling"
QUERIES = [
    "omgevigswet particpatiewet statushoudres",
    "mantelzorgrs respijtzrog laaggeletterdhied",
    "jeugdhlup woningbouuw energietransitei",
    "schuldhulpverleneing klimaatadaptaite afvalschieding",
]


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def timed(function, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return percentile(times, 50), percentile(times, 95)


def corpus_counts(documents: int) -> tuple[Counter, float]:
    from bench.search import make_text
    from kennishub.search import spelling

    data = REPO / "kennishub/core/data"
    with open(data / "gemeenten.csv", encoding="utf-8") as handle:
        municipalities = [row["name"] for row in csv.DictReader(handle)]
    with open(data / "themas.csv", encoding="utf-8") as handle:
        themes = [row["label"] for row in csv.DictReader(handle) if row["level"] == "1"]
    rng = random.Random(20261123)
    counts: Counter = Counter()
    spent = 0.0
    for _ in range(documents):
        title, summary, body = make_text(rng, rng.choice(municipalities), rng.choice(themes))
        start = time.perf_counter()
        counts.update(spelling.document_words(title, summary, body))
        spent += time.perf_counter() - start
    return counts, spent / documents * 1e6


def measure(label: str, repeat: int) -> None:
    from kennishub.search import selectors, spelling

    spelling.forget()
    start = time.perf_counter()
    speller = spelling.speller()
    built = time.perf_counter() - start
    size = (speller.keys.nbytes + speller.groups.nbytes + speller.documents.nbytes) / 1e6
    log(
        f"{label}: {len(speller)} words, speller read and built in {built * 1000:.0f} ms, "
        f"delete index {len(speller.keys)} keys, {size:.1f} MB of arrays"
    )
    for query in QUERIES:
        suggestion = selectors._suggestions(query)
        words = spelling.text.words(query)
        p50, p95 = timed(lambda query=query: selectors._suggestions(query), repeat)
        l50, l95 = timed(
            lambda words=words: [speller.candidates(w, spelling.allowed_edits(w)) for w in words], repeat
        )
        print(
            f"{label:<28} {query:<46} -> {suggestion[0] if suggestion else '(none)':<46} "
            f"suggest p50 {p50:5.2f} p95 {p95:5.2f} ms | lookups p50 {l50:5.2f} p95 {l95:5.2f} ms"
        )


def run_backend(backend: str, documents: int, repeat: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from kennishub.search import spelling

    log(f"{backend}: migrate")
    call_command("migrate", verbosity=0)
    counts, per_document = corpus_counts(documents)
    log(
        f"{backend}: {documents} documents, {len(counts)} words; "
        f"counting words {per_document:.0f} µs/document"
    )
    start = time.perf_counter()
    with transaction.atomic():
        spelling._apply(dict(counts))
    log(f"{backend}: vocabulary written in {(time.perf_counter() - start) * 1000:.0f} ms")
    measure(f"{backend}, corpus vocabulary", repeat)

    # Grow the vocabulary to the bound with compounds of the corpus's words ("jeugdhulpbeleid").
    rng = random.Random(7)
    parts = [word for word in counts if len(word) >= 4]
    grown: dict[str, int] = {}
    while len(grown) + len(counts) < spelling.MAX_WORDS:
        word = (rng.choice(parts) + rng.choice(parts))[: spelling.MAX_WORD_CHARS]
        if word not in counts:
            grown[word] = rng.randint(1, 3)
    with transaction.atomic():
        spelling._apply(grown)
    measure(f"{backend}, {spelling.MAX_WORDS} words", repeat)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--backend", choices=["both", "postgresql", "sqlite"], default="both")
    parser.add_argument("--child", choices=["postgresql", "sqlite"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_backend(args.child, args.documents, args.repeat)
        return 0
    status = 0
    for backend in ["postgresql", "sqlite"] if args.backend == "both" else [args.backend]:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(REPO)}
        with tempfile.TemporaryDirectory(prefix="kh-bench-spelling-") as data_dir:
            env["KH_DATA_DIR"] = data_dir
            env["DATABASE_URL"] = (
                recreate_database(database_url(PG_DB))
                if backend == "postgresql"
                else f"sqlite:///{data_dir}/bench.sqlite3"
            )
            try:
                command = [sys.executable, __file__, "--child", backend,
                           "--documents", str(args.documents), "--repeat", str(args.repeat)]  # fmt: skip
                status |= subprocess.run(command, env=env, cwd=REPO, check=False).returncode
            finally:
                if backend == "postgresql":
                    drop_database(database_url(PG_DB))
    return status


if __name__ == "__main__":
    sys.exit(main())
