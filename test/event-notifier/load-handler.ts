import { CreateTableCommand, DynamoDBClient, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { LOG_GROUP } from './payload';
import { MOTO_CLIENT } from '../moto-server';

/** The Lambda handler of the event notifier. */
export type NotifierHandler = typeof import('../../src/event-notifier.lambda').handler;

/**
 * The handler module, loaded afresh against moto's server at `endpoint`, with the standard SDK
 * configuration from the environment only, as in Lambda (its clients read it when the module
 * loads): moto's endpoint, region and test credentials, no config or credentials file, no
 * profile, the metadata service off, the session table named after `functionName` as
 * EventNotifier names it, the watched log group; then `env` over it. `baseEnv` is the environment
 * the test file started with (restored by the file after its tests).
 */
export function loadMotoHandler(endpoint: string, baseEnv: NodeJS.ProcessEnv, functionName: string, env: Record<string, string>): NotifierHandler {
  process.env = {
    ...baseEnv,
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: MOTO_CLIENT.region,
    AWS_ACCESS_KEY_ID: MOTO_CLIENT.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: MOTO_CLIENT.credentials.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    SESSION_TABLE_SUFFIX: '-sessions',
    LOG_GROUP_NAME: LOG_GROUP,
    ...env,
  };
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.TABLE_NAME;
  let handler!: NotifierHandler;
  jest.isolateModules(() => {
    // A fresh copy of the module with this environment (a static import would load it before the
    // environment is set; jest's dynamic import needs --experimental-vm-modules).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    handler = require('../../src/event-notifier.lambda').handler;
  });
  return handler;
}

/** The session table as EventNotifier creates it (partition key `pk`, on demand, TTL `expiresAt`), in moto at `endpoint`; returns a client. */
export async function createSessionTable(endpoint: string, tableName: string): Promise<DynamoDBClient> {
  const ddb = new DynamoDBClient({ endpoint, ...MOTO_CLIENT });
  await ddb.send(new CreateTableCommand({
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
  }));
  await ddb.send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } }));
  return ddb;
}
