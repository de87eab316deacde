#!/usr/bin/env python3
"""Arelle loads two OIM reports (xBRL-JSON, xBRL-CSV metadata, or XML) and saves each as xBRL-JSON;
their facts (footnotes aside) must be the same: same aspects, values and decimals, as often.

usage: same-oim-facts.py ARELLE_VENV A B
"""
import collections, json, sys, tempfile

from arelle_oim import arelle_oim

venv, a, b = sys.argv[1:4]


def facts(path, tmp):
    doc = arelle_oim(venv, path, tmp)
    return collections.Counter(
        (json.dumps(f["dimensions"], sort_keys=True), json.dumps(f.get("value")), f.get("decimals"))
        for f in doc["facts"].values() if f["dimensions"].get("concept") != "xbrl:note")


with tempfile.TemporaryDirectory() as tmp:
    fa, fb = facts(a, tmp), facts(b, tmp)
if fa != fb:
    print(f"{a} and {b} differ: {sum((fa - fb).values())} facts only in the first, "
          f"{sum((fb - fa).values())} only in the second; e.g. {list((fa - fb) or (fb - fa))[:2]}", file=sys.stderr)
    sys.exit(1)
print(f"{a} and {b}: the same {sum(fa.values())} facts")
