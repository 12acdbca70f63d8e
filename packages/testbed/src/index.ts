export type { TestbedOptions } from './options.js';
export { defaultTestbedDir } from './options.js';
export type { JackInfo, TestbedInfo } from './types.js';
export { startTestbed, stopTestbed, restartJack, testbedStatus } from './testbed.js';
export { ensureInstalled, missingRequirements, APT_PACKAGES } from './install.js';
export { testbedEnv, type TestbedEnv } from './env.js';
export { alsaConfigText } from './alsa-config.js';
export { addAlsaPcm, removeAlsaPcm, startJackServer, stopJackServer, type AlsaPcmOptions } from './hotplug.js';
export { jackLogMark, jackXrunsSince, type HasTestbedDir } from './jack-log.js';
export { writeInFile, readOutFile, clearOutFile, type HasInFile, type HasOutFile } from './files.js';
export {
  jackConnect,
  jackDisconnect,
  jackConnections,
  jackPorts,
  jackServerRunning,
  jackBufferSize,
  jackSampleRate,
  type JackToolOptions,
} from './jack-tools.js';
export { runTestbedCommand, TESTBED_USAGE, type TestbedIO } from './cli.js';
