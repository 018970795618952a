// @ts-check
// Only the folder fences and the circle check, for test/lint/fences.test.ts.
import tseslint from 'typescript-eslint';
import { fences } from '../../eslint.fences.mjs';

export default tseslint.config({ languageOptions: { parser: tseslint.parser } }, ...fences);
