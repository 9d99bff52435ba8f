/** Every workflow the worker runs. */
export { cycleWorkflow } from './cycle.js';
