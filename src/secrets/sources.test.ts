import { describe, expect, it } from 'vitest';
import { secretEnvName, secretFromEnv, secretsInEnv } from './sources.js';

describe('secretEnvName', () => {
  it('upper-cases the param name and splits camelCase with underscores', () => {
    expect(secretEnvName('registryPassword')).toBe('FIELDBOOK_SECRET_REGISTRY_PASSWORD');
    expect(secretEnvName('token')).toBe('FIELDBOOK_SECRET_TOKEN');
    expect(secretEnvName('apiURLToken')).toBe('FIELDBOOK_SECRET_API_URL_TOKEN');
    expect(secretEnvName('s3Key')).toBe('FIELDBOOK_SECRET_S3_KEY');
    expect(secretEnvName('db-password')).toBe('FIELDBOOK_SECRET_DB_PASSWORD');
  });
});

describe('secretFromEnv', () => {
  it('reads the canonical variable', () => {
    expect(secretFromEnv('registryPassword', { FIELDBOOK_SECRET_REGISTRY_PASSWORD: 'pw' })).toBe('pw');
  });

  it('accepts the plain upper-case variable too, preferring the canonical one', () => {
    expect(secretFromEnv('registryPassword', { FIELDBOOK_SECRET_REGISTRYPASSWORD: 'plain' })).toBe('plain');
    const both = { FIELDBOOK_SECRET_REGISTRYPASSWORD: 'plain', FIELDBOOK_SECRET_REGISTRY_PASSWORD: 'canonical' };
    expect(secretFromEnv('registryPassword', both)).toBe('canonical');
  });

  it('treats a missing or empty variable as unset, and ignores other names', () => {
    expect(secretFromEnv('registryPassword', {})).toBeUndefined();
    expect(secretFromEnv('registryPassword', { FIELDBOOK_SECRET_REGISTRY_PASSWORD: '' })).toBeUndefined();
    expect(secretFromEnv('registryPassword', { REGISTRY_PASSWORD: 'x', registryPassword: 'y' })).toBeUndefined();
  });

  it('reads process.env by default', () => {
    process.env['FIELDBOOK_SECRET_SOURCES_TEST_ONLY'] = 'from-process';
    try {
      expect(secretFromEnv('sourcesTestOnly')).toBe('from-process');
    } finally {
      delete process.env['FIELDBOOK_SECRET_SOURCES_TEST_ONLY'];
    }
  });
});

describe('secretsInEnv', () => {
  it('lists every FIELDBOOK_SECRET_* variable that is set, and nothing else', () => {
    const env = { FIELDBOOK_SECRET_SSH_PASSWORD: 'pw', FIELDBOOK_SECRET_EMPTY: '', FIELDBOOK_HOME: '/x', SECRET: 'no' };
    expect(secretsInEnv(env)).toEqual([{ name: 'FIELDBOOK_SECRET_SSH_PASSWORD', value: 'pw' }]);
  });
});
