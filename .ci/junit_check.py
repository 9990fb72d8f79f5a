"""Reads a junit.xml written by ujilab back with junitparser, a JUnit consumer that
CI tools build on, and checks it against the report.json of the same run: one suite
per scenario named by its service id, case names as specified (the same in every
language), the scenario's file on every case, counts that add up, and a case that
fails if and only if it stands for one of the reasons its scenario's gate failed.

usage: python3 .ci/junit_check.py junit.xml report.json
"""

import json
import sys

from junitparser import Error, Failure, JUnitXml, Skipped

PREFIXES = ("probe ", "threshold ", "rule ", "vantage ", "certification", "complete", "gate", "load")


def expected_failures(entry):
    """The case names that must fail: one for each reason the gate failed."""
    names = set()
    thresholds = {t["display"]: t for t in entry["thresholds"]}
    verdict_gates = False
    for reason in entry["gate_reasons"]:
        if reason.startswith("probe "):
            rest = reason[len("probe "):]
            vantage = None
            if rest.endswith(")") and " (vantage " in rest:
                rest, vantage = rest[:-1].split(" (vantage ", 1)
            probe = rest.rsplit(" ", 1)[0]
            names.add(f"probe {probe}")
            if vantage is not None:
                names.add(f"vantage {vantage}")
        elif reason.startswith("threshold "):
            threshold = thresholds.get(reason[len("threshold "):])
            if threshold is None:
                names.add("gate")
                continue
            names.add(threshold_name(threshold))
        elif reason.startswith("standards verdict "):
            verdict_gates = True
            names.add("certification")
        elif reason == "run interrupted":
            names.add("complete")
        else:
            names.add("gate")
    standards = entry.get("standards") or {}
    if verdict_gates:
        for reason in standards.get("verdict_reasons", []):
            for rule in reason.get("rules", []) if isinstance(reason, dict) else []:
                names.add(f"rule {rule['code'] if isinstance(rule, dict) else rule}")
        for vantage in entry.get("vantages", []):
            if vantage.get("verdict") in ("not_certified", "inconclusive"):
                names.add(f"vantage {vantage['vantage']}")
    return names


def threshold_name(threshold):
    """`threshold <metric>[<probe>] <op> <limit>`, as junit.xml names it; only the
    prefix up to the limit is compared (the limit's text is the writer's)."""
    if threshold.get("rule"):
        metric = f"{threshold['metric']} {threshold['rule']}"
    elif threshold.get("probe"):
        metric = f"{threshold['metric']}[{threshold['probe']}]"
    else:
        metric = threshold["metric"]
    return f"threshold {metric} {threshold['op']} "


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
            if case._elem.get("file") != entry["file"]:
                problems.append(f"{name}: case {case.name!r} has file {case._elem.get('file')!r}")
        if entry["status"] == "ran":
            probes = {f"probe {p['id']}" for p in entry["probes"]}
            missing = probes - {c.name for c in cases}
            if missing:
                problems.append(f"{name}: no case for {sorted(missing)}")
            rules = {f"rule {r['code']}" for r in (entry.get("standards") or {}).get("rules", [])}
            missing = rules - {c.name for c in cases}
            if missing:
                problems.append(f"{name}: no case for {sorted(missing)} (rule cases are named by code only)")
            # A case fails if and only if it stands for a reason the gate failed.
            expected = expected_failures(entry)
            got = {c.name for c in failed}

            def stands_for(case_name, wanted):
                return case_name == wanted or (wanted.startswith("threshold ") and case_name.startswith(wanted))

            for case_name in sorted(got):
                if not any(stands_for(case_name, wanted) for wanted in expected):
                    problems.append(f"{name}: case {case_name!r} failed but the gate names no such reason")
            for wanted in sorted(expected):
                if not any(stands_for(case_name, wanted) for case_name in got):
                    problems.append(f"{name}: the gate failed on {wanted!r} but no such case failed")
            if (entry["gate"] == "fail") != bool(failed):
                problems.append(f"{name}: gate {entry['gate']} but {len(failed)} failed case(s)")
        print(f"{name}: {len(cases)} cases, {len(failed)} failed, {len(skipped)} skipped")
    if problems:
        print("junit.xml does not match report.json:", *problems, sep="\n  ")
        return 1
    print(f"junit.xml read back by junitparser: {len(suites)} suites match report.json")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
