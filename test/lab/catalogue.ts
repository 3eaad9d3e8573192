// The lab's "ACP installation": its clusters' plugins and Operators (what test/kube/fixtures serves, and what the
// vendor's recording commands keep of them), the packages in the installer's plugins directory, the core images
// res/upload.sh re-uploads, and older images only the registry holds (what a full wipe is meant to get rid of).
// catalogue.test.ts runs the vendor's commands against the fixtures and checks they give the records below.

/** `cpaas.io/lifecycle-type` of a cluster plugin. */
export type Lifecycle = 'aligned' | 'agnostic' | 'core';

/** One cluster a plugin or Operator is installed on, at a version. */
export interface Installation {
  cluster: string;
  version: string;
}

/** A cluster plugin as its ModulePluginView shows it (test/kube/fixtures/modulepluginviews.json). */
export interface ClusterPlugin {
  module: string;
  /** The `cpaas.io/lifecycle-type` label: undefined when the label is missing, '' when empty (both mean agnostic). */
  lifecycleLabel: Lifecycle | '' | undefined;
  /** Annotation `cpaas.io/display-name`, a JSON map of languages. */
  displayName: { en: string; zh: string };
  /** `.status.installed[]`, in its order. */
  installed: Installation[];
  /** Images of its package besides `acp/plugins/<module>:<version>`. @default [] */
  extraImages?: readonly string[];
}

/** An Operator as its OperatorView shows it (test/kube/fixtures/operatorviews.json); the namespace is the cluster. */
export interface OperatorEntry {
  cluster: string;
  name: string;
  /** `.status.operatorStatus.phase`: only `Installed` counts as installed. */
  phase: string;
  /** `.status.operatorStatus.installation.artifactName`. */
  artifact: string;
  /** `.status.operatorStatus.installation.subscription.installedCSV`: empty while it waits for approval. */
  installedCSV: string;
  /** `.status.packageManifestStatus.channels[0].currentCSVDesc.displayName`. */
  displayName: string;
}

/** The lab's two clusters: the global one (the lab's hosts, its registry) and a workload cluster. */
export const CLUSTERS = ['global', 'business-1'] as const;

/** Every ModulePluginView of the lab, sorted by module. */
export const CLUSTER_PLUGINS: readonly ClusterPlugin[] = [
  // Empty lifecycle label (agnostic), uploaded once, installed nowhere: recorded, but no package is needed.
  { module: 'aml-global', lifecycleLabel: '', displayName: { en: 'Alauda AI Essentials', zh: 'Alauda AI Essentials' }, installed: [] },
  {
    module: 'argocd',
    lifecycleLabel: 'agnostic',
    displayName: { en: 'Alauda Container Platform GitOps', zh: 'Alauda Container Platform GitOps' },
    installed: [{ cluster: 'global', version: 'v4.1.3' }],
  },
  // Core: follows the cluster's upgrade, its images come with the core images; never re-pushed.
  {
    module: 'kube-ovn',
    lifecycleLabel: 'core',
    displayName: { en: 'Kube-OVN', zh: 'Kube-OVN' },
    installed: [
      { cluster: 'global', version: 'v4.2.5' },
      { cluster: 'business-1', version: 'v4.2.5' },
    ],
  },
  // Two clusters at two versions: two packages.
  {
    module: 'logcenter',
    lifecycleLabel: 'aligned',
    displayName: { en: 'Log Center', zh: '日志中心' },
    installed: [
      { cluster: 'global', version: 'v3.18.2' },
      { cluster: 'business-1', version: 'v3.16.4' },
    ],
  },
  // No lifecycle label at all (agnostic).
  {
    module: 'monitoring',
    lifecycleLabel: undefined,
    displayName: { en: 'Monitoring', zh: '监控' },
    installed: [{ cluster: 'global', version: 'v3.18.1' }],
    extraImages: ['acp/plugins/prometheus:v2.53.0'],
  },
];

/** Every OperatorView of the lab, sorted by cluster and name (as `kubectl get operatorviews -A` lists them). */
export const OPERATOR_VIEWS: readonly OperatorEntry[] = [
  {
    cluster: 'business-1',
    name: 'minio-operator',
    phase: 'Installed',
    artifact: 'minio-operator',
    installedCSV: 'minio-operator.v4.5.8',
    displayName: 'MinIO Operator',
  },
  // Waits for its install plan's approval: not installed, no CSV, no package.
  {
    cluster: 'global',
    name: 'clickhouse-operator',
    phase: 'Installing',
    artifact: 'clickhouse-operator',
    installedCSV: '',
    displayName: 'ClickHouse',
  },
  {
    cluster: 'global',
    name: 'harbor-ce-operator',
    phase: 'Installed',
    artifact: 'harbor-ce-operator',
    installedCSV: 'harbor-ce-operator.v2.12.2',
    displayName: 'Alauda Build of Harbor',
  },
];

/** The lifecycle a plugin has for the vendor: a missing or empty label means agnostic. */
export function lifecycleOf(plugin: ClusterPlugin): Lifecycle {
  return plugin.lifecycleLabel === undefined || plugin.lifecycleLabel === '' ? 'agnostic' : plugin.lifecycleLabel;
}

/** Version of an installed Operator: its installed CSV without the `<name>.` prefix (`harbor-ce-operator.v2.12.2` → `v2.12.2`). */
export function csvVersion(installedCSV: string): string {
  return installedCSV.slice(installedCSV.indexOf('.') + 1);
}

/** A cluster plugin as the vendor's recording command keeps it (aligned and agnostic only), installed ones as `cluster:version`. */
export interface RecordedPlugin {
  module: string;
  lifecycle: 'aligned' | 'agnostic';
  /** English display name. */
  displayName: string;
  /** `['global:v3.18.2', 'business-1:v3.16.4']`, in `.status.installed` order; empty when installed nowhere. */
  installed: string[];
}

/** The cluster plugins to record before the wipe, sorted by module (`kubectl get modulepluginview`, filtered as the vendor does). */
export const RECORDED_PLUGINS: readonly RecordedPlugin[] = CLUSTER_PLUGINS.flatMap((p) => {
  const lifecycle = lifecycleOf(p);
  if (lifecycle === 'core') return [];
  return [{ module: p.module, lifecycle, displayName: p.displayName.en, installed: p.installed.map((i) => `${i.cluster}:${i.version}`) }];
});

/** An installed Operator as the vendor's recording command keeps it (with its phase: the runbook also keeps one being upgraded). */
export interface RecordedOperator {
  cluster: string;
  name: string;
  phase: string;
  artifact: string;
  installedCSV: string;
  /** From the installed CSV: `v2.12.2`. */
  version: string;
  displayName: string;
}

/** The Operators to record before the wipe (phase Installed), sorted by cluster and name. */
export const RECORDED_OPERATORS: readonly RecordedOperator[] = OPERATOR_VIEWS.filter((o) => o.phase === 'Installed' || o.installedCSV !== '').map((o) => ({
  cluster: o.cluster,
  name: o.name,
  phase: o.phase,
  artifact: o.artifact,
  installedCSV: o.installedCSV,
  version: csvVersion(o.installedCSV),
  displayName: o.displayName,
}));

/** A package in /cpaas/installer/plugins: `<name>-<version>.tgz` holding package.env (NAME, VERSION, TYPE, IMAGES) and the images. */
export interface PluginPackage {
  kind: 'plugin' | 'operator';
  name: string;
  version: string;
  images: string[];
}

/** `logcenter@v3.18.2`: how the lab's options name a package. */
export function packageKey(p: Pick<PluginPackage, 'name' | 'version'>): string {
  return `${p.name}@${p.version}`;
}

export function packageFile(p: Pick<PluginPackage, 'name' | 'version'>): string {
  return `${p.name}-${p.version}.tgz`;
}

/** The images a package of this kind, name and version pushes: plugins under acp/plugins/, an Operator at the registry's root. */
export function packageImages(kind: PluginPackage['kind'], name: string, version: string, extra: readonly string[] = []): string[] {
  return kind === 'plugin' ? [`acp/plugins/${name}:${version}`, ...extra] : [`${name}:${version}`, ...extra];
}

/** By file name in byte order, as a shell glob in the C locale lists them. */
const byFile = (a: PluginPackage, b: PluginPackage) => (packageFile(a) < packageFile(b) ? -1 : packageFile(a) > packageFile(b) ? 1 : 0);

/**
 * Every package of the plugins directory, sorted by file name: one per recorded plugin installed at a version (a
 * plugin on two clusters at two versions has two), one per installed Operator (its artifact at its CSV's version).
 */
export const PLUGIN_PACKAGES: readonly PluginPackage[] = [
  ...CLUSTER_PLUGINS.filter((p) => lifecycleOf(p) !== 'core').flatMap((p) =>
    [...new Set(p.installed.map((i) => i.version))].map((version) => ({ kind: 'plugin' as const, name: p.module, version, images: packageImages('plugin', p.module, version, p.extraImages) })),
  ),
  ...RECORDED_OPERATORS.map((o) => ({ kind: 'operator' as const, name: o.artifact, version: o.version, images: packageImages('operator', o.artifact, o.version) })),
].sort(byFile);

/** File names of every package the restore needs, sorted: what the plugins directory holds in a default lab. */
export const REQUIRED_PACKAGES: readonly string[] = PLUGIN_PACKAGES.map(packageFile);

/** Core images of the current installation package (res/upload.sh); core plugins' images (kube-ovn) come with them. */
export const CORE_IMAGES = {
  all: ['acp/core:latest', 'acp/alb:v4.2.0', 'acp/archon:v4.2.0', 'acp/console:v4.2.0', 'acp/kube-ovn:v4.2.5'],
  necessary: ['acp/core:latest', 'acp/alb:v4.2.0'],
} as const;

/** Images of the cluster plugin packages (`acp/plugins/<name>:<version>` and their extra images). */
export const PLUGIN_IMAGES: readonly string[] = PLUGIN_PACKAGES.filter((p) => p.kind === 'plugin').flatMap((p) => p.images);

/** Images of the Operator packages (`<artifact>:<version>` at the registry's root, as the vendor's test pull names them). */
export const OPERATOR_IMAGES: readonly string[] = PLUGIN_PACKAGES.filter((p) => p.kind === 'operator').flatMap((p) => p.images);

/**
 * In the registry before the wipe, never uploaded again: older versions, and the bundle of the Operator that waits
 * for approval (not installed, so neither recorded nor re-pushed).
 */
export const OLD_IMAGES = ['acp/core:v4.1.0', 'acp/alb:v4.1.5', 'acp/plugins/monitoring:v3.16.0', 'harbor-ce-operator:v2.11.0', 'clickhouse-operator:v4.2.0'] as const;

/** Every image the re-upload and re-push bring back. */
export const CURRENT_IMAGES: readonly string[] = [...CORE_IMAGES.all, ...PLUGIN_IMAGES, ...OPERATOR_IMAGES];

/** Every image in the registry when the lab comes up. */
export const SEED_IMAGES: readonly string[] = [...CURRENT_IMAGES, ...OLD_IMAGES];

/** Packages left out of the plugins directory, or put there at another version (the lab's options). */
export interface PackageFaults {
  /** `name@version` of packages that are not there. */
  missingPackages: readonly string[];
  /** `name@version` → the version its package has instead (file name, VERSION and images). */
  wrongPackageVersions: Readonly<Record<string, string>>;
}

/** What the plugins directory holds with these faults (sorted by file name); throws on a fault naming no package. */
export function installerPackages(faults: PackageFaults): PluginPackage[] {
  const keys = new Set(PLUGIN_PACKAGES.map(packageKey));
  for (const key of [...faults.missingPackages, ...Object.keys(faults.wrongPackageVersions)]) {
    if (!keys.has(key)) throw new Error(`no package ${key} in the lab; its packages are ${[...keys].join(', ')}`);
  }
  return PLUGIN_PACKAGES.filter((p) => !faults.missingPackages.includes(packageKey(p)))
    .map((p) => {
      const version = faults.wrongPackageVersions[packageKey(p)];
      if (version === undefined) return p;
      const extra = p.images.slice(1);
      return { ...p, version, images: packageImages(p.kind, p.name, version, extra) };
    })
    .sort(byFile);
}

/** One entry of `violet list`: an installed plugin or Operator on one cluster. */
export interface InstalledApplication {
  name: string;
  type: 'ModulePlugin' | 'OperatorBundle';
  displayName: string;
  cluster: string;
  /**
   * As violet prints it: a plugin's version (`v3.18.2`); an Operator's CSV version without the `v` (`2.12.2`), as in
   * the vendor's example (alauda/acp-docs docs/en/extend/upload_package.mdx, `violet list`: `topolvm-operator` at
   * `2.3.0`). A guess from that one example.
   */
  version: string;
}

/** What `violet list` reports: installed aligned and agnostic plugins and installed Operators, one entry per cluster. */
export const INSTALLED_APPLICATIONS: readonly InstalledApplication[] = [
  ...CLUSTER_PLUGINS.filter((p) => lifecycleOf(p) !== 'core').flatMap((p) =>
    p.installed.map((i) => ({ name: p.module, type: 'ModulePlugin' as const, displayName: p.displayName.en, cluster: i.cluster, version: i.version })),
  ),
  ...RECORDED_OPERATORS.map((o) => ({ name: o.name, type: 'OperatorBundle' as const, displayName: o.displayName, cluster: o.cluster, version: o.version.replace(/^v/, '') })),
];

/** Payload size of an image's layer: different per image, a few tens of KiB (the lab stays small and fast). */
export function payloadBytes(ref: string): number {
  let hash = 0;
  for (const char of ref) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return 48 * 1024 + (hash % (64 * 1024));
}
