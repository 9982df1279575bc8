"""Reference data speed: loading the communes and finding places while the operator types.

Run: ``.venv/bin/python bench/refdata.py`` (a few seconds). Prints baseline and ours side by
side (medians; p99 for the per-keystroke place finder) and the ratio baseline / ours.

1. Loading the 37 590 communes. Baseline: ``json.load`` of the raw etalab
   ``data/communes.json`` (8.6 MB, list of objects) from the npm tarball cached by
   ``tools/build_resources.py``; when that cache is absent, the same records rebuilt in memory
   in that layout. Ours: ``load_communes()`` — gzip'd columnar JSON to 37 590 ``Commune``.
2. Finding places in a 160-character alert, called on every keystroke of the composer.
   Baseline: the obvious scan, every normalised commune name searched in the normalised text.
   Ours: ``ReferencePlaceFinder.find_places`` (index built once, reported separately).
   Goal: p99 well under 5 ms.
"""

from __future__ import annotations

import gc
import io
import json
import random
import statistics
import sys
import tarfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stopcamb_desk.geo import data as geo_data  # noqa: E402
from stopcamb_desk.geo import places as geo_places  # noqa: E402
from stopcamb_desk.geo.text import name_key  # noqa: E402

ETALAB_TGZ = ROOT / "tools" / ".cache" / "etalab-decoupage-administratif-6.0.0.tgz"

TEXTS = [
    "MEYTHET, nombreux cambriolages dans les maisons, en fin de journée : prenez vos "
    "précautions et soyez vigilants, faites passer l'info !",
    "Cambriolages à Saint-Julien-en-Genevois et Annecy-le-Vieux cette nuit : fermez portes et "
    "fenêtres, signalez tout fait au 17.",
    "Vols dans les commerces du centre de L'Isle-d'Abeau en soirée. Commerçants, soyez "
    "vigilants et faites passer l'information.",
    "ORANGE, plusieurs maisons cambriolées en journée. Fermez vos volets, ne laissez pas de "
    "clés sous le paillasson. Appelez le 17.",
    "Bientôt les départs en vacances, pensez à vous inscrire à votre brigade dans le cadre des "
    "opérations tranquillité vacances.",
]


def _timed(fn: Callable[[], object], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def _raw_etalab_bytes() -> tuple[bytes, str]:
    if ETALAB_TGZ.exists():
        with tarfile.open(ETALAB_TGZ) as tar:
            fh = tar.extractfile("package/data/communes.json")
            assert fh is not None
            return fh.read(), "etalab data/communes.json (cache npm)"
    records = [
        {
            "code": c.code_insee,
            "nom": c.nom,
            "departement": c.departement,
            "type": c.type,
            "chefLieu": c.parent_code,
            "codesPostaux": list(c.codes_postaux),
            "population": c.population,
        }
        for c in geo_data.load_communes()
    ]
    geo_data.load_communes.cache_clear()
    return json.dumps(records, ensure_ascii=False).encode(), "mêmes données, format etalab"


def bench_load(runs: int = 7) -> None:
    raw, label = _raw_etalab_bytes()

    def baseline() -> None:
        json.load(io.BytesIO(raw))

    def ours() -> None:
        geo_data.load_communes.cache_clear()
        geo_data.load_communes()

    base = statistics.median(_timed(baseline, runs))
    mine = statistics.median(_timed(ours, runs))
    print(f"Chargement des {len(geo_data.load_communes())} communes (médiane de {runs}) :")
    print(f"  référence  {label:<42} {base * 1000:8.1f} ms  ({len(raw) / 1e6:.1f} Mo)")
    size = sum(f["bytes"] for f in geo_data.manifest()["files"].values())
    print(
        f"  nous       {'load_communes() → objets Commune':<42} {mine * 1000:8.1f} ms  "
        f"({size / 1e6:.1f} Mo de ressources au total)"
    )
    print(f"  ratio référence / nous : {base / mine:.1f}x")


def _keystroke_texts() -> list[str]:
    """Every prefix a typing operator produces, of texts cut or padded to 160 characters."""
    out = []
    for text in TEXTS:
        text = (text + " " + text)[:160]
        out.extend(text[:n] for n in range(8, 161, 8))
    return out


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench_places() -> bool:
    communes = geo_data.load_communes()
    start = time.perf_counter()
    index = geo_places.PlaceIndex(communes)
    build = time.perf_counter() - start
    finder = geo_places.ReferencePlaceFinder(index)

    keys = [f" {k} " for k in {name_key(c.nom) for c in communes}]

    def naive(text: str) -> list[str]:
        haystack = f" {name_key(text)} "
        return [k for k in keys if k in haystack]

    texts = _keystroke_texts()
    random.Random(1).shuffle(texts)
    ours = []
    for _ in range(5):
        for text in texts:
            t0 = time.perf_counter()
            finder.find_places(text)
            ours.append(time.perf_counter() - t0)
    base = []
    for text in texts[:60]:
        t0 = time.perf_counter()
        naive(text)
        base.append(time.perf_counter() - t0)
    print(f"\nRecherche des communes dans un texte (≤ 160 caractères, {len(ours)} frappes) :")
    print(f"  index construit une fois : {build * 1000:.0f} ms")
    print(
        f"  référence  balayage naïf des {len(keys)} noms   médiane "
        f"{statistics.median(base) * 1000:7.3f} ms   p99 {_percentile(base, 0.99) * 1000:7.3f} ms"
    )
    print(
        f"  nous       ReferencePlaceFinder            médiane "
        f"{statistics.median(ours) * 1000:7.3f} ms   p99 {_percentile(ours, 0.99) * 1000:7.3f} ms"
    )
    print(
        f"  ratio référence / nous (médianes) : "
        f"{statistics.median(base) / statistics.median(ours):.0f}x ; objectif p99 < 5 ms : "
        f"{'atteint' if _percentile(ours, 0.99) < 0.005 else 'NON ATTEINT'}"
    )
    return _percentile(ours, 0.99) < 0.005


def main() -> int:
    bench_load()
    return 0 if bench_places() else 1


if __name__ == "__main__":
    sys.exit(main())
