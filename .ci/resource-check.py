#!/usr/bin/env python3
"""Resource bounds on hostile inputs: validating a ~1 MB hostile input of each class that issue
#14 found must stay under 200 MB of memory and 2 s, and give the expected exit code (0 accepted,
1 findings, 2 refused as a usage or I/O problem).

Run by .ci/run against the release binary: `.ci/resource-check.py target/release/esgx`.

To stay free of flakes on a loaded CI machine, time is measured as the child's CPU time (user +
system, from wait4's rusage), which other jobs on the machine barely change, not wall-clock time;
memory is the child's peak resident set (ru_maxrss). A wall-clock timeout far above the bound
(60 s) catches hangs (a FIFO, a device) without deciding the speed verdict.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time

MAX_RSS_MB = 200
MAX_CPU_S = 2.0
HANG_S = 60
SIZE = 1_000_000  # bytes of hostile content per input


def run(esgx, args, env=None):
    """Run esgx unmeasured (to prepare inputs); return (exit code, wall seconds, stderr tail)."""
    e = dict(os.environ, SOURCE_DATE_EPOCH="1700000000", **(env or {}))
    start = time.monotonic()
    p = subprocess.Popen([esgx] + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=e)
    try:
        _, err = p.communicate(timeout=HANG_S)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        return None, HANG_S, "timed out"
    return p.returncode, time.monotonic() - start, err.decode("utf-8", "replace")[-300:]


def run_measured(esgx, args, env=None):
    """Run esgx; return (exit code, CPU seconds, peak RSS in MB, wall seconds) from wait4."""
    e = dict(os.environ, SOURCE_DATE_EPOCH="1700000000", **(env or {}))
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        try:
            os.execve(esgx, [esgx] + args, e)
        finally:
            os._exit(127)
    deadline = start + HANG_S
    while True:
        wpid, status, ru = os.wait4(pid, os.WNOHANG)
        if wpid == pid:
            break
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            os.wait4(pid, 0)
            return None, None, None, HANG_S
        time.sleep(0.01)
    code = os.waitstatus_to_exitcode(status)
    cpu = ru.ru_utime + ru.ru_stime
    rss_mb = ru.ru_maxrss / 1024  # KB on Linux
    return code, cpu, rss_mb, time.monotonic() - start


def replace_once(text, old, new):
    assert old in text, old
    return text.replace(old, new, 1)


def make_inputs(esgx, root):
    base = os.path.join(root, "base")
    code, *_ = run(esgx, ["export", "--example", "qifu-2023", "--out", base])
    assert code == 0, "the bundled export failed"
    xsd_rel = "taxonomy/qifu-extension.xsd"
    with open(os.path.join(base, xsd_rel)) as f:
        plain_xsd = "".join(l for l in f.read().splitlines(True) if "<esgxsrc:extension" not in l)
    with open(os.path.join(base, "report.xbrl")) as f:
        report = f.read()
    # The third fact, by position (ids are derived from the facts' aspects).
    fact = [l for l in report.splitlines() if "contextRef=" in l][2]
    fact_id = 'id="' + fact.split(' id="')[1].split('"')[0] + '"'
    text_open = '">Qifu Technology integrates'

    cases = {}

    def filing(name, report_text=None, xsd_text=None, extra=None, expect=0):
        d = os.path.join(root, name)
        shutil.copytree(base, d)
        with open(os.path.join(d, "report.xbrl"), "w") as f:
            f.write(report_text if report_text is not None else report)
        with open(os.path.join(d, xsd_rel), "w") as f:
            f.write(xsd_text if xsd_text is not None else plain_xsd)
        if extra:
            extra(d)
        cases[name] = (["validate", os.path.join(d, "report.xbrl")], None, expect)

    # 1. Namespace declarations times elements in an extension schema.
    n_decl = 2000
    decls = "".join(f' xmlns:n{i}="urn:hostile:{i}"' for i in range(n_decl))
    per = len('<xs:element name="H0000000"/>\n')
    els = "".join(f'<xs:element name="H{i:07d}"/>\n' for i in range((SIZE - len(decls)) // per))
    filing(
        "namespace-amplification",
        xsd_text=replace_once(replace_once(plain_xsd, "<xs:schema ", "<xs:schema" + decls + " "), "</xs:schema>", els + "</xs:schema>"),
    )
    # 2. Linkbases outside the folder, a device, a FIFO.
    for name, href in [("linkbase-passwd", "../../../../../../etc/passwd"), ("linkbase-dev-zero", "../../../../../../dev/zero")]:
        filing(name, xsd_text=plain_xsd.replace('xlink:href="qifu-extension-lab.xml"', f'xlink:href="{href}"'), expect=1)

    def fifo(d):
        os.mkfifo(os.path.join(d, "taxonomy", "fifo.xml"))

    filing("linkbase-fifo", xsd_text=plain_xsd.replace('xlink:href="qifu-extension-lab.xml"', 'xlink:href="fifo.xml"'), extra=fifo, expect=2)
    # 3. Duplicate facts: the same figure, and differing ones.
    n_dup = SIZE // len(fact)
    same = "\n".join(fact.replace(fact_id, f'id="d{i}"') for i in range(n_dup))
    filing("duplicates-same", report_text=replace_once(report, fact, fact + "\n" + same))
    diff = "\n".join(fact.replace(fact_id, f'id="d{i}"').replace(">14.35<", f">{i}.5<") for i in range(n_dup))
    filing("duplicates-differing", report_text=replace_once(report, fact, fact + "\n" + diff), expect=1)
    # The same linkbase referenced over and over: a document is in a DTS once.
    ref = next(l for l in plain_xsd.splitlines(True) if "linkbaseRef" in l and "-def.xml" in l)
    filing("repeated-linkbase-refs", xsd_text=replace_once(plain_xsd, ref, ref * (SIZE // len(ref))))
    # 4. Illegal characters, a huge value, deep nesting.
    filing("illegal-char-refs", report_text=replace_once(report, text_open, text_open + "&#x1b;[2J" * (SIZE // 9)), expect=1)
    filing("huge-value", report_text=replace_once(report, ">14.35<", ">1" + "x" * SIZE + "<"), expect=1)
    # Prefixed elements, so that each is resolved: quadratic before the namespace fix.
    depth = SIZE // len("<xbrli:a></xbrli:a>")
    filing("deep-nesting", report_text=replace_once(report, text_open, text_open + "<xbrli:a>" * depth + "</xbrli:a>" * depth))
    # Footnote links that multiply: locators sharing one label, arcs from it to many footnotes
    # (n * n links from 2n elements), refused before they are made (E0007, exit 1).
    link_start = report.index("<link:footnoteLink ")
    link_open = report.index(">", link_start) + 1
    link_end = report.index("</link:footnoteLink>")
    first = report[report.index(' id="f-') + 5:].split('"')[0]
    arcrole = "http://www.xbrl.org/2003/arcrole/fact-footnote"
    unit = (f'<link:loc xlink:type="locator" xlink:href="#{first}" xlink:label="all"/>'
            f'<link:footnote xlink:type="resource" xlink:label="nNNNNN" xml:lang="en">n</link:footnote>'
            f'<link:footnoteArc xlink:type="arc" xlink:arcrole="{arcrole}" xlink:from="all" xlink:to="nNNNNN"/>\n')
    links = "".join(unit.replace("NNNNN", str(i)) for i in range(SIZE // len(unit)))
    filing("footnote-links-multiplied", report_text=report[:link_open] + links + report[link_end:], expect=1)
    # 5. An input over the size limit is refused before it is read.
    big = os.path.join(root, "big.json")
    with open(big, "wb") as f:
        f.write(b" " * (SIZE * 2))
    cases["over-size-limit"] = (["validate", big], {"ESGX_MAX_INPUT_BYTES": str(SIZE)}, 2)
    # 6. Datasets: a 1 MB JSON of repeated facts, and the CSV with a duplicated column.
    import json

    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(os.path.join(repo, "tests", "data", "minimal.json")) as f:
        ds = json.load(f)
    one = ds["facts"][0]
    n = SIZE // len(json.dumps(one))
    ds["facts"] = ds["facts"] + [dict(one, id=f"x{i}") for i in range(n)]
    dsp = os.path.join(root, "dataset-duplicates.json")
    with open(dsp, "w") as f:
        json.dump(ds, f)
    cases["dataset-duplicates"] = (["validate", dsp], None, 0)
    return cases


def main():
    esgx = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "target/release/esgx")
    root = tempfile.mkdtemp(prefix="esgx-resource-")
    failed = []
    try:
        cases = make_inputs(esgx, root)
        for name, spec in cases.items():
            args, env, expect = spec
            code, cpu, rss, wall = run_measured(esgx, args, env)
            if code is None:
                failed.append(f"{name}: no answer within {HANG_S} s")
                print(f"FAIL {name}: hung")
                continue
            ok = code == expect and cpu <= MAX_CPU_S and rss <= MAX_RSS_MB
            print(f"{'ok  ' if ok else 'FAIL'} {name:26} exit {code} (want {expect})  cpu {cpu:5.2f} s  peak {rss:6.1f} MB  wall {wall:5.2f} s")
            if not ok:
                failed.append(name)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    if failed:
        print(f"resource bounds exceeded ({MAX_RSS_MB} MB, {MAX_CPU_S} s CPU): {', '.join(failed)}", file=sys.stderr)
        sys.exit(1)
    print(f"all {len(cases)} hostile inputs within {MAX_RSS_MB} MB and {MAX_CPU_S} s CPU")


if __name__ == "__main__":
    main()
