#!/usr/bin/env python3
"""Cross-checks `ujilab merge` with another HdrHistogram implementation.

usage: hdr_check.py MERGED.json SOURCE.json...

Python's hdrhistogram package (module `hdrh`) decodes every histogram of the merged
report and of the reports it was merged from, adds the sources' histograms up itself,
and must find the same total count, the same counts per recorded value, and the
same percentiles as ujilab wrote (latency_ms, rounded to the microsecond).

Percentiles follow ujilab's definition (semantics.md: `pNN` is HdrHistogram's
`value_at_quantile(NN/100)`: the first value whose cumulative count reaches
ceil(q x total)), computed here from hdrh's own counts. hdrh's
`get_value_at_percentile` rounds that count to the nearest instead of up, so on
small histograms it can name the bucket below; that is a definition, not a defect.
"""

import json
import math
import sys

from hdrh.histogram import HdrHistogram


def identity(scenario):
    label = scenario.get("scenario") or "default"
    service = scenario["service"]["id"]
    return service if label == "default" else f"{service}/{label}"


def histograms(scenario):
    """(name, encoded histogram, latency summary in ms or None) of a scenario."""
    load = scenario.get("load")
    if load:
        yield "load", load["histogram"], load.get("latency_ms")
        for probe, entry in load["per_probe"].items():
            yield f"load.{probe}", entry["histogram"], entry.get("latency_ms")
    if scenario.get("probe_latency_histogram"):
        yield "probes", scenario["probe_latency_histogram"], scenario.get("probe_latency_ms")
    figures = scenario.get("probe_figures") or {}
    for probe, entry in (figures.get("per_probe") or {}).items():
        if entry.get("histogram"):
            yield f"probe_figures.{probe}", entry["histogram"], None


def value_at_quantile(histogram, quantile):
    total = histogram.get_total_count()
    target = max(1, math.ceil(quantile * total))
    running = 0
    for item in histogram.get_recorded_iterator():
        running += item.count_at_value_iterated_to
        if running >= target:
            return histogram.get_highest_equivalent_value(item.value_iterated_to)
    return 0


def counts(histogram):
    return {
        item.value_iterated_to: item.count_at_value_iterated_to
        for item in histogram.get_recorded_iterator()
    }


def main(merged_path, source_paths):
    merged = json.load(open(merged_path))
    sources = {}
    for path in source_paths:
        for scenario in json.load(open(path))["scenarios"]:
            if scenario.get("status") == "ran":
                sources.setdefault(identity(scenario), []).append(scenario)
    checked = 0
    for scenario in merged["scenarios"]:
        if scenario.get("status") != "ran":
            continue
        name = identity(scenario)
        parts = {}
        for source in sources.get(name, []):
            for what, encoded, _ in histograms(source):
                parts.setdefault(what, []).append(HdrHistogram.decode(encoded))
        for what, encoded, summary in histograms(scenario):
            mine = HdrHistogram.decode(encoded)
            added = None
            for part in parts.get(what, []):
                if added is None:
                    added = HdrHistogram(1, 3_600_000_000, 3)
                added.add(part)
            where = f"{merged_path}: {name} {what}"
            if added is None:
                sys.exit(f"{where}: not in any source report")
            if mine.get_total_count() != added.get_total_count():
                sys.exit(
                    f"{where}: total count {mine.get_total_count()} != "
                    f"{added.get_total_count()} added up by hdrh"
                )
            if counts(mine) != counts(added):
                sys.exit(f"{where}: counts per value differ from hdrh's sum")
            if summary and mine.get_total_count() > 0:
                for key, percentile in [("p50", 50), ("p90", 90), ("p95", 95), ("p99", 99), ("p99.9", 99.9)]:
                    theirs = value_at_quantile(added, percentile / 100.0) / 1000.0
                    if abs(theirs - summary[key]) > 0.0005:
                        sys.exit(f"{where}: {key} {summary[key]} ms != hdrh {theirs} ms")
            checked += 1
    if checked == 0:
        sys.exit(f"{merged_path}: no histogram to check")
    print(f"hdrh agrees with ujilab merge on {checked} histograms")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2:])
