/** The test report formats. */
import type { TestRun } from '../../analyses/test/types.js';
import { testJson } from './json.js';
import { testJunit } from './junit.js';
import { testTap } from './tap.js';
import { testText } from './text.js';
import type { Notes } from '../../analyses/notes.js';

export const TEST_FORMATS: Record<'text' | 'json' | 'junit' | 'tap', (r: TestRun, notes?: Notes) => string> = { text: testText, json: testJson, junit: testJunit, tap: testTap };
export type TestFormat = keyof typeof TEST_FORMATS;
