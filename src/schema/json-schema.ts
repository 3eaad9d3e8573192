import { z } from 'zod';
import { RunbookSchema } from './runbook.js';
import { SiteSchema } from './site.js';

/** JSON Schema for editors (yaml-language-server), generated from the zod schemas so it cannot drift. */
export function jsonSchemaFor(kind: 'runbook' | 'site'): Record<string, unknown> {
  const schema = kind === 'runbook' ? RunbookSchema : SiteSchema;
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    ...json,
    title: kind === 'runbook' ? 'fieldbook Runbook' : 'fieldbook Site',
  };
}
