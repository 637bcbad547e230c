/**
 * fe80/testing: virtual IPv6 links for integration tests.
 *
 * A {@link Lab} creates Linux network namespaces joined by veth pairs (plus extra interfaces:
 * `ifb`, `bridge`, veth pairs, any Linux name), gives link ends fixed link-local addresses without
 * duplicate-address-detection delay, runs commands and Node.js scripts inside the namespaces, and
 * always cleans up: processes are killed before their namespace is deleted, also when a test fails,
 * on process exit and on SIGINT/SIGTERM/SIGHUP. Use {@link labTest} for node:test.
 *
 * Requires Linux, root and iproute2. See docs/testing.md.
 *
 * @module
 */
export { labSupport, type LabSupport } from './support.js';
export { labTest, isCI, type LabTestOptions } from './lab-test.js';
export { Lab, type LabOptions, type LinkOptions, type InterfaceOptions, type Link, type LinkEnd } from './lab.js';
export type { Namespace, ExecOptions, ExecResult, SpawnOptions } from './namespace.js';
export {
  startDevice,
  startAvahi,
  deviceLab,
  firstLine,
  type DeviceOptions,
  type SimulatedDevice,
  type LabDevice,
  type DeviceLab,
  type DeviceLabOptions,
} from './devices.js';
