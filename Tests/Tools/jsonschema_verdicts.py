#!/usr/bin/env python3
"""Independent verdicts for the schema contract test.

Reads a JSON list of {"schema": "<file in Schemas/>", "yaml": "<document>"} from stdin, parses each
document with PyYAML and validates it with the `jsonschema` package (Draft 2020-12), and prints a
JSON list of booleans (true = valid). Nothing here shares code with Skiff's Swift validator.
"""
import json
import os
import sys

import jsonschema
import yaml

schemas_dir = sys.argv[1]
cases = json.load(sys.stdin)
validators = {}
verdicts = []
for case in cases:
    name = case["schema"]
    if name not in validators:
        with open(os.path.join(schemas_dir, name)) as f:
            schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(schema)
        validators[name] = jsonschema.Draft202012Validator(schema)
    document = yaml.safe_load(case["yaml"])
    verdicts.append(validators[name].is_valid(document))
json.dump(verdicts, sys.stdout)
