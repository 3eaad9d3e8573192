// The lab's catalogue and the test API server's default fixtures say the same: the vendor's own recording commands
// (alauda/knowledge docs/en/solutions/ait/how-to-cleanup-platform-imageregistry.md), run through the real kubectl
// against the fixtures, give exactly the records catalogue.ts expects; the MinIO pods are where settings.ts says.
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApi, type KubeApi } from '../kube/api-server.js';
import { runKubectl } from '../kube/run-kubectl.js';
import {
  CLUSTERS,
  CORE_IMAGES,
  CURRENT_IMAGES,
  OLD_IMAGES,
  OPERATOR_IMAGES,
  PLUGIN_IMAGES,
  PLUGIN_PACKAGES,
  RECORDED_OPERATORS,
  RECORDED_PLUGINS,
  REQUIRED_PACKAGES,
  SEED_IMAGES,
} from './catalogue.js';
import { DECOY_MINIO_POD, MINIO_POD, PENDING_MINIO_POD } from './settings.js';

/** The vendor's command for installed Operators, verbatim. */
const OPERATORS_COMMAND = `kubectl get operatorviews -A   -o custom-columns='CLUSTER:.metadata.namespace,NAME:.metadata.name,PHASE:.status.operatorStatus.phase,ARTIFACT:.status.operatorStatus.installation.artifactName,INSTALLED_CSV:.status.operatorStatus.installation.subscription.installedCSV,DISPLAY_NAME:.status.packageManifestStatus.channels[0].currentCSVDesc.displayName' | awk 'NR==1 || ($3 == "Installed")'`;

/** The vendor's command for aligned and agnostic cluster plugins, verbatim. */
const PLUGINS_COMMAND = `kubectl get modulepluginview -o go-template='{{-
printf "%-40s %-10s %-40s %s\\n" "MODULE" "LIFECYCLE" "INSTALLED(CLUSTER:VERSION)" "DISPLAY_NAME"
-}}{{- range .items }}
{{- $module := index .metadata.labels "cpaas.io/module-name" -}}
{{- $displayName := index .metadata.annotations "cpaas.io/display-name" -}}

{{- $lifecycle := index .metadata.labels "cpaas.io/lifecycle-type" -}}
{{- if or (not $lifecycle) (eq $lifecycle "") -}}
{{- $lifecycle = "agnostic" -}}
{{- end -}}
 
{{- if or (eq $lifecycle "agnostic") (eq $lifecycle "aligned") -}}
  {{- $installed := "" -}}
  {{- range $i, $ins := .status.installed -}}
    {{- if $i -}}
      {{- $installed = printf "%s, %s:%s" $installed $ins.cluster $ins.version -}}
    {{- else -}}
      {{- $installed = printf "%s:%s" $ins.cluster $ins.version -}}
    {{- end -}}
  {{- end -}}
{{- printf "%-40s %-10s %-40s %-40s" $module $lifecycle $installed $displayName -}}
{{ "\\n" -}}
{{- end -}}
{{- end -}}'`;

/** Runs a shell pipeline with the server's kubectl environment (the vendor's commands are pipelines). */
function shell(api: KubeApi, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', ['-o', 'pipefail', '-c', line], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...api.env() } }, (error, stdout, stderr) =>
      error ? reject(new Error(`${line.slice(0, 60)}...: ${stderr}`)) : resolve(stdout),
    );
  });
}

let api: KubeApi;
beforeAll(async () => {
  api = await startKubeApi();
});
afterAll(() => api.stop());

describe('the fixtures give the catalogue\'s records through the vendor\'s commands', () => {
  it('installed Operators: kubectl get operatorviews -A -o custom-columns=... | awk (phase Installed)', async () => {
    const lines = (await shell(api, OPERATORS_COMMAND)).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^CLUSTER\s+NAME\s+PHASE\s+ARTIFACT\s+INSTALLED_CSV\s+DISPLAY_NAME$/);
    const rows = lines.slice(1).map((line) => {
      const [cluster, name, phase, artifact, installedCSV, ...display] = line.split(/\s+/);
      return { cluster, name, phase, artifact, installedCSV, displayName: display.join(' ') };
    });
    expect(rows).toEqual(RECORDED_OPERATORS.map((o) => ({ cluster: o.cluster, name: o.name, phase: 'Installed', artifact: o.artifact, installedCSV: o.installedCSV, displayName: o.displayName })));
    // The one that waits for approval is listed by kubectl, with no installed CSV, and left out by the filter.
    const all = await runKubectl(api, ['get', 'operatorviews', '-A', '-o', 'json']);
    const waiting = (JSON.parse(all.stdout) as { items: { metadata: { name: string }; status: { operatorStatus: { phase: string; installation: { subscription: { installedCSV: string } } } } }[] }).items.filter(
      (o) => o.status.operatorStatus.phase !== 'Installed',
    );
    expect(waiting.map((o) => [o.metadata.name, o.status.operatorStatus.phase, o.status.operatorStatus.installation.subscription.installedCSV])).toEqual([['clickhouse-operator', 'Installing', '']]);
  });

  it('aligned and agnostic cluster plugins: kubectl get modulepluginview -o go-template=...', async () => {
    const lines = (await shell(api, PLUGINS_COMMAND)).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^MODULE\s+LIFECYCLE\s+INSTALLED\(CLUSTER:VERSION\)\s+DISPLAY_NAME$/);
    // Columns are padded to 40 and 10; the installed list may be empty, the display name is a JSON map.
    const rows = lines.slice(1).map((line) => {
      const display = JSON.parse(line.slice(line.indexOf('{')).trim()) as { en: string };
      const installed = line.slice(52, 93).trim();
      return { module: line.slice(0, 40).trim(), lifecycle: line.slice(41, 51).trim(), displayName: display.en, installed: installed === '' ? [] : installed.split(', ') };
    });
    expect(rows).toEqual(RECORDED_PLUGINS);
  });

  it('the MinIO pods: the registry\'s where settings.ts says, a decoy MinIO elsewhere, one of them not scheduled', async () => {
    const pods = JSON.parse((await runKubectl(api, ['get', 'pods', '-A', '-o', 'json'])).stdout) as {
      items: { metadata: { namespace: string; name: string; labels: Record<string, string> }; spec: { containers: { name: string; image: string }[] }; status: { phase: string } }[];
    };
    const withMinio = pods.items.filter((p) => p.spec.containers.some((c) => c.image.includes('minio')));
    expect(withMinio.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p.status.phase])).toEqual([
      [`${MINIO_POD.namespace}/${MINIO_POD.name}`, 'Running'],
      [`${DECOY_MINIO_POD.namespace}/${DECOY_MINIO_POD.name}`, 'Running'],
      [`${PENDING_MINIO_POD.namespace}/${PENDING_MINIO_POD.name}`, 'Pending'],
    ]);
    for (const pod of withMinio) {
      expect(pod.metadata.labels).toMatchObject(MINIO_POD.labels);
      expect(pod.spec.containers.find((c) => c.name === 'minio')?.image).toMatch(/minio/);
    }
    // Not where the old runbook looked.
    expect(withMinio.some((p) => p.metadata.namespace === 'cpaas-system' || p.metadata.labels['app'] === 'minio')).toBe(false);
  });
});

describe('the catalogue', () => {
  it('records plugins and Operators on both clusters, core plugins and Operators waiting for approval left out', () => {
    expect(RECORDED_PLUGINS.map((p) => [p.module, p.lifecycle, p.installed])).toEqual([
      ['aml-global', 'agnostic', []],
      ['argocd', 'agnostic', ['global:v4.1.3']],
      ['logcenter', 'aligned', ['global:v3.18.2', 'business-1:v3.16.4']],
      ['monitoring', 'agnostic', ['global:v3.18.1']],
    ]);
    expect(RECORDED_OPERATORS.map((o) => `${o.cluster}/${o.name}@${o.version}`)).toEqual(['business-1/minio-operator@v4.5.8', 'global/harbor-ce-operator@v2.12.2']);
    expect(new Set(RECORDED_OPERATORS.map((o) => o.cluster))).toEqual(new Set(CLUSTERS));
  });

  it('needs a package per installed plugin version and per installed Operator, and keeps its image lists consistent', () => {
    expect(REQUIRED_PACKAGES).toEqual(PLUGIN_PACKAGES.map((p) => `${p.name}-${p.version}.tgz`));
    expect(OPERATOR_IMAGES).toEqual(['harbor-ce-operator:v2.12.2', 'minio-operator:v4.5.8']);
    expect(PLUGIN_IMAGES).toEqual(['acp/plugins/argocd:v4.1.3', 'acp/plugins/logcenter:v3.16.4', 'acp/plugins/logcenter:v3.18.2', 'acp/plugins/monitoring:v3.18.1', 'acp/plugins/prometheus:v2.53.0']);
    expect(CURRENT_IMAGES).toEqual([...CORE_IMAGES.all, ...PLUGIN_IMAGES, ...OPERATOR_IMAGES]);
    expect(SEED_IMAGES).toEqual([...CURRENT_IMAGES, ...OLD_IMAGES]);
    expect(new Set(SEED_IMAGES).size).toBe(SEED_IMAGES.length);
  });
});
