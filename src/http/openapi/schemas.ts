import { PRIVACY_REQUEST_STATUSES, TASK_STATUSES } from '../../persistence/statuses.ts';

/** The shapes the API sends and takes, as JSON Schema 2020-12 (OpenAPI 3.1 `components.schemas`). */

const dateTime = { type: 'string', format: 'date-time' } as const;
const nullableDateTime = { type: ['string', 'null'], format: 'date-time' } as const;
const text = { type: 'string' } as const;
const textList = { type: 'array', items: text } as const;
const row = { type: 'object', description: 'A row as the third party returned it, keeping the fields the policy covers' } as const;

const taskRequired = ['id', 'collection_address', 'action_type', 'status', 'upstream_tasks', 'downstream_tasks', 'created_at', 'updated_at', 'attempt'];
const taskProperties = {
  id: text,
  collection_address: { ...text, description: '`dataset:collection`, or `__ROOT__:__ROOT__` / `__TERMINATE__:__TERMINATE__`' },
  action_type: { enum: ['access', 'erasure'] },
  status: { enum: TASK_STATUSES },
  upstream_tasks: textList,
  downstream_tasks: textList,
  created_at: dateTime,
  updated_at: dateTime,
  attempt: { type: 'integer', description: 'How many times the task started' },
  rows_masked: { type: ['integer', 'null'] },
  awaiting_callback_since: dateTime,
  deadline: { ...dateTime, description: 'When a task awaiting its callback fails without one' },
  heartbeat_deadline: dateTime,
  last_heartbeat_at: dateTime,
  progress: text,
  retry_at: dateTime,
  last_error: text,
  error: text,
  skip_reason: text,
  message: text,
};

export const schemas = {
  Error: {
    type: 'object',
    required: ['detail', 'code'],
    additionalProperties: false,
    properties: {
      detail: { ...text, description: 'What is wrong, in a sentence' },
      code: { ...text, description: 'A stable code (docs/errors.md)' },
      errors: {
        type: 'array',
        description: 'Every validation problem of a connection',
        items: { type: 'object', required: ['file', 'path', 'message'], properties: { file: text, path: text, message: text } },
      },
    },
  },
  PrivacyRequest: {
    type: 'object',
    required: ['id', 'status', 'policy_key', 'created_at', 'due_date', 'days_left', 'started_processing_at', 'finished_processing_at'],
    additionalProperties: false,
    properties: {
      id: text,
      status: { enum: PRIVACY_REQUEST_STATUSES },
      policy_key: text,
      created_at: dateTime,
      due_date: { ...nullableDateTime, description: 'Submission plus the policy’s due days (default 30)' },
      days_left: { type: ['integer', 'null'], description: 'Whole days to the due date, negative once overdue; null once complete' },
      started_processing_at: nullableDateTime,
      finished_processing_at: nullableDateTime,
      error: { ...text, description: 'Why the request ended in error' },
    },
  },
  PrivacyRequestList: {
    type: 'object',
    required: ['total', 'items'],
    additionalProperties: false,
    properties: { total: { type: 'integer', description: 'How many match the filters' }, items: { type: 'array', items: { $ref: '#/components/schemas/PrivacyRequest' } } },
  },
  PrivacyRequestSubmission: {
    type: 'array',
    minItems: 1,
    maxItems: 50,
    items: {
      type: 'object',
      required: ['identity', 'policy_key'],
      additionalProperties: false,
      properties: {
        identity: { type: 'object', additionalProperties: { type: ['string', 'null'] }, examples: [{ email: 'jane@example.com' }] },
        policy_key: { ...text, examples: ['default_access_policy', 'default_erasure_policy'] },
        custom_privacy_request_fields: {
          type: 'object',
          description: 'Filled into connector files as `<custom_privacy_request_fields.name>` (the value)',
          additionalProperties: {
            type: 'object',
            required: ['label', 'value'],
            additionalProperties: false,
            properties: {
              label: text,
              value: { oneOf: [{ type: ['string', 'number'] }, { type: 'array', items: { type: ['string', 'number'] } }] },
            },
          },
          examples: [{ first_name: { label: 'First name', value: 'Jane' } }],
        },
        location: { type: 'string', pattern: '^[A-Za-z]{2}(-[A-Za-z0-9]{1,3})?$', description: 'ISO 3166; `<privacy_request.location>`', examples: ['US-CA'] },
      },
    },
  },
  SubmissionResult: {
    type: 'object',
    required: ['succeeded', 'failed'],
    additionalProperties: false,
    properties: {
      succeeded: { type: 'array', items: { $ref: '#/components/schemas/PrivacyRequest' } },
      failed: {
        type: 'array',
        items: {
          type: 'object',
          required: ['message', 'code', 'data'],
          additionalProperties: false,
          properties: {
            message: text,
            code: {
              enum: ['BODY_INVALID', 'CONNECTION_INVALID', 'INTERNAL'],
              description: 'The item’s shape or policy (`BODY_INVALID`), the connections’ graph (`CONNECTION_INVALID`), or unexpected and logged (`INTERNAL`)',
            },
            data: { description: 'The item as it was sent' },
          },
        },
      },
    },
  },
  Task: { type: 'object', required: taskRequired, additionalProperties: false, properties: taskProperties },
  TaskWithHistory: {
    type: 'object',
    required: [...taskRequired, 'history'],
    additionalProperties: false,
    properties: {
      ...taskProperties,
      history: {
        type: 'array',
        items: {
          type: 'object',
          required: ['revision', 'at', 'event', 'from', 'to', 'by'],
          additionalProperties: false,
          properties: {
            revision: { type: 'integer' },
            at: dateTime,
            event: text,
            from: { type: ['string', 'null'] },
            to: text,
            by: { enum: ['engine', 'third_party', 'operator'] },
            note: text,
          },
        },
      },
    },
  },
  AccessResults: { type: 'object', description: 'Rows per `dataset:collection`', additionalProperties: { type: 'array', items: row } },
  AccessPackage: {
    type: 'object',
    required: ['privacy_request', 'generated_at', 'complete', 'data'],
    additionalProperties: false,
    properties: {
      privacy_request: {
        type: 'object',
        required: ['id', 'policy_key', 'status', 'created_at', 'finished_processing_at'],
        additionalProperties: false,
        properties: { id: text, policy_key: text, status: { enum: PRIVACY_REQUEST_STATUSES }, created_at: dateTime, finished_processing_at: nullableDateTime },
      },
      generated_at: dateTime,
      complete: { type: 'boolean', description: 'Whether the privacy request has finished; until then the data may be partial' },
      data: { $ref: '#/components/schemas/AccessResults' },
    },
  },
  ConnectionInput: {
    type: 'object',
    required: ['saas_config', 'dataset'],
    additionalProperties: false,
    properties: {
      saas_config: { type: ['string', 'object'], description: 'The SaaS config file: YAML text, or the parsed object (root key `saas_config`)' },
      dataset: { type: ['string', 'object'], description: 'The dataset file: YAML text, or the parsed object (root key `dataset`)' },
      secrets: { type: 'object', description: 'Values of the config’s connector_params' },
      retry: { $ref: '#/components/schemas/RetryBlock' },
    },
  },
  RetryBlock: {
    type: 'object',
    additionalProperties: false,
    description: 'The connection’s own retry policy: each key given replaces task_retry_count, task_retry_delay or task_retry_max_delay',
    properties: {
      count: { type: 'integer', minimum: 0, maximum: 100 },
      delay: { type: ['string', 'integer'], description: 'A duration: `45s`, `250ms`, `30m`, or seconds; shown in its largest whole unit' },
      max_delay: { type: ['string', 'integer'], description: 'A duration: `45s`, `250ms`, `30m`, or seconds; shown in its largest whole unit' },
    },
  },
  Connection: {
    type: 'object',
    required: ['key', 'name', 'type', 'dataset', 'collections', 'endpoints', 'secrets', 'created_at', 'updated_at'],
    additionalProperties: false,
    properties: {
      key: text,
      name: text,
      type: text,
      dataset: text,
      collections: textList,
      endpoints: textList,
      secrets: { type: 'object', description: 'Masked as `**********` unless the param says `sensitive: false`' },
      retry: { $ref: '#/components/schemas/RetryBlock', description: 'Present when the connection has its own retry policy' },
      created_at: dateTime,
      updated_at: dateTime,
    },
  },
  CallbackBody: {
    type: 'object',
    additionalProperties: false,
    description: 'One of: `access_results` (access task), `rows_masked` (erasure task), `{}` (done), `progress` (heartbeat), `error` (failure)',
    properties: {
      access_results: { type: 'array', items: { type: 'object' } },
      rows_masked: { type: 'integer', minimum: 0 },
      progress: { ...text, minLength: 1, maxLength: 2000 },
      error: { ...text, minLength: 1, maxLength: 2000 },
    },
  },
  CallbackAnswer: {
    type: 'object',
    required: ['task_queued'],
    additionalProperties: false,
    properties: { task_queued: { type: 'boolean' }, heartbeat_deadline: nullableDateTime },
  },
} as const;
