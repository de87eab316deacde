#!/usr/bin/env python3
"""Arelle loads two reports (here the XML instance and the xBRL-JSON report of one export) and saves
each as xBRL-JSON; every fact must be linked to footnotes with the same texts in both. This is how
CI knows that an independent processor follows the XML instance's footnote links (one footnote
per source location, located for each fact by a shared locator label) to the same notes as the
xBRL-JSON report's.

usage: same-footnotes.py ARELLE_VENV A B
"""
import html, sys, tempfile

from arelle_oim import arelle_oim

venv, a, b = sys.argv[1:4]


def notes(path, tmp):
    facts = arelle_oim(venv, path, tmp)["facts"]
    text = {f["dimensions"]["noteId"]: " ".join(html.unescape(f["value"]).split())
            for f in facts.values() if f["dimensions"].get("concept") == "xbrl:note"}
    return {k: sorted(text[n] for n in f.get("links", {}).get("footnote", {}).get("_", []))
            for k, f in facts.items() if f["dimensions"].get("concept") != "xbrl:note"}


with tempfile.TemporaryDirectory() as tmp:
    na, nb = notes(a, tmp), notes(b, tmp)
differ = sorted(k for k in set(na) | set(nb) if na.get(k) != nb.get(k))
unlinked = sorted(k for k, n in na.items() if not n)
if differ or unlinked or not na:
    print(f"{a} and {b}: {len(differ)} facts with other footnotes, e.g. "
          f"{[(k, na.get(k), nb.get(k)) for k in differ[:2]]}; {len(unlinked)} facts without one", file=sys.stderr)
    sys.exit(1)
print(f"{a} and {b}: each of the {len(na)} facts links to the same footnotes "
      f"({sum(map(len, na.values()))} links)")
