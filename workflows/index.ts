/** Every workflow the worker runs. */
export { cycleWorkflow } from './cycle.js';
export { adoptionWorkflow } from './adoption.js';
