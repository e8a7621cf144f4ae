"""The report in a real headless browser (Debian's chromium, packages.txt): it loads without a
console message or a blocked resource, and every figure is decoded.

Skipped only when chromium is not installed.
"""

import json
import re
import shutil
import subprocess

import pytest

from test_report import images

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")

#: first in <head>: records errors (a resource that fails, a script error, a blocked resource)
#: and console.error / console.warn calls
PROBE_HEAD = """<script>
window.__problems = [];
window.addEventListener("error", e => window.__problems.push("error: " + (e.message || (e.target && e.target.src
  ? "resource " + String(e.target.src).slice(0, 60) : e.type))), true);
document.addEventListener("securitypolicyviolation", e => window.__problems.push("csp: " + e.blockedURI));
for (const level of ["error", "warn"]) {
  const original = console[level];
  console[level] = (...args) => { window.__problems.push(level + ": " + args.join(" ")); original(...args); };
}
</script>"""
#: last in <body>: once loaded, writes what it found into the DOM, which --dump-dom prints
PROBE_BODY = """<script>
window.addEventListener("load", () => {
  const images = [...document.images].map(i => ({complete: i.complete, width: i.naturalWidth,
                                                 height: i.naturalHeight, alt: i.alt}));
  const out = document.createElement("pre");
  out.id = "probe-result";
  out.textContent = JSON.stringify({images: images, problems: window.__problems,
                                    figures: document.querySelectorAll("figure").length,
                                    tables: document.querySelectorAll("table").length});
  document.body.appendChild(out);
});
</script>"""


def chromium(url, tmp_path, *flags):
    """Run headless chromium on ``url``; ``(returncode, stdout, stderr)``."""
    profile = tmp_path / "chromium-profile"
    cmd = [CHROMIUM, "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--disable-extensions",
           f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000",
           *flags, url]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    return proc.returncode, proc.stdout, proc.stderr


def console_lines(stderr):
    """Messages the page sent to the console, as chromium logs them (``...:CONSOLE...``), and
    Content-Security-Policy refusals."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line or "Refused to" in line]


def test_the_report_as_written_logs_nothing(sweep_report, tmp_path):
    """The page itself, untouched (its policy forbids scripts and outside resources)."""
    html_path, _ = sweep_report
    code, dom, stderr = chromium(html_path.as_uri(), tmp_path, "--dump-dom")
    assert code == 0, stderr[-2000:]
    assert "<h2>Headline indicators</h2>" in dom
    assert console_lines(stderr) == []


def test_every_figure_is_decoded(sweep_report, tmp_path):
    html_path, _ = sweep_report
    text = html_path.read_text(encoding="utf-8")
    expected = images(text)
    # a copy with the probe; its policy also allows the inline probe scripts
    probe = text.replace("default-src 'none';", "default-src 'none'; script-src 'unsafe-inline';", 1)
    probe = probe.replace("<style>", PROBE_HEAD + "<style>", 1).replace("</body>", PROBE_BODY + "</body>", 1)
    page = tmp_path / "probe.html"
    page.write_text(probe, encoding="utf-8")
    code, dom, stderr = chromium(page.as_uri(), tmp_path, "--dump-dom")
    assert code == 0, stderr[-2000:]
    match = re.search(r'<pre id="probe-result">(.*?)</pre>', dom, re.S)
    assert match, "the probe did not run: " + stderr[-2000:]
    result = json.loads(match.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    assert result["problems"] == []
    assert result["figures"] == len(expected) == 15
    assert [(i["width"], i["height"]) for i in result["images"]] == expected
    assert all(i["complete"] and i["width"] > 0 for i in result["images"])
    assert result["tables"] >= 4  # headline, scenarios, parameters, provenance
    assert console_lines(stderr) == []


def test_a_broken_figure_would_be_seen(tmp_path):
    """The probe itself: a figure that does not decode is reported."""
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><html><head>" + PROBE_HEAD + "</head><body><figure>"
                    '<img alt="x" src="data:image/png;base64,iVBORw0KGgoAAAA="></figure>' + PROBE_BODY +
                    "</body></html>", encoding="utf-8")
    code, dom, _ = chromium(page.as_uri(), tmp_path, "--dump-dom")
    result = json.loads(re.search(r'<pre id="probe-result">(.*?)</pre>', dom, re.S).group(1).replace("&quot;", '"'))
    assert result["images"][0]["width"] == 0 and any(p.startswith("error") for p in result["problems"])


def test_screenshot(sweep_report, tmp_path):
    html_path, _ = sweep_report
    shot = tmp_path / "report.png"
    code, _, stderr = chromium(html_path.as_uri(), tmp_path, f"--screenshot={shot}", "--window-size=1280,1600",
                               "--hide-scrollbars")
    assert code == 0, stderr[-2000:]
    raw = shot.read_bytes()
    assert raw[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(raw[16:20], "big") == 1280
