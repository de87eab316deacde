#!/usr/bin/env python3
"""Load an esgx page in headless Chromium, as a reader's browser would, and judge it.

usage: browser-check.py PAGE.xhtml OUTDIR

Fails (exit 1) on any console error, uncaught exception or failed load, on an XML parse error
(the page is served as XHTML, so a broken page shows a parser error instead), and when a chart
image does not decode. Keeps PNG screenshots in OUTDIR: first.png (the first screen) and
chart-N.png (each chart). Speaks the DevTools protocol over --remote-debugging-pipe, so it needs
nothing beyond Python's standard library and the distribution's chromium package.
"""
import base64, fcntl, json, os, pathlib, shutil, subprocess, sys, time

def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    page, out = pathlib.Path(sys.argv[1]).resolve(), pathlib.Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    exe = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not exe:
        sys.exit("browser-check: no chromium on PATH (apt-get install chromium)")
    to_chrome_r, to_chrome_w = os.pipe()
    from_chrome_r, from_chrome_w = os.pipe()
    def wire():  # the child reads commands on fd 3 and writes replies on fd 4
        a, b = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10), fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
        os.dup2(a, 3)
        os.dup2(b, 4)
    proc = subprocess.Popen(
        [exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
         "--remote-debugging-pipe", "--user-data-dir=" + str(out / ".profile"), "about:blank"],
        preexec_fn=wire, pass_fds=(3, 4),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(to_chrome_r); os.close(from_chrome_w)
    cdp = Cdp(to_chrome_w, from_chrome_r)
    try:
        problems = run(cdp, page, out)
    finally:
        try:
            cdp.call("Browser.close")
        except Exception:
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(out / ".profile", ignore_errors=True)
    for p in problems:
        print("browser-check:", p, file=sys.stderr)
    print(f"{'FAIL' if problems else 'OK'} {page}: {len(problems)} problem(s); screenshots in {out}")
    sys.exit(1 if problems else 0)

class Cdp:
    def __init__(self, w, r):
        self.w, self.r, self.buf, self.n, self.events = w, r, b"", 0, []
    def send(self, method, params=None, session=None):
        self.n += 1
        msg = {"id": self.n, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        return self.n
    def read(self, deadline):
        while b"\0" not in self.buf:
            if time.time() > deadline:
                raise TimeoutError("chromium did not answer in time")
            chunk = os.read(self.r, 1 << 20)
            if not chunk:
                raise EOFError("chromium closed the pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)
    def call(self, method, params=None, session=None, timeout=60):
        i = self.send(method, params, session)
        deadline = time.time() + timeout
        while True:
            m = self.read(deadline)
            if m.get("id") == i:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)
    def wait_event(self, name, timeout=60):
        deadline = time.time() + timeout
        for k, e in enumerate(self.events):
            if e.get("method") == name:
                return self.events.pop(k)
        while True:
            m = self.read(deadline)
            if m.get("method") == name:
                return m
            self.events.append(m)

def run(cdp, page, out):
    target = cdp.call("Target.createTarget", {"url": "about:blank"})["targetId"]
    s = cdp.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Page", "Runtime", "Log"):
        cdp.call(f"{domain}.enable", session=s)
    cdp.call("Emulation.setDeviceMetricsOverride",
             {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False}, session=s)
    nav = cdp.call("Page.navigate", {"url": page.as_uri()}, session=s)
    problems = []
    if nav.get("errorText"):
        problems.append(f"the page did not load: {nav['errorText']}")
    cdp.wait_event("Page.loadEventFired")
    def js(expr):
        r = cdp.call("Runtime.evaluate", {"expression": expr, "returnByValue": True, "awaitPromise": True}, session=s)
        return r.get("result", {}).get("value")
    js("document.fonts.ready.then(() => true)")
    if js("document.getElementsByTagName('parsererror').length") != 0:
        problems.append("the browser could not parse the page as XHTML")
    shot = cdp.call("Page.captureScreenshot", {"format": "png"}, session=s)
    (out / "first.png").write_bytes(base64.b64decode(shot["data"]))
    charts = js("""Array.from(document.querySelectorAll('img.chart-img')).map(i => {
        const r = i.getBoundingClientRect();
        return {ok: i.complete && i.naturalWidth > 0, alt: i.alt, x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height};
    })""") or []
    for n, c in enumerate(charts, 1):
        if not c["ok"]:
            problems.append(f"chart {n} ({c['alt'][:60]}) did not decode")
            continue
        if not c["alt"].strip():
            problems.append(f"chart {n} has no text alternative")
        clip = {"x": c["x"], "y": c["y"], "width": c["w"], "height": c["h"], "scale": 1}
        shot = cdp.call("Page.captureScreenshot", {"format": "png", "clip": clip, "captureBeyondViewport": True}, session=s)
        (out / f"chart-{n}.png").write_bytes(base64.b64decode(shot["data"]))
    # The first data table, and with BROWSER_CHECK_SECTIONS=1 the top of every section, to look at.
    sel = "div.section" if os.environ.get("BROWSER_CHECK_SECTIONS") else "table.kpi"
    boxes = js(f"""Array.from(document.querySelectorAll('{sel}')).slice(0, 40).map(e => {{
        const r = e.getBoundingClientRect();
        return {{id: e.id || 'table', x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: Math.min(r.height, 1400)}};
    }})""") or []
    for n, b in enumerate(boxes[: None if sel == "div.section" else 1], 1):
        clip = {"x": b["x"], "y": b["y"], "width": b["w"], "height": b["h"], "scale": 1}
        shot = cdp.call("Page.captureScreenshot", {"format": "png", "clip": clip, "captureBeyondViewport": True}, session=s)
        name = f"section-{b['id']}.png" if sel == "div.section" else "table.png"
        (out / name).write_bytes(base64.b64decode(shot["data"]))
    # Everything the page logged on the way.
    for e in cdp.events:
        m, p = e.get("method"), e.get("params", {})
        if m == "Runtime.exceptionThrown":
            problems.append("uncaught exception: " + p["exceptionDetails"].get("text", ""))
        elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            problems.append("console error: " + " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", [])))
        elif m == "Log.entryAdded" and p["entry"].get("level") == "error":
            problems.append(f"console error: {p['entry'].get('text')} ({p['entry'].get('url', '')})")
    print(f"browser-check: {len(charts)} chart(s) rendered")
    return problems

if __name__ == "__main__":
    main()
