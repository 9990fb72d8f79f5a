"""Reads a junit.xml written by ujilab back with junitparser, a JUnit consumer that
CI tools build on, and checks it against the report.json of the same run: one suite
per scenario named by its service id, case names as specified, counts that add up,
failures in a suite whose gate failed, and none but rule cases in one whose gate held.

usage: python3 .ci/junit_check.py junit.xml report.json
"""

import json
import sys

from junitparser import Error, Failure, JUnitXml, Skipped

PREFIXES = ("probe ", "threshold ", "rule ", "certification", "complete", "load")


def main(junit_path, report_path):
    xml = JUnitXml.fromfile(junit_path)
    report = json.load(open(report_path, encoding="utf-8"))
    suites = {suite.name: suite for suite in xml}
    problems = []
    for entry in report["scenarios"]:
        name = entry["service"]["id"] if entry["status"] == "ran" else entry["file"]
        suite = suites.get(name)
        if suite is None:
            problems.append(f"no testsuite named {name}")
            continue
        cases = list(suite)
        failed = [c for c in cases if any(isinstance(r, (Failure, Error)) for r in c.result)]
        skipped = [c for c in cases if any(isinstance(r, Skipped) for r in c.result)]
        if suite.tests != len(cases):
            problems.append(f"{name}: tests={suite.tests} but {len(cases)} cases")
        if suite.failures + suite.errors != len(failed):
            problems.append(f"{name}: failures+errors={suite.failures + suite.errors}, {len(failed)} cases failed")
        if suite.skipped != len(skipped):
            problems.append(f"{name}: skipped={suite.skipped}, {len(skipped)} cases skipped")
        for case in cases:
            if case.classname != name:
                problems.append(f"{name}: case {case.name!r} has classname {case.classname!r}")
            if not case.name.startswith(PREFIXES):
                problems.append(f"{name}: unexpected case name {case.name!r}")
        if entry["status"] == "ran":
            probes = {f"probe {p['id']}" for p in entry["probes"]}
            missing = probes - {c.name for c in cases}
            if missing:
                problems.append(f"{name}: no case for {sorted(missing)}")
            # A rule case fails at level 1 even when the verdict (and so the gate)
            # holds; every other failed case fails the gate.
            gating = [c for c in failed if not c.name.startswith("rule ")]
            if entry["gate"] == "fail" and not failed:
                problems.append(f"{name}: gate fail but no failed case")
            if entry["gate"] == "pass" and gating:
                problems.append(f"{name}: gate pass but {[c.name for c in gating]} failed")
        print(f"{name}: {len(cases)} cases, {len(failed)} failed, {len(skipped)} skipped")
    if problems:
        print("junit.xml does not match report.json:", *problems, sep="\n  ")
        return 1
    print(f"junit.xml read back by junitparser: {len(suites)} suites match report.json")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
