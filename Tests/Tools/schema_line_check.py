#!/usr/bin/env python3
"""Checks files the way an editor would: each YAML file's `# yaml-language-server: $schema=` line
must name a schema file (relative to the YAML file) that exists, and every document in the file
must validate against it (Python's jsonschema, Draft 2020-12). Prints one line per file:
`ok PATH` or `bad PATH: why`; exits 1 when any is bad."""
import json
import os
import sys

import jsonschema
import yaml

bad = 0
for path in sys.argv[1:]:
    with open(path) as handle:
        text = handle.read()
    marker = "# yaml-language-server: $schema="
    line = next((l for l in text.splitlines() if l.startswith(marker)), None)
    if line is None:
        print(f"bad {path}: no $schema line"); bad += 1; continue
    schema_path = os.path.join(os.path.dirname(path), line[len(marker):].strip())
    if not os.path.exists(schema_path):
        print(f"bad {path}: {schema_path} does not exist"); bad += 1; continue
    with open(schema_path) as handle:
        validator = jsonschema.Draft202012Validator(json.load(handle))
    errors = [e.message for doc in yaml.safe_load_all(text) if doc is not None for e in validator.iter_errors(doc)]
    if errors:
        print(f"bad {path}: {'; '.join(errors)}"); bad += 1
    else:
        print(f"ok {path}")
sys.exit(1 if bad else 0)
