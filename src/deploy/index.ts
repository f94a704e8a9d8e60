/**
 * src/deploy/: Kubernetes manifests rendered from options, and the YAML writer.
 * May import errors/ only.
 */
export { kubernetesManifests, type ManifestOptions } from "./kubernetes.ts";
export { toYaml, toYamlStream } from "./yaml.ts";
