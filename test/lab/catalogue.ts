// The images of the lab's "ACP installation": what the installer re-uploads, the plugin packages violet
// re-pushes, and older images that only the registry holds (what a full wipe is meant to get rid of).

/** A plugin package in /cpaas/installer/plugins: `<name>-<version>.tgz`. */
export interface PluginPackage {
  name: string;
  version: string;
  images: string[];
}

/** Core images of the current installation package (res/upload.sh). */
export const CORE_IMAGES = {
  all: ['acp/core:latest', 'acp/alb:v4.2.0', 'acp/archon:v4.2.0', 'acp/console:v4.2.0'],
  necessary: ['acp/core:latest', 'acp/alb:v4.2.0'],
} as const;

/** The plugins and Operators installed on the lab's global cluster (they match test/kube/fixtures). */
export const PLUGIN_PACKAGES: readonly PluginPackage[] = [
  { name: 'harbor-ce-operator', version: 'v2.12.2', images: ['acp/plugins/harbor-ce-operator:v2.12.2'] },
  { name: 'logcenter', version: 'v3.18.2', images: ['acp/plugins/logcenter:v3.18.2'] },
  { name: 'minio-operator', version: 'v4.5.8', images: ['acp/plugins/minio-operator:v4.5.8'] },
  { name: 'monitoring', version: 'v3.18.1', images: ['acp/plugins/monitoring:v3.18.1', 'acp/plugins/prometheus:v2.53.0'] },
];

/** Left over from earlier versions: in the registry before the wipe, never uploaded again. */
export const OLD_IMAGES = ['acp/core:v4.1.0', 'acp/alb:v4.1.5', 'acp/plugins/monitoring:v3.16.0'] as const;

export const PLUGIN_IMAGES: readonly string[] = PLUGIN_PACKAGES.flatMap((p) => p.images);

/** Every image the re-upload and re-push bring back. */
export const CURRENT_IMAGES: readonly string[] = [...CORE_IMAGES.all, ...PLUGIN_IMAGES];

/** Every image in the registry when the lab comes up. */
export const SEED_IMAGES: readonly string[] = [...CURRENT_IMAGES, ...OLD_IMAGES];

export function packageFile(p: PluginPackage): string {
  return `${p.name}-${p.version}.tgz`;
}

/** Payload size of an image's layer: different per image, a few tens of KiB (the lab stays small and fast). */
export function payloadBytes(ref: string): number {
  let hash = 0;
  for (const char of ref) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return 48 * 1024 + (hash % (64 * 1024));
}
