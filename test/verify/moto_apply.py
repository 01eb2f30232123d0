"""Applies AWS API calls to moto's server for test/verify-command.test.ts, with boto3 (installed
with moto into .venv/ by `moto:install`): one process for a whole list, instead of one AWS CLI
start per call. Reads {"endpoint": "http://127.0.0.1:<port>", "calls": [[service, operation,
params], ...]} on stdin; prints the list of responses as JSON. Nothing reaches AWS: the endpoint
is moto's, the credentials are fake."""
import json
import sys

import boto3

request = json.load(sys.stdin)
session = boto3.session.Session(
    aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
    aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    region_name="us-east-1",
)
clients = {}
responses = []
for service, operation, params in request["calls"]:
    client = clients.setdefault(service, session.client(service, endpoint_url=request["endpoint"]))
    response = getattr(client, operation)(**params)
    response.pop("ResponseMetadata", None)
    responses.append(response)
print(json.dumps(responses, default=str))
