/** Entry point of the workflow bundle: every exported function here is registered as a workflow type. */
export { twoJobsInSequence } from './examples';
export { hadoopEcoJob } from './job';
