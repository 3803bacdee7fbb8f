/**
 * Vitest setup file loaded (by vitest.config.ts) only in a fuzz round or a regression replay:
 * every test file's `import fc from 'fast-check'` gets fast-check with `assert` replaced by the
 * campaign's (scripts/fuzz/campaign.ts). A plain `npm test` never loads this file.
 */
import { vi } from 'vitest';

vi.mock('fast-check', async (importOriginal) => {
  const fc = await importOriginal<typeof import('fast-check')>();
  const { expect } = await import('vitest');
  const { campaignAssert, settingsFromEnv } = await import('./campaign.js');
  const assert = campaignAssert(fc, settingsFromEnv(process.env), () => {
    const state = expect.getState();
    return state.testPath !== undefined && state.currentTestName !== undefined ? { file: state.testPath, name: state.currentTestName } : null;
  });
  return { ...fc, assert, default: { ...fc.default, assert } };
});
