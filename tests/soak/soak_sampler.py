#!/usr/bin/env python3
"""The soak's sampler: scrapes the agent every 5 s and reloads it every minute, recording
RSS, open file descriptors, series and schedule lag. With --report it summarises a CSV and
draws it as an SVG (standard library only: a new machine has no plotting package).

  soak_sampler.py PID HOST:PORT SECONDS OUT.csv
  soak_sampler.py --report SAMPLES.csv OUT.svg
"""
import csv
import os
import sys
import time
import urllib.request

COLUMNS = ["seconds", "rss_mb", "open_fds", "series", "schedule_lag_s", "checks_total"]


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def metric(text, name):
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return 0.0


def sample(pid, address, seconds, out):
    started = time.time()
    last_reload = started
    with open(out, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        while time.time() - started < seconds:
            body = urllib.request.urlopen(f"http://{address}/metrics", timeout=30).read().decode()
            series = sum(1 for line in body.splitlines() if line and not line.startswith("#"))
            writer.writerow([round(time.time() - started), round(rss_mb(pid), 1),
                             len(os.listdir(f"/proc/{pid}/fd")), series,
                             metric(body, "mtasts_agent_schedule_lag_seconds"),
                             int(metric(body, "mtasts_agent_checks_total"))])
            f.flush()
            if time.time() - last_reload >= 60:
                request = urllib.request.Request(f"http://{address}/-/reload", method="POST")
                urllib.request.urlopen(request, timeout=30).read()
                last_reload = time.time()
            time.sleep(5)


def report(samples, svg):
    with open(samples) as f:
        rows = [{k: float(v) for k, v in row.items()} for row in csv.DictReader(f)]
    # The first two minutes are the start (first checks, first renders): judged apart.
    settled = [r for r in rows if r["seconds"] >= 120] or rows
    print("| quantity | after 2 min | at the end | min | max (after 2 min) |")
    print("| --- | --- | --- | --- | --- |")
    for name in COLUMNS[1:5]:
        values = [r[name] for r in settled]
        print(f"| {name} | {values[0]:g} | {values[-1]:g} | {min(values):g} | {max(values):g} |")
    print(f"checks in {rows[-1]['seconds'] / 60:.0f} min: {rows[-1]['checks_total']:.0f}")

    width, height, pad = 900, 150, 40
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" '
             f'height="{height * 4 + pad}" font-family="sans-serif" font-size="12">',
             '<rect width="100%" height="100%" fill="white"/>']
    end = max(r["seconds"] for r in rows) or 1
    for i, name in enumerate(COLUMNS[1:5]):
        top = i * height + 20
        top_value = max(r[name] for r in rows) * 1.2 or 1.0  # all zero: a 0-1 scale
        points = " ".join(
            f"{pad + (r['seconds'] / end) * (width - 2 * pad):.1f},"
            f"{top + (height - 40) * (1 - r[name] / top_value):.1f}" for r in rows)
        parts += [f'<text x="{pad}" y="{top - 4}">{name} (0 to {top_value:.3g})</text>',
                  f'<rect x="{pad}" y="{top}" width="{width - 2 * pad}" height="{height - 40}" '
                  'fill="none" stroke="#ccc"/>',
                  f'<polyline points="{points}" fill="none" stroke="#1f77b4" stroke-width="1.5"/>']
    parts.append(f'<text x="{pad}" y="{height * 4 + 20}">minutes 0 to {end / 60:.0f}; '
                 'a reload every minute, a scrape every 5 s</text></svg>')
    with open(svg, "w") as f:
        f.write("\n".join(parts) + "\n")


if __name__ == "__main__":
    if sys.argv[1] == "--report":
        report(sys.argv[2], sys.argv[3])
    else:
        sample(int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4])
