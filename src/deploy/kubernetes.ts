/**
 * Kubernetes manifests for the server: a Deployment (non-root, read-only root filesystem,
 * readiness = has a free session slot via /ready, liveness = /health, preStop + termination grace
 * so in-flight steps finish), a Service, a HorizontalPodAutoscaler and a PodDisruptionBudget.
 * Rendered with parameters by `codeact-env manifests`; deploy/kubernetes/*.yaml are the defaults.
 */
import { CodeActError } from "../../errors/index.ts";

export interface ManifestOptions {
  /** Container image, e.g. registry.example.com/codeact-env:0.1.0. */
  image: string;
  /** Replicas to start with (the autoscaler's minimum). Default 2. */
  replicas?: number;
  /** The autoscaler's maximum. Default 4 × replicas. */
  maxReplicas?: number;
  /** Sessions per pod (`serve --max-sessions`). Default 64. */
  maxSessionsPerPod?: number;
  /** Name of every object and the `app` label. Default codeact-env. */
  name?: string;
  namespace?: string;
  /** How long SIGTERM lets in-flight steps finish (`serve --shutdown-grace-ms`). Default 25 s. */
  drainMs?: number;
}

/** The pod's user: the image's `codeact` system user (uid/gid 999 in the Dockerfile's base). */
const UID = 999;
/** Time for the Service to take a terminating pod out of its endpoints before SIGTERM. */
const PRE_STOP_SECONDS = 5;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function kubernetesManifests(options: ManifestOptions): Array<Record<string, unknown>> {
  const o = validated(options);
  const labels = { app: o.name };
  const meta = (kind: string) => ({
    name: o.name,
    ...(o.namespace === undefined ? {} : { namespace: o.namespace }),
    labels: { ...labels, "app.kubernetes.io/component": kind },
  });
  const graceSeconds = PRE_STOP_SECONDS + Math.ceil(o.drainMs / 1000) + 10;
  const deployment = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: meta("server"),
    spec: {
      replicas: o.replicas,
      selector: { matchLabels: labels },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels },
        spec: {
          terminationGracePeriodSeconds: graceSeconds,
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: UID,
            runAsGroup: UID,
            seccompProfile: { type: "RuntimeDefault" },
          },
          containers: [serverContainer(o)],
          volumes: [{ name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "64Mi" } }],
        },
      },
    },
  };
  const service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: meta("server"),
    spec: {
      type: "ClusterIP",
      selector: labels,
      ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }],
    },
  };
  const hpa = {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: meta("autoscaler"),
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: o.name },
      minReplicas: o.replicas,
      maxReplicas: o.maxReplicas,
      metrics: [
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } },
        },
      ],
      // Scale down slowly: a removed pod's episodes end (WebSocket ones resume only on their pod).
      behavior: {
        scaleDown: {
          stabilizationWindowSeconds: 600,
          policies: [{ type: "Pods", value: 1, periodSeconds: 120 }],
        },
      },
    },
  };
  const pdb = {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: meta("disruption-budget"),
    spec: { maxUnavailable: 1, selector: { matchLabels: labels } },
  };
  return [deployment, service, hpa, pdb];
}

function serverContainer(o: Required<Omit<ManifestOptions, "namespace">>) {
  return {
    name: "server",
    image: o.image,
    args: [
      "node",
      "dist/src/cli/main.js",
      "serve",
      "--host",
      "0.0.0.0",
      "--port",
      "8000",
      "--max-sessions",
      String(o.maxSessionsPerPod),
      "--shutdown-grace-ms",
      String(o.drainMs),
    ],
    ports: [{ name: "http", containerPort: 8000, protocol: "TCP" }],
    // The pod's IP leads every session id: a router can send a session's requests to its pod.
    env: [{ name: "CODEACT_REPLICA_ID", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } }],
    resources: {
      requests: { cpu: "1", memory: "1Gi" },
      limits: { cpu: "2", memory: "4Gi" },
    },
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    },
    volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
    // Ready = takes new sessions: a full or draining pod leaves the Service until it has room.
    readinessProbe: { httpGet: { path: "/ready", port: "http" }, periodSeconds: 5, failureThreshold: 1 },
    livenessProbe: {
      httpGet: { path: "/health", port: "http" },
      periodSeconds: 15,
      failureThreshold: 3,
      timeoutSeconds: 3,
    },
    startupProbe: { httpGet: { path: "/health", port: "http" }, periodSeconds: 2, failureThreshold: 30 },
    lifecycle: { preStop: { exec: { command: ["sleep", String(PRE_STOP_SECONDS)] } } },
  };
}

function validated(options: ManifestOptions) {
  const name = options.name ?? "codeact-env";
  const replicas = options.replicas ?? 2;
  const out = {
    image: options.image,
    name,
    replicas,
    maxReplicas: options.maxReplicas ?? replicas * 4,
    maxSessionsPerPod: options.maxSessionsPerPod ?? 64,
    drainMs: options.drainMs ?? 25_000,
    namespace: options.namespace,
  };
  const fail = (what: string) => {
    throw new CodeActError("INVALID_ARGUMENT", what);
  };
  if (!/^[^\s]+$/.test(out.image))
    fail(`image must be a non-empty reference without spaces (got '${out.image}')`);
  if (!DNS_LABEL.test(name)) fail(`name must be a DNS label (lowercase letters, digits, '-'; got '${name}')`);
  if (out.namespace !== undefined && !DNS_LABEL.test(out.namespace)) {
    fail(`namespace must be a DNS label (got '${out.namespace}')`);
  }
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 1000)
    fail(`replicas must be 1..1000 (got ${replicas})`);
  if (!Number.isInteger(out.maxReplicas) || out.maxReplicas < replicas) {
    fail(`maxReplicas must be an integer >= replicas (got ${out.maxReplicas})`);
  }
  if (!Number.isInteger(out.maxSessionsPerPod) || out.maxSessionsPerPod < 1) {
    fail(`maxSessionsPerPod must be a positive integer (got ${out.maxSessionsPerPod})`);
  }
  if (!Number.isInteger(out.drainMs) || out.drainMs < 0)
    fail(`drainMs must be a non-negative integer (got ${out.drainMs})`);
  return out;
}
