#!/usr/bin/env python3
"""Validates real aihunt output against docs/schema/finding.schema.json (JSON Schema 2020-12).

Runs the real binary over the sample telemetry: --format json (a complete run and an incomplete
one, whose envelope says so) and --format jsonl (every line, suppressed findings included), and
checks every document and record with Debian's python3-jsonschema. Exits non-zero on the first
record that does not validate, naming it.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import jsonschema

SAMPLE_NOW = "2026-11-26T18:00:00Z"


def run(aihunt, source, extra):
    args = [aihunt, "hunt", "--offline", os.path.join(source, "content/samples/events.jsonl"),
            "--lookups", os.path.join(source, "content/samples/qradar_lookups.json"),
            "--now", SAMPLE_NOW] + extra
    done = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
    return done.returncode, done.stdout, done.stderr


def validator(schema, definition):
    """A validator for one of the schema's $defs (the envelope), or for the whole (a finding)."""
    if definition is None:
        return jsonschema.Draft202012Validator(schema)
    wrapper = {"$schema": schema["$schema"], "$defs": schema["$defs"],
               "$ref": "#/$defs/" + definition}
    return jsonschema.Draft202012Validator(wrapper)


def check(what, checker, instance):
    errors = sorted(checker.iter_errors(instance), key=lambda e: list(e.path))
    if errors:
        first = errors[0]
        sys.exit(f"{what}: {first.message} at {list(first.absolute_path)}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--aihunt", required=True)
    parser.add_argument("--source", required=True)
    options = parser.parse_args()
    with open(os.path.join(options.source, "docs/schema/finding.schema.json"),
              encoding="utf-8") as file:
        schema = json.load(file)
    jsonschema.Draft202012Validator.check_schema(schema)
    finding = validator(schema, None)
    envelope = validator(schema, "envelope")

    code, out, err = run(options.aihunt, options.source, ["--format", "jsonl", "--show-suppressed"])
    if code != 0:
        sys.exit(f"jsonl run exited {code}: {err}")
    records = [json.loads(line) for line in out.splitlines() if line]
    if not records:
        sys.exit("jsonl: expected findings")
    for number, record in enumerate(records, 1):
        check(f"jsonl line {number}", finding, record)

    code, out, err = run(options.aihunt, options.source, ["--format", "json"])
    if code != 0:
        sys.exit(f"json run exited {code}: {err}")
    document = json.loads(out)
    check("json document", envelope, document)
    if document["complete"] is not True or not document["findings"]:
        sys.exit("json: expected a complete run with findings")

    # An incomplete run: one hunt the evaluator cannot run, one it can.
    with tempfile.TemporaryDirectory() as folder:
        config = os.path.join(folder, "hunts.yaml")
        with open(config, "w", encoding="utf-8") as file:
            file.write("hunts:\n"
                       "  - name: broken\n"
                       "    aql: SELECT * FROM events\n"
                       "  - name: hosts\n"
                       "    aql: \"SELECT starttime AS event_time, sourceip AS source_ip, "
                       "\\\"Destination Host Name\\\" AS dest_host, Application AS application "
                       "FROM events\"\n")
        code, out, err = run(options.aihunt, options.source, ["--format", "json", "-c", config])
    if code != 2:
        sys.exit(f"incomplete json run exited {code}, not 2: {err}")
    document = json.loads(out)
    check("incomplete json document", envelope, document)
    if document["complete"] is not False or document["hunts"][0]["status"] != "failed":
        sys.exit("incomplete json: expected complete false and the failed hunt")

    # The schema rejects what it must: a record without its version, an unknown status.
    broken = dict(records[0])
    del broken["schema_version"]
    if finding.is_valid(broken):
        sys.exit("the schema accepts a finding without schema_version")
    document["hunts"][0]["status"] = "partly"
    if envelope.is_valid(document):
        sys.exit("the schema accepts an unknown hunt status")
    print(f"ok: {len(records)} jsonl records and 2 json documents valid")


if __name__ == "__main__":
    main()
