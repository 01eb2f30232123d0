// Loaded by jest before every test file (see .projenrc.ts): CDK tooling in tests must never
// probe the EC2 instance metadata service, and needs a region to be set.
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.AWS_REGION = process.env.AWS_REGION ?? 'us-east-1';
