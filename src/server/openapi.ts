/**
 * `GET /openapi.json`. `info.version` is "1.0.0" as OpenEnv's (its validator derives the
 * "openenv-http/1.x" profile from it); `/reset`, `/step`, `/state` are all present (simulation mode).
 */

type Schemas = { action: object; observation: object; state: object };

const json = (schema: object) => ({ "application/json": { schema } });
const ok = (description: string, schema: object = { type: "object" }) => ({
  "200": { description, content: json(schema) },
});
const validationError = {
  "422": {
    description: "Validation error (FastAPI-style `detail` list)",
    content: json({ $ref: "#/components/schemas/HTTPValidationError" }),
  },
};

export function openApiDocument(schemas: Schemas, title: string): Record<string, unknown> {
  const result = { $ref: "#/components/schemas/StepResponse" };
  return {
    openapi: "3.1.0",
    info: { title, version: "1.0.0", description: "OpenEnv-compatible CodeAct environment server" },
    paths: {
      "/reset": {
        post: {
          summary: "Reset (stateless unless `session: true`)",
          requestBody: { content: json({ $ref: "#/components/schemas/ResetRequest" }) },
          responses: { ...ok("Initial observation", result), ...validationError },
        },
      },
      "/step": {
        post: {
          summary: "Run one action",
          requestBody: { required: true, content: json({ $ref: "#/components/schemas/StepRequest" }) },
          responses: { ...ok("Observation", result), ...validationError },
        },
      },
      "/state": {
        get: {
          summary: "Episode state",
          parameters: [{ name: "session_id", in: "query", required: false, schema: { type: "string" } }],
          responses: ok("State", schemas.state),
        },
      },
      "/sessions/{session_id}": {
        delete: {
          summary: "End a stateful HTTP session",
          parameters: [{ name: "session_id", in: "path", required: true, schema: { type: "string" } }],
          responses: ok("Closed"),
        },
      },
      "/health": {
        get: {
          summary: "Liveness",
          responses: ok("Healthy", { type: "object", properties: { status: { type: "string" } } }),
        },
      },
      "/metadata": { get: { summary: "Environment metadata", responses: ok("Metadata") } },
      "/schema": {
        get: { summary: "JSON Schemas of action, observation and state", responses: ok("Schemas") },
      },
      "/mcp": {
        post: {
          summary: "OpenEnv JSON-RPC 2.0 (tools/list, tools/call, openenv/session/*)",
          requestBody: { content: json({ type: "object" }) },
          responses: ok("JSON-RPC response"),
        },
      },
      "/mcp/stream": {
        post: {
          summary: "Standard MCP (Streamable HTTP): the environment's tools",
          responses: ok("MCP response"),
        },
      },
      "/ws": {
        get: {
          summary: "WebSocket session (OpenEnv frames: reset, step, state, close, mcp)",
          responses: { "101": { description: "Switching protocols" } },
        },
      },
      "/metrics": {
        get: {
          summary: "Prometheus metrics",
          responses: {
            "200": { description: "Metrics", content: { "text/plain": { schema: { type: "string" } } } },
          },
        },
      },
      "/tasks": {
        get: {
          summary: "Tasks of the suite (no tests)",
          parameters: [{ name: "q", in: "query", required: false, schema: { type: "string" } }],
          responses: ok("Task list", { type: "array" }),
        },
      },
      "/tasks/{task_id}": {
        get: {
          summary: "One task (prompt, never tests)",
          parameters: [{ name: "task_id", in: "path", required: true, schema: { type: "string" } }],
          responses: ok("Task"),
        },
      },
    },
    components: {
      schemas: {
        Action: schemas.action,
        Observation: schemas.observation,
        State: schemas.state,
        StepResponse: {
          type: "object",
          properties: {
            observation: { type: "object" },
            reward: { anyOf: [{ type: "number" }, { type: "null" }] },
            done: { type: "boolean" },
          },
          required: ["observation", "reward", "done"],
        },
        ResetRequest: {
          type: "object",
          properties: {
            seed: { type: "integer", minimum: 0 },
            episode_id: { type: "string", maxLength: 255 },
            task_id: { type: "string" },
            session: { type: "boolean", description: "Open a stateful HTTP session (extension)" },
            session_id: { type: "string" },
          },
        },
        StepRequest: {
          type: "object",
          properties: {
            action: { $ref: "#/components/schemas/Action" },
            timeout_s: { type: "number", exclusiveMinimum: 0 },
            request_id: { type: "string", maxLength: 255 },
            session_id: { type: "string" },
          },
          required: ["action"],
        },
        HTTPValidationError: {
          type: "object",
          properties: { detail: { type: "array", items: { type: "object" } } },
        },
      },
    },
  };
}
