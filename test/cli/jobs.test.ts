/** The default of --jobs: as many analysis threads as the cores keep busy (src/cli/jobs.ts). */
import { describe, expect, it } from 'vitest';
import { defaultJobs } from '../../src/cli/jobs.js';

describe('defaultJobs', () => {
  it('gives one thread per one and a half cores, and never less than one', () => {
    // One analysis thread keeps ~1.5 cores busy (its compiler and collector helpers): on 2 cores,
    // worker threads only slow the run.
    expect([0, 1, 2, 3, 4, 6, 8, 16].map((cores) => defaultJobs(cores))).toEqual([1, 1, 1, 2, 2, 4, 5, 10]);
  });
});
