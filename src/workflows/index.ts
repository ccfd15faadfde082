/** Entry point of the workflow bundle: every export here is registered as a workflow type. */
export { hadoopEcoJob } from './job';
