"""Reads a JUnit XML file with junitparser (Debian's python3-junitparser), a consumer that CI
tools use, and prints what it understood as JSON: per suite its declared and recounted
totals, and per case its class, name and result kinds. Exits 1 when the file does not parse."""
import json
import sys

import junitparser

xml = junitparser.JUnitXml.fromfile(sys.argv[1])
suites = []
for suite in xml:
    declared = {"tests": suite.tests, "failures": suite.failures, "errors": suite.errors,
                "skipped": suite.skipped}
    cases = [{"classname": case.classname, "name": case.name,
              "results": [type(r).__name__ for r in case.result],
              "messages": [r.message for r in case.result],
              "system_out": case.system_out} for case in suite]
    suite.update_statistics()
    recounted = {"tests": suite.tests, "failures": suite.failures, "errors": suite.errors,
                 "skipped": suite.skipped}
    suites.append({"name": suite.name, "declared": declared, "recounted": recounted,
                   "cases": cases})
print(json.dumps({"tests": xml.tests, "failures": xml.failures, "errors": xml.errors,
                  "skipped": xml.skipped, "suites": suites}))
