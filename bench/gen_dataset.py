#!/usr/bin/env python3
"""Generate a synthetic esgx dataset of about N facts, shaped like the FY2025 example.

The FY2025 example (every KPI with its breakdowns, two years, arithmetic that holds) is repeated
for earlier pairs of years, as far back as 1900, so that every rule has real work to do; the rest
of the facts are per-site headcounts and supplier counts (RegionAxis members of a company
extension), which is how a large group's data grows. Deterministic: the same N gives the same file.

With --extra-concepts K the company extension also defines K concepts of its own that no fact
reports: the same facts against a taxonomy K concepts larger, to show that lookups do not slow
down with the taxonomy's size.

usage: gen_dataset.py N OUT.json [--extra-concepts K]
"""
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
TEMPLATE = HERE.parent / "examples" / "fy2025-example" / "dataset.json"


def shift(period: str, years: int) -> str:
    """A literal period ("2023-01-01/2023-12-31" or "2023-12-31") moved back by whole years."""
    return "/".join(f"{int(d[:4]) - years:04d}{d[4:]}" for d in period.split("/"))


def main() -> None:
    args = sys.argv[1:]
    extra = 0
    if len(args) == 4 and args[2] == "--extra-concepts":
        extra = int(args[3])
        args = args[:2]
    if len(args) != 2:
        sys.exit(__doc__)
    n, out = int(args[0]), pathlib.Path(args[1])
    doc = json.loads(TEMPLATE.read_text(encoding="utf-8"))
    base = doc["facts"]
    per_copy = len(base)
    copies = max(1, min(n // per_copy, 62))  # pairs of years from 2025 back to 1902
    periods, facts = {}, []
    for k in range(copies):
        names = {}
        for name, p in doc["periods"].items():
            year = int(name[2:]) - 2 * k
            new = f"FY{year}"
            names[name] = new
            periods[new] = {"start": f"{year}{p['start'][4:]}", "end": f"{year}{p['end'][4:]}"}
        for f in base:
            g = dict(f)
            g["period"] = names.get(f["period"]) or shift(f["period"], 2 * k)
            g.pop("id", None)
            facts.append(g)
    rest = max(0, n - len(facts))
    years = sorted(periods)
    sites = max(1, -(-rest // (2 * len(years))))
    members = [
        {"axis": "RegionAxis", "name": f"Site{i}Member", "parent": "ChinaMember", "labels": {"en": f"Site {i}"}}
        for i in range(sites)
    ]
    src = doc["sources"][0]["id"]
    for y in years:
        for i in range(sites):
            if len(facts) >= n:
                break
            dims = {"RegionAxis": f"Site{i}Member"}
            line = 1000 + i
            facts.append({"concept": "NumberOfEmployees", "value": str(100 + i % 13), "period": y,
                          "dimensions": dims, "source": {"document": src, "section": "Sites", "line": line}})
            facts.append({"concept": "NumberOfSuppliers", "value": str(10 + i % 7), "period": y,
                          "dimensions": dims, "source": {"document": src, "section": "Sites", "line": line}})
    doc["periods"] = periods
    doc["facts"] = facts
    doc["extensions"] = {"prefix": "syn", "namespace": "https://esgx.dev/taxonomy/ext/syn/1", "members": members}
    if extra:
        doc["extensions"]["concepts"] = [
            {"name": f"SyntheticIndicator{i}", "type": "integer", "periodType": "duration", "units": ["pure"],
             "group": "B8", "axes": ["RegionAxis"],
             "labels": {"en": f"Synthetic indicator {i}", "zh-Hant": f"合成指標 {i}", "zh-Hans": f"合成指标 {i}"}}
            for i in range(extra)
        ]
    out.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    print(f"{out}: {len(facts)} facts, {len(periods)} periods, {sites} sites", file=sys.stderr)


if __name__ == "__main__":
    main()
