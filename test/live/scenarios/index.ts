/** Every scenario of the live suite, in the order they run (cheap checks first, the slow waits last). */
import type { Scenario } from '../context';
import { authScenarios } from './auth';
import { bindingScenarios } from './bindings';
import { changeScenarios } from './changes';
import { resultScenarios } from './results';
import { statementScenarios } from './statements';
import { tokenScenarios } from './tokens';
import { typeScenarios } from './types';
import { writeScenarios } from './writes';

export const scenarios: Scenario[] = [...authScenarios, ...tokenScenarios, ...typeScenarios, ...bindingScenarios, ...resultScenarios, ...writeScenarios, ...changeScenarios, ...statementScenarios];
