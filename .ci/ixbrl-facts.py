#!/usr/bin/env python3
"""The facts Arelle reads from an Inline XBRL page must be the facts of the export's xBRL-JSON.

usage: ixbrl-facts.py PAGE.xhtml REPORT.json [--packages ZIP]

Arelle (the venv arelle-check installs) reads the page offline and saves it as xBRL-JSON
(saveLoadableOIM); each fact is compared by concept, period, breakdown, unit, language and value
(numbers as exact decimals). Footnotes (xbrl:note) are compared apart: every fact of the page
must lead to at least one. Exit 1 on any difference.
"""
import decimal, json, os, sys, tempfile

from arelle_oim import arelle_oim

def key(f):
    d = dict(f["dimensions"])
    concept = d.pop("concept")
    d.pop("entity", None)
    v = f.get("value")
    if v is not None and "decimals" in f:  # a number: compared as an exact decimal
        v = str(decimal.Decimal(v).normalize())
    unit = d.pop("unit", None)
    if unit == "xbrli:pure":  # OIM's default unit, written or not
        unit = None
    return (concept, d.pop("period", None), unit, d.pop("language", None), tuple(sorted(d.items())), v)

def facts(doc):
    real = [f for f in doc["facts"].values() if f["dimensions"]["concept"] != "xbrl:note"]
    return real

def main():
    args = sys.argv[1:]
    pkgs = []
    while "--packages" in args:
        i = args.index("--packages")
        pkgs += ["--packages", args[i + 1]]
        del args[i:i + 2]
    if len(args) != 2:
        sys.exit(__doc__)
    page, report = args
    venv = os.environ.get("ARELLE_VENV", "/tmp/arelle-venv")
    with tempfile.TemporaryDirectory() as tmp:
        got = arelle_oim(venv, page, tmp, pkgs)
    want = json.load(open(report, encoding="utf-8"))
    g, w = facts(got), facts(want)
    gk, wk = sorted(map(key, g)), sorted(map(key, w))
    problems = []
    from collections import Counter
    gc, wc = Counter(gk), Counter(wk)
    for k in (wc - gc):
        problems.append(f"in {report}, not on the page: {k}")
    for k in (gc - wc):
        problems.append(f"on the page, not in {report}: {k}")
    unlinked = [f for f in g if not f.get("links", {}).get("footnote")]
    if unlinked:
        problems.append(f"{len(unlinked)} fact(s) on the page lead to no source note, e.g. {unlinked[0]['dimensions']}")
    for p in problems[:20]:
        print("ixbrl-facts:", p, file=sys.stderr)
    print(f"{'FAIL' if problems else 'OK'} {page}: Arelle read {len(g)} facts, {report} has {len(w)}; {len(problems)} difference(s)")
    sys.exit(1 if problems else 0)

if __name__ == "__main__":
    main()
