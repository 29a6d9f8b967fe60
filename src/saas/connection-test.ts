/**
 * Upstream's connection test (`SaaSConnector.test_connection`): the config's `test_request` is sent with the
 * connection's secrets as its only values, or its test override is run; an error answer, an unfillable request or
 * an override that throws is a failure, with the reason (secrets taken out).
 */
import type { ConnectorClient } from './connector-client.ts';
import type { OverrideRegistry } from './overrides/registry.ts';
import { redactSecrets } from './redact.ts';
import type { Connection } from './types.ts';

/** Fides' `TestStatusMessage`. */
export interface ConnectionTestResult {
  msg: string;
  test_status: 'succeeded' | 'failed';
  failure_reason: string | null;
}

async function sendTest(connection: Connection, client: ConnectorClient, registry: OverrideRegistry): Promise<void> {
  const request = connection.saas_config.test_request;
  if (request.request_override) {
    const override = registry.requestOverride(request.request_override);
    // Validation refuses a config naming an override not registered for tests; the registry may have changed since.
    if (override?.kind !== 'test') throw new Error(`request_override '${request.request_override}' is not registered for test requests`);
    await override.run({ client: client.forOverrides(), secrets: connection.secrets });
    return;
  }
  await client.send(client.prepare(request, connection.secrets, `the test request of ${connection.key}`), request);
}

export async function testConnection(connection: Connection, client: ConnectorClient, registry: OverrideRegistry): Promise<ConnectionTestResult> {
  const msg = `Test completed for ConnectionConfig with key: ${connection.key}.`;
  try {
    await sendTest(connection, client, registry);
    return { msg, test_status: 'succeeded', failure_reason: null };
  } catch (err) {
    return { msg, test_status: 'failed', failure_reason: redactSecrets((err as Error).message, connection.secrets, connection.oauth) };
  }
}
