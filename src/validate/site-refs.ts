import type { Issue } from '../errors.js';
import { coerce } from '../schema/coerce.js';
import { secretEnvName } from '../secrets/sources.js';
import type { Runbook } from '../schema/runbook.js';
import type { Site } from '../schema/site.js';
import type { YamlSource } from '../schema/yaml-doc.js';
import { didYouMean, editDistance } from '../template/did-you-mean.js';
import { pathIssue } from './locate-template.js';

const hint = (word: string, candidates: Iterable<string>) => {
  const match = didYouMean(word, [...candidates]);
  return match ? ` (did you mean "${match}"?)` : '';
};

/** Problems inside a site file: roles naming undefined hosts, unknown jump hosts, loops, a bad kube.via. */
export function checkSite(site: Site, source: YamlSource): Issue[] {
  const issues: Issue[] = [];
  const hosts = Object.keys(site.hosts);
  const undefinedHost = (name: string) => `host "${name}" is not defined${hint(name, hosts)}${hosts.length ? '' : '; the site has no hosts'}`;
  for (const [role, members] of Object.entries(site.roles)) {
    members.forEach((member, i) => {
      if (!Object.hasOwn(site.hosts, member)) issues.push(pathIssue(source, ['roles', role, i], undefinedHost(member)));
      else if (members.indexOf(member) !== i) issues.push(pathIssue(source, ['roles', role, i], `host "${member}" is listed twice in role "${role}"`));
    });
  }
  if (site.ssh.jump !== undefined && !Object.hasOwn(site.hosts, site.ssh.jump)) issues.push(pathIssue(source, ['ssh', 'jump'], undefinedHost(site.ssh.jump)));
  for (const [name, host] of Object.entries(site.hosts)) {
    if (host.jump !== undefined && !Object.hasOwn(site.hosts, host.jump)) issues.push(pathIssue(source, ['hosts', name, 'jump'], undefinedHost(host.jump)));
    const loop = jumpLoop(site, name);
    if (loop) issues.push(pathIssue(source, ['hosts', name], `jump hosts loop: ${loop.join(' → ')}`));
  }
  const via = site.kube?.via;
  if (via !== undefined && via !== 'local' && !Object.hasOwn(site.hosts, via)) {
    issues.push(pathIssue(source, ['kube', 'via'], `expected "local" or a host name, found "${via}"${hint(via, hosts)}`));
  }
  return issues;
}

/** The chain of jump hosts used to reach `name`, outermost first (the site default applies to every other host). */
export function jumpChain(site: Site, name: string): string[] {
  const chain: string[] = [];
  for (let current = name; ; ) {
    const jump = site.hosts[current]?.jump ?? (current === site.ssh.jump ? undefined : site.ssh.jump);
    if (jump === undefined || !Object.hasOwn(site.hosts, jump) || chain.includes(jump) || jump === name) return chain;
    chain.unshift(jump);
    current = jump;
  }
}

function jumpLoop(site: Site, name: string): string[] | undefined {
  const path = [name];
  for (let current = site.hosts[name]?.jump; current !== undefined; current = site.hosts[current]?.jump) {
    path.push(current);
    if (current === name) return path;
    if (path.length > Object.keys(site.hosts).length + 1) return undefined;
  }
  return undefined;
}

/** Problems between a runbook and the site it is meant for: roles not filled, params the runbook does not know. */
export function checkPair(runbook: Runbook, site: Site, siteSource: YamlSource): Issue[] {
  const issues: Issue[] = [];
  for (const [role, spec] of Object.entries(runbook.roles)) {
    const members = site.roles[role];
    const need = spec.count !== undefined ? `exactly ${spec.count}` : spec.min !== undefined ? `at least ${spec.min}` : 'one or more';
    if (members === undefined) {
      if (spec.min === 0) continue;
      issues.push(pathIssue(siteSource, ['roles'], `role "${role}" is required by runbook "${runbook.metadata.name}" (${need} host(s)${spec.description ? `: ${spec.description}` : ''}) but the site does not define it${hint(role, Object.keys(site.roles))}`, 2, 'key'));
      continue;
    }
    const n = members.length;
    const wrong = (spec.count !== undefined && n !== spec.count) || (spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max) || (spec.count === undefined && spec.min === undefined && n === 0);
    if (wrong) issues.push(pathIssue(siteSource, ['roles', role], `role "${role}" needs ${need}${spec.max !== undefined ? ` and at most ${spec.max}` : ''} host(s), found ${n}`));
  }
  for (const name of Object.keys(site.params)) {
    const spec = runbook.params[name];
    // A site serves several runbooks, so params of other runbooks are fine; one or two letters off is a typo.
    if (!spec) {
      const near = Object.keys(runbook.params).find((param) => editDistance(name, param) <= 2 && Math.min(name.length, param.length) > 3);
      if (near) issues.push(pathIssue(siteSource, ['params', name], `runbook "${runbook.metadata.name}" has no param "${name}"${hint(name, Object.keys(runbook.params))}`, 2, 'key'));
    }
    else if (spec.secret) issues.push(pathIssue(siteSource, ['params', name], `"${name}" is a secret; a site file must not hold it (use ${secretEnvName(name)} or the prompt)`, 2, 'key'));
    else {
      const typed = coerce(spec, site.params[name], false);
      if (typeof typed === 'object' && typed !== null && 'problem' in typed) issues.push(pathIssue(siteSource, ['params', name], `${typed.problem} (param "${name}" of runbook "${runbook.metadata.name}")`));
    }
  }
  return issues;
}
