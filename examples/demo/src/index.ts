export { startDemo, type DemoOptions, type RunningDemo } from './start-demo.js';
